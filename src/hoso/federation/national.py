"""The hub's readers for its operators' pages (R-NATIONAL, R-LIVE; issue 14 item 1): the
national registry searched and paged, national counts over the basic information it holds,
and each node's lag. Only the basic information the packets carry is here (`packets.summary`);
a dossier itself is never at the hub. The gate and the audit of these reads are
`federation.policies`; pages call both.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils import timezone

from hoso import identity
from hoso.catalog.selectors import name_of
from hoso.core.dates import today
from hoso.core.text import normalize
from hoso.federation.models import HubNode, HubPacket, RegistryEntry
from hoso.people.models import Sex, StaffStatus

PAGE_SIZE = 25
DIGITS = re.compile(r"\d{1,12}")
# Operational thresholds of the lag page (not law): a node that has not reported for this long
# (its sender's heartbeat is every 5 s) is shown as out of contact.
SILENT_SECONDS = 30
# Age bands of the national counts, as the node's statistics page draws them (presentation).
AGE_BANDS = ((0, 30, "Dưới 30"), (30, 40, "30–39"), (40, 50, "40–49"), (50, 60, "50–59"))
OLDEST_BAND = "Từ 60 trở lên"
UNKNOWN = "Chưa rõ"


class SearchError(ValueError):
    """A search the registry cannot answer; `code` is stable, the text Vietnamese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Search:
    text: str  # as typed
    node: str  # "" for every node
    kind: str  # "id" | "name" | "all"


def search_parse(text: str, node: str, nodes: set[str]) -> Search:
    """What the operator asked: a personal id (or its first digits), a name, or everything.
    Raises `SearchError` for an unknown node or a query that is neither."""
    text, node = (text or "").strip(), (node or "").strip()
    if node and node not in nodes:
        raise SearchError("unknown_node", f"Không có nút «{node}» trong danh sách các nút.")
    if not text:
        return Search(text, node, "all")
    if DIGITS.fullmatch(text):
        problems = identity.validate(text) if len(text) == 12 else []
        if problems:
            reason = problems[0].message
            raise SearchError("bad_personal_id", f"Số định danh «{text}» không hợp lệ: {reason}")
        return Search(text, node, "id")
    if any(ch.isdigit() for ch in text):
        raise SearchError(
            "bad_query", "Hãy nhập số định danh (chỉ chữ số) hoặc họ tên (không có chữ số)."
        )
    if len(normalize(text)) < 2:
        raise SearchError("query_too_short", "Hãy nhập ít nhất 2 chữ cái của họ tên.")
    return Search(text, node, "name")


def node_names() -> dict[str, str]:
    return dict(HubNode.objects.order_by("node_id").values_list("node_id", "name"))


def registry_page(search: Search, page: int) -> Page:
    """One page of the registry (basic information, the managing node), by personal id."""
    rows = RegistryEntry.objects.exclude(version=0, summary={})  # claims not yet filled
    if search.node:
        rows = rows.filter(node_id=search.node)
    if search.kind == "id":
        rows = rows.filter(personal_id__startswith=search.text)
    elif search.kind == "name":
        for word in normalize(search.text).split(" "):
            rows = rows.filter(Q(name_key__startswith=word) | Q(name_key__contains=f" {word}"))
    rows = rows.order_by("personal_id").values("personal_id", "node_id", "summary", "updated_at")
    return Paginator(rows, PAGE_SIZE).get_page(page)


def entry_rows(page: Page, names: dict[str, str]) -> list[dict[str, Any]]:
    """The page's entries as the registry table shows them."""
    out = []
    for row in page.object_list:
        s = row["summary"] or {}
        rank = s.get("rank") or {}
        out.append(
            {
                "personal_id": row["personal_id"],
                "full_name": s.get("full_name") or "",
                "birth_date": _date(s.get("birth_date")),
                "sex": _label(Sex, s.get("sex")),
                "status": _label(StaffStatus, s.get("status")),
                "category": name_of("staff_category", s.get("staff_category")),
                "rank": name_of("rank", rank.get("rank_code")),
                "node": row["node_id"],
                "agency": names.get(row["node_id"], row["node_id"]),
                "updated_at": row["updated_at"],
            }
        )
    return out


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _label(choices: Any, code: Any) -> str:
    if not code:
        return ""
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def _age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return UNKNOWN
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    for low, high, label in AGE_BANDS:
        if low <= age < high:
            return label
    return OLDEST_BAND


@dataclass(frozen=True)
class Figures:
    total: int
    by: dict[str, list[tuple[str, int]]]  # dimension label → (value label, count), ordered


DIMENSIONS = (
    ("node", "Cơ quan quản lý (nút)"),
    ("sex", "Giới tính"),
    ("age", "Nhóm tuổi"),
    ("status", "Tình trạng"),
    ("category", "Đối tượng"),
    ("rank", "Ngạch, chức danh nghề nghiệp"),
    ("qualification", "Trình độ chuyên môn"),
)


def statistics(on: date | None = None) -> Figures:
    """National counts over the registry's basic information (R-NATIONAL, R-STATS): one pass
    over the summaries, counts only. Dimensions in `DIMENSIONS`; values most frequent first,
    age bands in their order."""
    on = on or today()
    names = node_names()
    counters: dict[str, Counter[str]] = {key: Counter() for key, _ in DIMENSIONS}
    rows = RegistryEntry.objects.exclude(version=0, summary={}).values_list("node_id", "summary")
    total = 0
    for node_id, s in rows.iterator(chunk_size=2000):
        s = s or {}
        total += 1
        counters["node"][names.get(node_id, node_id)] += 1
        counters["sex"][_label(Sex, s.get("sex")) or UNKNOWN] += 1
        counters["age"][_age_band(_date(s.get("birth_date")), on)] += 1
        counters["status"][_label(StaffStatus, s.get("status")) or UNKNOWN] += 1
        counters["category"][name_of("staff_category", s.get("staff_category")) or UNKNOWN] += 1
        rank = (s.get("rank") or {}).get("rank_code")
        counters["rank"][name_of("rank", rank) or UNKNOWN] += 1
        qualification = s.get("highest_qualification")
        counters["qualification"][name_of("qualification", qualification) or UNKNOWN] += 1
    order = [label for _, _, label in AGE_BANDS] + [OLDEST_BAND, UNKNOWN]
    by: dict[str, list[tuple[str, int]]] = {}
    for key, label in DIMENSIONS:
        items = counters[key].most_common()
        if key == "age":
            items = sorted(items, key=lambda item: order.index(item[0]))
        by[label] = items
    return Figures(total, by)


@dataclass(frozen=True)
class NodeLag:
    node_id: str
    agency: str
    last_seq: int  # the last packet received and applied, in order
    reported_head: int  # the node's own last number, as it last reported
    pending: int  # packets numbered at the node, not yet at the hub
    last_contact: datetime | None  # any batch, heartbeats included
    last_packet: datetime | None  # when the last packet (`last_seq`) was received
    seconds_since_packet: int | None
    seconds_since_contact: int | None
    state: str  # "ok" | "behind" | "silent" | "never"

    @property
    def state_label(self) -> str:
        return LAG_STATES[self.state]


LAG_STATES = {
    "ok": "Đã nhận đủ",
    "behind": "Đang nhận, còn gói chờ",
    "silent": "Mất liên lạc",
    "never": "Chưa kết nối",
}


def lag(now: datetime | None = None) -> list[NodeLag]:
    """Each registered node's lag (R-LIVE): the hub's chain head against the head the node
    reported with its last batch or heartbeat, and how long ago each arrived. Three queries,
    whatever the number of nodes."""
    now = now or timezone.now()
    nodes = list(HubNode.objects.order_by("node_id"))
    heads = Q(pk__in=[])
    for n in nodes:
        heads |= Q(node_id=n.node_id, seq=n.last_seq)
    received = dict(
        HubPacket.objects.filter(heads).values_list("node_id", "received_at") if nodes else []
    )
    out = []
    for n in nodes:
        pending = max(0, n.reported_head - n.last_seq)
        contact = n.last_received_at
        since_contact = int((now - contact).total_seconds()) if contact else None
        packet = received.get(n.node_id)
        if contact is None:
            state = "never"
        elif since_contact is not None and since_contact > SILENT_SECONDS:
            state = "silent"
        else:
            state = "behind" if pending else "ok"
        out.append(
            NodeLag(
                node_id=n.node_id,
                agency=n.name,
                last_seq=n.last_seq,
                reported_head=n.reported_head,
                pending=pending,
                last_contact=contact,
                last_packet=packet,
                seconds_since_packet=int((now - packet).total_seconds()) if packet else None,
                seconds_since_contact=since_contact,
                state=state,
            )
        )
    return out


def received_counts() -> dict[str, int]:
    return dict(
        HubPacket.objects.values("node_id").annotate(n=Count("id")).values_list("node_id", "n")
    )
