"""A demo node: catalogs, a real province and a ministry, synthetic people and the personas.

Everything goes through the same services as production data (orgs, people, access), so the
demo shows the system as it is. Setup is idempotent: a second run finds what the first made and
changes nothing, so `hoso demo` can be run on every start. Passwords and TOTP secrets (every
persona is enrolled for the second login step) are generated once and kept in the node's data
directory (outside the repository, mode 600) so they can be shown again (`accounts`)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from django.core.management import call_command
from tqdm import tqdm

from hoso.catalog.services import LoadReport, catalog_load_builtin
from hoso.core.dates import today as local_today
from hoso.demo import population
from hoso.demo.accounts import DemoAccount, accounts_path, personas
from hoso.demo.eligibility import refusals_create
from hoso.demo.feedback import feedback_create
from hoso.demo.grants import grants_create
from hoso.demo.loans import loans_create
from hoso.demo.orgs import MINISTRY, PROVINCE, demo_organizations, headcounts
from hoso.demo.pki import signing_keys_ensure
from hoso.demo.procedures import procedures_create
from hoso.demo.proposals import work_create
from hoso.demo.scans import documents_create
from hoso.people.selectors import person_queryset
from hoso.people.services import completeness_refresh


@dataclass(frozen=True)
class DemoInfo:
    accounts: list[DemoAccount]
    people: int  # dossiers in the node
    seeded: int  # dossiers created by this run
    accounts_file: Path


def demo_setup(
    *,
    people: int = 2000,
    seed: int = 1,
    stdout: TextIO | None = None,
    progress: bool = True,
    today: date | None = None,
) -> DemoInfo:
    """Bring the node to a complete demo state; idempotent."""
    out = stdout or sys.stdout
    today = today or local_today()
    out.write("Chuẩn bị cơ sở dữ liệu…\n")
    call_command("migrate", interactive=False, verbosity=0)
    out.write("Nạp danh mục dùng chung…\n")
    reports = catalog_load_builtin()
    out.write("Tạo cơ quan, đơn vị, biên chế và vị trí việc làm…\n")
    demo_organizations(today)
    seeded = 0
    if people > 0 and not person_queryset().exists():
        seeded = _seed(people, seed, today, out, progress)
    elif people > 0 and standard_changed(reports):
        # Stored completeness is computed at write time: follow a changed standard.
        out.write("Chuẩn hồ sơ đã thay đổi: tính lại mức độ đầy đủ của các hồ sơ…\n")
        completeness_refresh(acting_user=None, today=today)
    accounts = personas(today)
    signing_keys_ensure(out)
    if seeded:
        grants_create(today, out)
        work_create(today, out)
        documents_create(out)
        loans_create(today, out)
        procedures_create(today, out)
        refusals_create(today, out)
        feedback_create(out)
    return DemoInfo(accounts, person_queryset().count(), seeded, accounts_path())


STANDARD_CATALOGS = {
    "required_field",
    "dossier_format_rule",
    "required_component",
    "rank",
    "pay_group",
}


def standard_changed(reports: list[LoadReport]) -> bool:
    """Whether loading the catalogs changed the dossier standard (or the scales it checks)."""
    return any(
        r.catalog in STANDARD_CATALOGS and (r.created or r.updated or r.versioned) for r in reports
    )


def _seed(people: int, seed: int, today: date, out: TextIO, progress: bool) -> int:

    out.write(f"Sinh {people} hồ sơ giả lập…\n")
    with tqdm(total=people, unit=" hồ sơ", disable=not progress, file=sys.stderr) as bar:
        result = population.seed_people(
            count=people,
            seed=seed,
            today=today,
            on_progress=bar.update,
            unit_codes=[PROVINCE["code"], MINISTRY["code"]],
            allocation=population.allocation_for(headcounts(people, today)),
        )
    out.write(f"Đã tạo {result.created} hồ sơ ({result.rate:.0f} hồ sơ/giây).\n")
    return result.created
