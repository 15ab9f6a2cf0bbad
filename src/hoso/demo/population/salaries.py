"""Salary history: pay-group steps, raises and allowances.

A part of `Population` (see `generator`): its methods draw from `self`'s tables and the
person's own `Random`, in the order `Population.dossier` calls them."""

from __future__ import annotations

from datetime import date
from typing import Any

from hoso.demo.population.basics import _d, _Life


class SalaryMixin:
    def _salary(self, life: _Life) -> list[dict[str, Any]]:
        """Rank, step and coefficient from recruitment to today, stepping every `step_months`
        of the pay group, delayed by discipline and «not completed» years, moved to the nearest
        higher coefficient on promotion, then seniority allowance after the last step."""
        ladder, today_mi = life.ladder, self.today_mi
        rank = ladder[life.rung]
        group = self.pay[rank.attrs["pay_group"]]
        coefs = self.coef[rank.attrs["pay_group"]]
        months = int(group.get("step_months", 36))
        step = 1
        if life.qual_order >= self.qual_order["master"] and len(coefs) > 3:
            step = 2 if life.qual_order == self.qual_order["master"] else 3
        elif rank.attrs["pay_group"] == "A0" and life.qual == "college":
            step = 2
        delays = sorted(
            [(y * 12 + 11, 12) for y, g in life.grades.items() if g == "not_completed"]
            + (
                [
                    (
                        life.discipline[2],
                        int(life.discipline[0].attrs.get("salary_delay_months") or 0),
                    )
                ]
                if life.discipline
                else []
            )
        )
        allowance = self._allowance(life.leader)
        lead_from = life.app_mi or 10**9
        rows = [
            self._pay_row(
                life.rec, rank.code, step, coefs, 0, life.rec_mi >= lead_from and allowance
            )
        ]
        promos = list(life.promotions)
        nxt, over, last = life.rec_mi + months, 0, life.rec_mi
        while True:
            promo_at = promos[0][0] if promos else 10**9
            while delays and delays[0][0] < min(nxt, promo_at):
                if delays[0][0] >= last:
                    nxt += delays[0][1]
                delays.pop(0)
            at = min(nxt, promo_at)
            if at > today_mi:
                break
            if promo_at <= nxt:
                _, rung = promos.pop(0)
                current = float(coefs[step - 1])
                rank = ladder[rung]
                group = self.pay[rank.attrs["pay_group"]]
                coefs = self.coef[rank.attrs["pay_group"]]
                months = int(group.get("step_months", 36))
                step = next((i + 1 for i, c in enumerate(coefs) if float(c) >= current), len(coefs))
                over, nxt = 0, at + months
            elif step < len(coefs):
                step += 1
                nxt = at + months
            else:
                over = (
                    over + 1
                    if over
                    else int(group.get("seniority_allowance", {}).get("first_percent", 5))
                )
                nxt = at + 12
            last = at
            rows.append(
                self._pay_row(
                    _d(at, 1), rank.code, step, coefs, over, at >= lead_from and allowance
                )
            )
        if allowance and life.app_mi and life.app_mi > life.rec_mi:
            self._allowance_row(rows, life, allowance)
        return rows

    def _pay_row(
        self, when: date, rank: str, step: int, coefs: list[str], over: int, allowance: str | bool
    ) -> dict[str, Any]:
        row = {"from_date": when, "rank_code": rank, "step": step, "coefficient": coefs[step - 1]}
        if over:
            row["over_frame_percent"] = over
        if allowance:
            row["position_allowance"] = allowance
        return row

    def _allowance(self, position: str | None) -> str:
        if not position:
            return ""
        value = self.positions[position].attrs.get("allowance")
        return f"{value:.2f}" if isinstance(value, int | float) else ""

    def _allowance_row(self, rows: list[dict[str, Any]], life: _Life, allowance: str) -> None:
        """The position allowance starts on the appointment date: a row of its own unless a
        raise falls on the same day."""
        start = _d(life.app_mi, 1)
        before = [row for row in rows if row["from_date"] < start]
        if any(row["from_date"] == start for row in rows) or not before:
            return
        row = dict(before[-1], from_date=start, position_allowance=allowance)
        rows.insert(len(before), row)
