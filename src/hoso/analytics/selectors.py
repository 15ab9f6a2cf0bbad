"""Counting the workforce (R-STATS): how many, by one or two dimensions, as of a date.

Counts only, never content. Every query is filtered by `access.policies.counting_scope` for
the fields its dimensions read, so a count says nothing its reader could not read in the
dossiers themselves; a breakdown by a dimension above the reader's duty ceiling is refused
(docs/decisions/0015-statistics-without-leaks.md). The rule test lets this module query
`Person` and section models for counts.

Today's count reads the current state the one write path keeps from the histories; an
earlier day reads the effective-dated rows: the unit from the work history row in force on
the day, the rank from the salary row in force, the leadership post from the main position
in force, Party membership from admission and leaving dates, the qualification, political
theory and state-management levels from the training rows finished by then. The staff
category is today's value: the dossier keeps no dated history of it (`AS_OF_NOTE`, shown on
the page and in the API documentation).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from hoso.access import policies
from hoso.access.models import Sensitivity
from hoso.analytics.errors import StatsError
from hoso.catalog.selectors import attrs_map, codes, name_of
from hoso.core.dates import age_on, vn
from hoso.core.dates import today as local_today
from hoso.orgs.models import Organization, StaffingQuota
from hoso.people.keys import ethnicity_index, religion_index
from hoso.people.models import (
    CareerEvent,
    Discipline,
    Evaluation,
    PartyMembership,
    Person,
    PositionAssignment,
    SalaryHistory,
    Sex,
    StaffStatus,
    Training,
    WorkHistory,
)

KINH = "01"  # catalog `ethnicity` (QĐ 121-TCTK/PPCĐ): every other code is an ethnic minority
MAX_DIMENSIONS = 2


class Dimension:
    """The dimensions a count can be broken down by (API names, Vietnamese labels)."""

    STAFF_CATEGORY = "staff_category"
    UNIT = "unit"
    SEX = "sex"
    AGE_BAND = "age_band"
    ETHNIC_MINORITY = "ethnic_minority"
    RELIGION = "religion"
    PARTY = "party"
    QUALIFICATION = "qualification"
    POLITICAL_THEORY = "political_theory"
    STATE_MANAGEMENT = "state_management"
    RANK = "rank"
    PAY_GROUP = "pay_group"
    POSITION = "position"


LABELS: dict[str, str] = {
    Dimension.STAFF_CATEGORY: "Đối tượng",
    Dimension.UNIT: "Đơn vị",
    Dimension.SEX: "Giới tính",
    Dimension.AGE_BAND: "Độ tuổi",
    Dimension.ETHNIC_MINORITY: "Dân tộc thiểu số",
    Dimension.RELIGION: "Tôn giáo",
    Dimension.PARTY: "Đảng viên",
    Dimension.QUALIFICATION: "Trình độ chuyên môn",
    Dimension.POLITICAL_THEORY: "Lý luận chính trị",
    Dimension.STATE_MANAGEMENT: "Quản lý nhà nước",
    Dimension.RANK: "Ngạch, chức danh nghề nghiệp",
    Dimension.PAY_GROUP: "Nhóm ngạch (loại bảng lương)",
    Dimension.POSITION: "Chức vụ lãnh đạo, quản lý",
}
DIMENSIONS = tuple(LABELS)

TRAINING = ("training.kind", "training.to_date", "training.qualification")
# The dossier fields each dimension reads (their classes decide who may count by them).
FIELDS: dict[str, frozenset[str]] = {
    Dimension.STAFF_CATEGORY: frozenset({"employment.staff_category"}),
    Dimension.UNIT: frozenset(),
    Dimension.SEX: frozenset({"identity.sex"}),
    Dimension.AGE_BAND: frozenset({"identity.birth_date"}),
    Dimension.ETHNIC_MINORITY: frozenset({"identity.ethnicity"}),
    Dimension.RELIGION: frozenset({"identity.religion"}),
    Dimension.PARTY: frozenset({"party.admission_date", "party.left_date"}),
    Dimension.QUALIFICATION: frozenset({"qualifications.highest_qualification", *TRAINING}),
    Dimension.POLITICAL_THEORY: frozenset({"qualifications.political_theory", *TRAINING}),
    Dimension.STATE_MANAGEMENT: frozenset({"qualifications.state_management", *TRAINING}),
    Dimension.RANK: frozenset({"salary.rank_code", "salary.from_date"}),
    Dimension.PAY_GROUP: frozenset({"salary.rank_code", "salary.from_date"}),
    Dimension.POSITION: frozenset(
        {"positions.position_code", "positions.is_main", "positions.from_date", "positions.to_date"}
    ),
}
# Every count reads where the person worked on the day.
BASE_FIELDS = frozenset(
    {"work_history.organization", "work_history.from_date", "work_history.to_date"}
)

AGE_BANDS: tuple[tuple[str, str, int], ...] = (  # code, label, highest age in the band
    ("to_30", "Từ 30 tuổi trở xuống", 30),
    ("31_40", "Từ 31 đến 40 tuổi", 40),
    ("41_50", "Từ 41 đến 50 tuổi", 50),
    ("51_60", "Từ 51 đến 60 tuổi", 60),
    ("over_60", "Trên 60 tuổi", 10**6),
)
NOT_RECORDED = "Chưa ghi nhận"
AS_OF_NOTE = (
    "hôm nay là tình trạng hiện tại của hồ sơ; một ngày trước đây thì đơn vị lấy theo quá "
    "trình công tác, ngạch theo diễn biến lương, chức vụ lãnh đạo theo quá trình giữ chức vụ, "
    "đảng viên theo ngày vào và ra khỏi Đảng, trình độ chuyên môn, lý luận chính trị, quản lý "
    "nhà nước theo các khóa đào tạo đã kết thúc vào ngày đó (khóa đào tạo không ghi trình độ "
    "thì dùng trình độ hiện nay). Đối tượng (cán bộ, công chức, viên chức, hợp đồng) luôn là "
    "giá trị hiện nay, vì hồ sơ không ghi ngày chuyển đối tượng."
)


def age_band(age: int) -> str:
    return next(code for code, _label, top in AGE_BANDS if age <= top)


@dataclass(frozen=True)
class Group:
    key: dict[str, Any]
    count: int
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Breakdown:
    unit: Organization
    as_of: date
    by: tuple[str, ...]
    total: int
    groups: list[Group]

    def column_values(self, dim: str) -> list[tuple[Any, str]]:
        """The distinct values of `dim` in the groups' order, with their labels."""
        seen: dict[Any, str] = {}
        for g in self.groups:
            seen.setdefault(g.key[dim], g.labels[dim])
        return list(seen.items())


# --- Checking the question ---------------------------------------------------------------------


def parse_dimensions(text: str) -> tuple[str, ...]:
    """`"sex,age_band"` → ("sex", "age_band"); unknown, repeated or too many refused."""
    dims = tuple(d.strip() for d in (text or "").split(",") if d.strip())
    for d in dims:
        if d not in LABELS:
            raise StatsError(
                "unknown_dimension",
                f"Không có tiêu chí thống kê «{d}». Các tiêu chí: {', '.join(DIMENSIONS)}.",
            )
    if len(set(dims)) != len(dims):
        raise StatsError("repeated_dimension", "Mỗi tiêu chí chỉ được chọn một lần.")
    if len(dims) > MAX_DIMENSIONS:
        raise StatsError(
            "too_many_dimensions", f"Chỉ kết hợp được tối đa {MAX_DIMENSIONS} tiêu chí."
        )
    return dims


def stats_unit(user: Any, code: str) -> Organization:
    """The unit whose subtree `user` may count: inside one of their reading duties."""
    unit = Organization.objects.filter(code=code).first() if code else None
    if unit is None:
        raise StatsError("unknown_unit", f"Không có đơn vị «{code}».", status=404)
    if not policies.counting_ceiling(user, unit.path):
        raise StatsError(
            "unit_out_of_scope",
            f"Đơn vị «{unit.name}» nằm ngoài phạm vi nhiệm vụ được giao của bạn.",
            status=403,
        )
    return unit


def stats_units(user: Any, duties: list[Any] | None = None) -> list[Organization]:
    """The widest units the user's reading duties cover (where the page starts); `duties`:
    the user's active duties when the caller has already read them."""
    duties = policies.active_assignments(user) if duties is None else duties
    ceilings = policies.role_ceilings()
    roots = [
        a.organization
        for a in duties
        if a.role in policies.READING_ROLES and a.organization is not None and ceilings.get(a.role)
    ]
    wide = [r for r in roots if not any(r.path.startswith(o.path) and r.pk != o.pk for o in roots)]
    return sorted({r.pk: r for r in wide}.values(), key=lambda o: o.path)


def check_as_of(unit: Organization, as_of: date) -> None:
    if as_of > local_today():
        raise StatsError(
            "date_in_future",
            f"Ngày {vn(as_of)} chưa tới: số liệu chỉ có đến hôm nay (dự báo ở mục Dự báo).",
        )
    if as_of < unit.valid_from:
        raise StatsError(
            "date_before_history",
            f"Đơn vị «{unit.name}» có hiệu lực từ {vn(unit.valid_from)}; "
            f"không có số liệu vào ngày {vn(as_of)}.",
        )


def permitted_dimensions(user: Any, unit: Organization) -> tuple[str, ...]:
    """The dimensions this user may count the unit's people by (their duty ceiling there)."""
    ceiling = policies.RANK.get(policies.counting_ceiling(user, unit.path), 0)
    classes = policies.field_classes()
    return tuple(
        d
        for d in DIMENSIONS
        if max((policies.RANK[classes[f]] for f in FIELDS[d]), default=0) <= ceiling
    )


def _check_permitted(user: Any, unit: Organization, dims: Iterable[str]) -> None:
    allowed = permitted_dimensions(user, unit)
    for d in dims:
        if d not in allowed:
            label = Sensitivity.SENSITIVE.label.lower()
            raise StatsError(
                "dimension_not_permitted",
                f"Thống kê theo «{LABELS[d]}» đọc {label}: chỉ dành cho người được giao "
                "nhiệm vụ đọc loại thông tin này trong đơn vị.",
                status=403,
            )


# --- Counting ----------------------------------------------------------------------------------


def _in_force(on: date) -> Q:
    return Q(from_date__lte=on) & (Q(to_date__isnull=True) | Q(to_date__gte=on))


def _subtree_ids(unit: Organization) -> list[int]:
    return list(
        Organization.objects.filter(path__startswith=unit.path).values_list("pk", flat=True)
    )


def _people_on(
    user: Any, unit: Organization, as_of: date, dims: tuple[str, ...]
) -> QuerySet[Person]:
    """The people the user may count by `dims`, at work in the unit's subtree on `as_of`,
    annotated with the values the dimensions read on that day (`at_unit`, `at_party`,
    `at_rank`, `at_position`).

    Today: the current state that the one write path keeps from the histories (status
    «đang công tác», current unit, current rank, main post, Party membership) — single-table
    columns, so a count over a province is one scan (bench/stats.py). An earlier day: the
    dated rows in force on it — the unit from the work-history row in force (the latest if
    several; an open row that names no unit of the node stands for the current unit), the
    rank from the salary row, the post from the main position, Party membership from the
    admission and leaving dates."""
    fields = BASE_FIELDS.union(*(FIELDS[d] for d in dims))
    scoped = Person.objects.filter(policies.counting_scope(user, fields))
    if as_of == local_today():
        qs = scoped.filter(status=StaffStatus.WORKING, current_unit__in=_subtree_ids(unit))
        qs = qs.annotate(at_unit=F("current_unit"))
        if Dimension.PARTY in dims:
            qs = qs.annotate(at_party=F("is_party_member"))
        if Dimension.RANK in dims or Dimension.PAY_GROUP in dims:
            qs = qs.annotate(at_rank=F("current_rank_code"))
        if Dimension.POSITION in dims:
            qs = qs.annotate(at_position=F("current_position_code"))
        for dim, (_kind, column) in EDUCATION.items():
            if dim in dims:
                qs = qs.annotate(**{COLUMNS[dim]: F(column)})
        return qs
    worked = (
        WorkHistory.objects.filter(
            _in_force(as_of),
            Q(organization__isnull=False) | Q(to_date__isnull=True),
            person=OuterRef("pk"),
        )
        .order_by("-from_date", "-pk")
        .annotate(
            unit_then=Coalesce(
                "organization", Case(When(to_date__isnull=True, then=OuterRef("current_unit")))
            )
        )
        .values("unit_then")[:1]
    )
    if connection.vendor == "postgresql":
        qs = _at_work_set(scoped, unit, as_of)
    else:
        qs = scoped.annotate(at_unit=Subquery(worked)).filter(at_unit__in=_subtree_ids(unit))
    if Dimension.PARTY in dims:
        member = PartyMembership.objects.filter(
            Q(left_date__isnull=True) | Q(left_date__gt=as_of),
            person=OuterRef("pk"),
            admission_date__lte=as_of,
        )
        qs = qs.annotate(at_party=Exists(member))
    if Dimension.RANK in dims or Dimension.PAY_GROUP in dims:
        rank = (
            SalaryHistory.objects.filter(person=OuterRef("pk"), from_date__lte=as_of)
            .order_by("-from_date", "-pk")
            .values("rank_code")[:1]
        )
        qs = qs.annotate(at_rank=Subquery(rank))
    if Dimension.POSITION in dims:
        post = (
            PositionAssignment.objects.filter(_in_force(as_of), person=OuterRef("pk"), is_main=True)
            .order_by("-from_date", "-pk")
            .values("position_code")[:1]
        )
        qs = qs.annotate(at_position=Subquery(post))
    for dim in EDUCATION:
        if dim in dims:
            qs = qs.annotate(**{COLUMNS[dim]: _education_on(dim, as_of)})
    return qs


def _people(user: Any, unit: Organization, as_of: date, dims: tuple[str, ...]) -> QuerySet[Person]:
    """`_people_on`, with the age band computed in SQL (`at_age_band`): five groups instead
    of one per birth date."""
    qs = _people_on(user, unit, as_of, dims)
    if Dimension.AGE_BAND in dims:
        bands = []
        for code, _label, top in AGE_BANDS[:-1]:  # age ≤ top ⇔ born after as_of − (top+1) years
            bands.append(When(birth_date__gt=_years_before(as_of, top + 1), then=Value(code)))
        qs = qs.annotate(
            at_age_band=Case(*bands, default=Value(AGE_BANDS[-1][0]), output_field=CharField())
        )
    return qs


def _at_work_set(scoped: QuerySet[Person], unit: Organization, as_of: date) -> QuerySet[Person]:
    """The people at work in the unit's subtree on an earlier day, on PostgreSQL: the same
    rule as the per-person subquery of `_people`, set-based — the work-history row that holds
    each person's unit is the one in force with no later row in force (an anti-join), chosen
    once for all people and matched by id, so the base of every dated count is a few hash
    joins over the rows in force. (A DISTINCT ON subquery, as before, left the planner
    without an estimate of its size: it looked each chosen row up by id, 8× the same count
    in SQL at 1,000,000 people — bench/stats.py.)"""
    holds = _in_force(as_of) & (Q(organization__isnull=False) | Q(to_date__isnull=True))
    later = WorkHistory.objects.filter(
        holds,
        Q(from_date__gt=OuterRef("from_date"))
        | Q(from_date=OuterRef("from_date"), pk__gt=OuterRef("pk")),
        person=OuterRef("person"),
    )
    worked = WorkHistory.objects.filter(holds).filter(~Exists(later)).values("pk")
    # annotate() after filter() reads the same (filtered) join of the work history.
    return (
        scoped.filter(work_history__pk__in=worked)
        .annotate(at_unit=Coalesce("work_history__organization", "current_unit"))
        .filter(at_unit__in=_subtree_ids(unit))
    )


def _level_order(kind: str) -> Case:
    """A training row's level as the catalog's `rank_order` (0 when it has none)."""
    catalog = {"professional": "qualification"}.get(kind, kind)
    return Case(
        *[
            When(qualification=code, then=Value(int(attrs.get("rank_order") or 0)))
            for code, attrs in attrs_map(catalog).items()
        ],
        default=Value(0),
    )


# Education dimensions: the training kind whose rows are dated, and today's summary column.
EDUCATION: dict[str, tuple[str, str]] = {
    Dimension.QUALIFICATION: ("professional", "highest_qualification"),
    Dimension.POLITICAL_THEORY: ("political_theory", "political_theory"),
    Dimension.STATE_MANAGEMENT: ("state_management", "state_management"),
}


def _education_on(dim: str, as_of: date) -> Any:
    """The level of `dim` on an earlier day, from the dated training rows: the highest level
    (the catalog's `rank_order`) among the rows of its kind finished by `as_of` — none yet
    finished: not recorded. A person whose rows of that kind carry no level keeps today's
    summary value (Mẫu 2C item 15), the only one the dossier has."""
    kind, column = EDUCATION[dim]
    order = _level_order(kind)
    leveled = Training.objects.filter(person=OuterRef("pk"), kind=kind).exclude(qualification="")
    finished = (
        leveled.filter(to_date__lte=as_of)
        .annotate(level=order)
        .order_by("-level", "-to_date", "-pk")
        .values("qualification")[:1]
    )
    return Case(
        When(Exists(leveled), then=Subquery(finished)),
        default=F(column),
        output_field=CharField(),
    )


# The catalog naming each coded dimension's values.
CATALOGS: dict[str, str] = {
    Dimension.STAFF_CATEGORY: "staff_category",
    Dimension.RELIGION: "religion",
    Dimension.QUALIFICATION: "qualification",
    Dimension.POLITICAL_THEORY: "political_theory",
    Dimension.STATE_MANAGEMENT: "state_management",
    Dimension.RANK: "rank",
    Dimension.PAY_GROUP: "pay_group",
    Dimension.POSITION: "position",
}

COLUMNS: dict[str, str] = {
    Dimension.STAFF_CATEGORY: "staff_category",
    Dimension.UNIT: "at_unit",
    Dimension.SEX: "sex",
    Dimension.AGE_BAND: "at_age_band",
    Dimension.ETHNIC_MINORITY: "ethnicity_bidx",
    Dimension.RELIGION: "religion_bidx",  # encrypted: grouped by its blind index
    Dimension.PARTY: "at_party",
    Dimension.QUALIFICATION: "at_qualification",
    Dimension.POLITICAL_THEORY: "at_political_theory",
    Dimension.STATE_MANAGEMENT: "at_state_management",
    Dimension.RANK: "at_rank",
    Dimension.PAY_GROUP: "at_rank",
    Dimension.POSITION: "at_position",
}


class _Keys:
    """Turns a row's raw column values into the dimensions' values, and values into labels."""

    def __init__(self, unit: Organization, as_of: date) -> None:
        self.unit, self.as_of = unit, as_of
        subtree = list(Organization.objects.filter(path__startswith=unit.path))
        self.orgs = {o.pk: o for o in subtree}
        self.kinh = ethnicity_index(KINH)
        self._pay_groups: dict[str, Any] | None = None
        self._religions: dict[str, str] | None = None

    def bucket(self, org_id: int) -> str:
        """The unit itself or the child of the unit whose subtree holds `org_id`."""
        ids = self.orgs[org_id].path.strip("/").split("/")
        below = ids[self.unit.depth + 1] if len(ids) > self.unit.depth + 1 else str(self.unit.pk)
        return self.orgs[int(below)].code

    def value(self, dim: str, raw: Any) -> Any:
        if dim == Dimension.UNIT:
            return self.bucket(raw)
        if dim == Dimension.AGE_BAND:
            return raw if isinstance(raw, str) else age_band(age_on(raw, self.as_of))
        if dim == Dimension.ETHNIC_MINORITY:
            return None if not raw else raw != self.kinh
        if dim == Dimension.PARTY:
            return bool(raw)
        if dim == Dimension.RELIGION:
            if self._religions is None:
                self._religions = religion_codes()
            return self._religions.get(raw or "", "")
        if dim == Dimension.PAY_GROUP:
            if self._pay_groups is None:
                self._pay_groups = {c: a.get("pay_group") for c, a in attrs_map("rank").items()}
            return self._pay_groups.get(raw or "") or ""
        return raw or ""

    def label(self, dim: str, value: Any) -> str:
        if dim == Dimension.UNIT:
            return next((o.name for o in self.orgs.values() if o.code == value), value)
        if dim == Dimension.AGE_BAND:
            return next(label for code, label, _top in AGE_BANDS if code == value)
        if dim == Dimension.ETHNIC_MINORITY:
            return {True: "Dân tộc thiểu số", False: "Dân tộc Kinh"}.get(value, NOT_RECORDED)
        if dim == Dimension.PARTY:
            return "Đảng viên" if value else "Không phải đảng viên"
        if dim == Dimension.SEX:
            return Sex(value).label if value in Sex.values else NOT_RECORDED
        if dim == Dimension.POSITION and not value:
            return "Không giữ chức vụ lãnh đạo"
        if not value:
            return NOT_RECORDED
        name = name_of(CATALOGS[dim], value)
        return f"{value} – {name}" if dim == Dimension.RANK and name != value else name

    def order(self, dim: str, value: Any) -> Any:
        if dim == Dimension.UNIT:
            return next((o.path for o in self.orgs.values() if o.code == value), "")
        if dim == Dimension.AGE_BAND:
            return [code for code, _l, _t in AGE_BANDS].index(value)
        return None


def _rows(qs: QuerySet[Person], dims: tuple[str, ...], *, per_person: bool) -> Iterable[dict]:
    columns = sorted({COLUMNS[d] for d in dims} | ({"pk"} if per_person else set()))
    if not columns:
        return [{"n": qs.count()}]
    return qs.values(*columns).annotate(n=Count("pk")).order_by()


def workforce(*, user: Any, unit: Organization, as_of: date, by: tuple[str, ...] = ()) -> Breakdown:
    """How many people `user` may count were at work in the unit's subtree on `as_of`, in
    groups by `by` (at most two dimensions). The groups sum to the total."""
    check_as_of(unit, as_of)
    _check_permitted(user, unit, by)
    keys = _Keys(unit, as_of)
    counts: Counter[tuple] = Counter()
    for row in _rows(_people(user, unit, as_of, by), by, per_person=False):
        counts[tuple(keys.value(d, row[COLUMNS[d]]) for d in by)] += row["n"]
    groups = [
        Group(
            key=dict(zip(by, values, strict=True)),
            count=n,
            labels={d: keys.label(d, v) for d, v in zip(by, values, strict=True)},
        )
        for values, n in counts.items()
    ]

    def sort_key(g: Group) -> tuple:
        parts: list[Any] = []
        for d in by:
            o = keys.order(d, g.key[d])
            parts.append((0, o, "") if o is not None else (1, 0, g.labels[d]))
        return (*parts, -g.count)

    groups.sort(key=sort_key)
    return Breakdown(unit=unit, as_of=as_of, by=by, total=sum(counts.values()), groups=groups)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def religion_codes() -> dict[str, str]:
    """Blind index → religion code, for every code of the catalog (religion is encrypted at
    rest: counts group by its index and name the group by this map)."""
    return {religion_index(code): code for code in codes("religion")}


def value_filter(dim: str, values: Iterable[Any], as_of: date) -> Q:
    """People whose value of `dim` on `as_of` (the annotations of `_people`) is one of
    `values` — the same values `workforce` groups by — as one SQL condition. Units are
    grouped by subtree, not by a value: no condition (ValueError)."""
    values = list(values)
    if dim == Dimension.UNIT:
        raise ValueError(f"no SQL condition for {dim}")
    if dim == Dimension.RELIGION:
        q = Q(religion_bidx__in=[religion_index(v) for v in values if v])
        if "" in values or None in values:
            q |= Q(religion_bidx="")
        return q
    if dim == Dimension.AGE_BAND:
        q = Q(pk__in=[])
        low = -1
        for code, _label, top in AGE_BANDS:
            if code in values:  # low < age ≤ top
                band = Q(birth_date__gt=_years_before(as_of, top + 1)) if top < 10**6 else Q()
                if low >= 0:
                    band &= Q(birth_date__lte=_years_before(as_of, low + 1))
                q |= band
            low = top
        return q
    if dim == Dimension.ETHNIC_MINORITY:
        kinh = ethnicity_index(KINH)
        q = Q(pk__in=[])
        if True in values:
            q |= ~Q(ethnicity_bidx__in=[kinh, ""])
        if False in values:
            q |= Q(ethnicity_bidx=kinh)
        if None in values:
            q |= Q(ethnicity_bidx="")
        return q
    if dim == Dimension.PARTY:
        return Q(at_party__in=[bool(v) for v in values])
    if dim == Dimension.PAY_GROUP:
        groups = {c: a.get("pay_group") or "" for c, a in attrs_map("rank").items()}
        ranks = [c for c, g in groups.items() if g in values]
        q = Q(at_rank__in=ranks)
        if "" in values:
            q |= Q(at_rank__isnull=True) | ~Q(at_rank__in=[c for c, g in groups.items() if g])
        return q
    column = COLUMNS[dim]
    q = Q(**{f"{column}__in": [v for v in values if v]})
    if "" in values or None in values:
        q |= Q(**{column: ""}) | Q(**{f"{column}__isnull": True})
    return q


def counts_by_unit(
    *, user: Any, unit: Organization, as_of: date, columns: dict[str, tuple[str | None, Any]]
) -> dict[str, dict[str, int]]:
    """Many counts in one grouped query: for each unit directly under `unit` (its code; the
    unit itself for people working there directly) and each column `code: (dim, values)`,
    how many people `user` may count by `dim` had one of `values` on `as_of` (dim None: all).
    Each count keeps its own counting scope (that of `workforce` by its dimension), so every
    number equals the matching sum of `workforce(by=("unit", dim))` groups."""
    check_as_of(unit, as_of)
    dims = tuple(sorted({d for d, _v in columns.values() if d}))
    _check_permitted(user, unit, dims)
    qs = _people(user, unit, as_of, dims)
    # Each dimension's counting scope, evaluated once per person: the scope of the base
    # fields is the queryset's own; the others (a higher field class) become one flag each.
    base = policies.counting_scope(user, BASE_FIELDS)
    scopes: list[Q] = []
    aggregates = {}
    for code, (dim, values) in columns.items():
        condition = Q()
        if dim is not None:
            scope = policies.counting_scope(user, BASE_FIELDS | FIELDS[dim])
            if scope != base:
                if scope not in scopes:
                    scopes.append(scope)
                condition &= Q(**{f"in_scope_{scopes.index(scope)}": True})
            condition &= value_filter(dim, values, as_of)
        aggregates[f"c_{code}"] = Count("pk", filter=condition)
    qs = qs.annotate(
        **{
            f"in_scope_{i}": Case(When(scope, then=Value(True)), default=Value(False))
            for i, scope in enumerate(scopes)
        }
    )
    keys = _Keys(unit, as_of)
    out: dict[str, dict[str, int]] = {}
    for row in qs.values("at_unit").annotate(**aggregates).order_by():
        bucket = out.setdefault(keys.bucket(row["at_unit"]), dict.fromkeys(columns, 0))
        for code in columns:
            bucket[code] += row[f"c_{code}"]
    return out


def cell_people(*, user: Any, unit: Organization, as_of: date, key: dict[str, Any]) -> Q:
    """A filter of exactly the people counted in one group (the drill-down behind a number):
    hand it to `people.selectors.people_search` with the reader's scope."""
    dims = tuple(key)
    check_as_of(unit, as_of)
    _check_permitted(user, unit, dims)
    keys = _Keys(unit, as_of)
    wanted = tuple(key[d] for d in dims)
    ids = [
        row["pk"]
        for row in _rows(_people(user, unit, as_of, dims), dims, per_person=True)
        if tuple(keys.value(d, row[COLUMNS[d]]) for d in dims) == wanted
    ]
    return Q(pk__in=ids)


def unit_labels(unit: Organization, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """(path, name) of each bucket code of `unit` (its children and itself): order and words."""
    keys = _Keys(unit, unit.valid_from)
    return {c: (keys.order(Dimension.UNIT, c), keys.label(Dimension.UNIT, c)) for c in codes}


def label_of(*, unit: Organization, as_of: date, dim: str, value: Any) -> str:
    """The words for one value of a dimension (a drill-down's heading)."""
    return _Keys(unit, as_of).label(dim, value)


def parse_key(dims: tuple[str, ...], raw: dict[str, str]) -> dict[str, Any]:
    """A group's key from text (query string): booleans as "1"/"0", missing as ""."""
    key: dict[str, Any] = {}
    for d in dims:
        text = raw.get(d, "")
        if d in (Dimension.PARTY, Dimension.ETHNIC_MINORITY):
            key[d] = {"1": True, "0": False}.get(text)
        else:
            key[d] = text
    return key


def key_text(value: Any) -> str:
    if value is True:
        return "1"
    if value is False:
        return "0"
    return "" if value is None else str(value)


# --- People at work for forecasts --------------------------------------------------------------

FORECAST_FIELDS = frozenset(
    {
        "identity.birth_date",
        "identity.sex",
        "employment.staff_category",
        "employment.status",
        "employment.current_unit",
        "positions.position_code",
    }
)


def working_people(
    *, user: Any, unit: Organization, with_unit: bool = False
) -> list[dict[str, Any]]:
    """Counts of people at work today in the unit's subtree, grouped by month of birth (as
    `birth_date`, the first of that month), sex, staff category and leadership post (what
    retirement forecasts need; no names); `with_unit`: and by the path of their current unit
    (`unit_path`), to share them among quotas.

    By month, not by day: the retirement moment depends on the month of birth only
    (NĐ 135/2020 Art. 4, `rules.retirement`), and a province's people fall into a few
    thousand groups instead of one per birthday (200,000 at 300,000 people, 4 s of rule
    arithmetic per forecast — bench/pages.py)."""
    qs = Person.objects.filter(
        policies.counting_scope(user, FORECAST_FIELDS),
        unit_path__startswith=unit.path,
        status=StaffStatus.WORKING,
    ).annotate(birth_month=TruncMonth("birth_date", output_field=DateField()))
    columns = ["birth_month", "sex", "staff_category", "current_position_code"]
    if with_unit:
        columns.append("unit_path")
    rows = list(qs.values(*columns).annotate(n=Count("pk")).order_by())
    for row in rows:
        row["birth_date"] = row.pop("birth_month")
    return rows


def quota_headcounts(
    *, user: Any, unit: Organization, quotas: list[StaffingQuota], on: date | None = None
) -> dict[int, int]:
    """For each quota (its pk) in the unit's subtree: the people `user` may count by staff
    category at work on `on` (today) in the quota's unit subtree with the quota's category —
    exactly `workforce(unit=quota's unit, by=("staff_category",))`'s group of that category,
    in one grouped query for all the quotas."""
    on = on or local_today()
    qs = _people(user, unit, on, (Dimension.STAFF_CATEGORY,))
    counts: Counter[tuple[int, str]] = Counter()
    for row in qs.values("at_unit", "staff_category").annotate(n=Count("pk")).order_by():
        counts[(row["at_unit"], row["staff_category"])] += row["n"]
    paths = dict(Organization.objects.filter(path__startswith=unit.path).values_list("pk", "path"))
    return {
        q.pk: sum(
            n
            for (org, category), n in counts.items()
            if category == q.staff_category and paths[org].startswith(q.organization.path)
        )
        for q in quotas
    }


# --- Movements over a period -------------------------------------------------------------------

MOVEMENT_FIELDS = BASE_FIELDS | {
    "career_events.decision_type",
    "career_events.effective_date",
    "employment.status",
}
JOINING = {"recruitment": "recruited", "reception": "recruited"}
LEAVING = {
    "retirement": "retired",
    "resignation": "resigned",
    "staff_reduction": "reduced",
    "death": "died",  # ghi nhận từ trần: ends service with status `deceased`
}
# Decisions that move a person between units: a leaver with one of them in the period moved
# out, whatever their status is today (a later death elsewhere is not a death here).
MOVING = frozenset({"transfer", "rotation", "secondment"})
# Older dossiers without a leaving decision: the status the service ended with tells why,
# with the decision that would have recorded it (dated after the period: they left before).
LEFT_BY_STATUS = {
    StaffStatus.DECEASED: ("died", "death"),
    StaffStatus.DISMISSED: ("dismissed", "discipline"),  # buộc thôi việc
    StaffStatus.RETIRED: ("retired", "retirement"),
    StaffStatus.RESIGNED: ("resigned", "resignation"),
}
MOVEMENTS: dict[str, str] = {
    "recruited": "Tuyển dụng, tiếp nhận",
    "transferred_in": "Chuyển đến",
    "transferred_out": "Chuyển đi",
    "retired": "Nghỉ hưu",
    "resigned": "Thôi việc",
    "reduced": "Tinh giản biên chế",
    "dismissed": "Buộc thôi việc",
    "died": "Từ trần",
}


@dataclass(frozen=True)
class Movements:
    unit: Organization
    start: date
    end: date
    at_start: int
    at_end: int
    counts: dict[str, int]


def _leaving_kind(events: list[tuple[date, str]], status: str, start: date, end: date) -> str:
    """Why a person at work on `start` was no longer in the subtree on `end`: the leaving
    decision of the period (retirement, resignation, staff reduction, death; a discipline that
    ended the service); else a move decision of the period; else, for dossiers kept before such
    decisions were recorded, the status their service ended with — unless the decision of that
    status is dated after the period (then they had left before it, by a move)."""
    in_period = [kind for on, kind in events if start < on <= end]
    for kind in in_period:
        if kind in LEAVING:
            return LEAVING[kind]
    if status == StaffStatus.DISMISSED and "discipline" in in_period:
        return "dismissed"
    if any(kind in MOVING for kind in in_period):
        return "transferred_out"
    if status in LEFT_BY_STATUS:
        kind, decision = LEFT_BY_STATUS[status]
        if not any(k == decision and on > end for on, k in events):
            return kind
    return "transferred_out"


def movements(*, user: Any, unit: Organization, start: date, end: date) -> Movements:
    """Who joined and left the unit's subtree between `start` and `end`, from the work history
    (at work on `start` vs on `end`), each told by the personnel decision of the period —
    recruited or transferred in; retired, resigned, reduced, died or transferred out — and for
    leavers without such a decision by the status their service ended with (deceased,
    dismissed, retired, resigned). at_end = at_start + joined − left."""
    if start > end:
        raise StatsError("dates_reversed", f"Ngày bắt đầu {vn(start)} sau ngày kết thúc {vn(end)}.")
    check_as_of(unit, start)
    check_as_of(unit, end)

    def present(on: date) -> set[int]:
        qs = _people(user, unit, on, ()).filter(policies.counting_scope(user, MOVEMENT_FIELDS))
        return set(qs.values_list("pk", flat=True))

    before, after = present(start), present(end)
    joined, left = after - before, before - after
    events: dict[int, list[tuple[date, str]]] = {}
    for pk, on, kind in CareerEvent.objects.filter(person__in=joined | left).values_list(
        "person", "effective_date", "decision_type"
    ):
        events.setdefault(pk, []).append((on, kind))
    status = dict(Person.objects.filter(pk__in=left).values_list("pk", "status"))
    counts = dict.fromkeys(MOVEMENTS, 0)
    for pk in joined:
        kinds = [k for on, k in events.get(pk, []) if start < on <= end and k in JOINING]
        counts[JOINING[kinds[0]] if kinds else "transferred_in"] += 1
    for pk in left:
        counts[_leaving_kind(events.get(pk, []), status.get(pk, ""), start, end)] += 1
    return Movements(unit, start, end, len(before), len(after), counts)


# --- What the salary-step forecast needs ---------------------------------------------------------

STEP_FIELDS = frozenset(
    {
        "salary.rank_code",
        "salary.step",
        "salary.from_date",
        "discipline.form_code",
        "discipline.effect_from",
        "evaluations.year",
        "evaluations.grade_code",
    }
)


def salary_histories(
    *, user: Any, unit: Organization, delaying_forms: Iterable[str], delaying_grades: Iterable[str]
) -> list[dict[str, Any]]:
    """The input of `forecasts.steps_due` for the people at work today in the unit's subtree
    (that `user` may count by these fields), without names or ids: per person or group of
    people (`n`), the current salary row — the latest, which alone sets the next step — and
    the disciplines and evaluations that delay a raise (forms and grades given by the caller,
    from the catalogs).

    People without such a delay who hold the same rank and step since the same month share
    one entry (dated the first of that month: `steps_due` counts by month, and a raise falls
    due in the month its interval after that month ends, whatever the day): a province's
    people make a few thousand entries, not one each with every row of their histories
    (240,000 people: 10 s to read them all, 8 s of rule arithmetic — bench/pages.py)."""
    people = Person.objects.filter(
        policies.counting_scope(user, STEP_FIELDS),
        unit_path__startswith=unit.path,
        status=StaffStatus.WORKING,
    ).values("pk")
    later = SalaryHistory.objects.filter(person=OuterRef("person")).filter(
        Q(from_date__gt=OuterRef("from_date"))
        | Q(from_date=OuterRef("from_date"), pk__gt=OuterRef("pk"))
    )
    current = (
        SalaryHistory.objects.filter(person__in=people)
        .filter(~Exists(later))
        .values_list("person", "from_date", "rank_code", "step")
    )
    delaying = Discipline.objects.filter(person__in=people, form_code__in=list(delaying_forms))
    failed = Evaluation.objects.filter(person__in=people, grade_code__in=list(delaying_grades))
    delayed = Q(person__in=delaying.values("person")) | Q(person__in=failed.values("person"))
    # The delayed people first, their delays after: each query sees its own snapshot, and a
    # record added in between (a seed or import running) must not leave a person without
    # the delays the first query found them by.
    delayed_current = list(current.filter(delayed))
    delays: dict[int, dict[str, list]] = {}
    for pk, form, start in delaying.values_list("person", "form_code", "effect_from"):
        delays.setdefault(pk, {"discipline": [], "evaluations": []})["discipline"].append(
            {"form_code": form, "effect_from": start}
        )
    for pk, year, grade in failed.values_list("person", "year", "grade_code"):
        delays.setdefault(pk, {"discipline": [], "evaluations": []})["evaluations"].append(
            {"year": year, "grade_code": grade}
        )
    out: list[dict[str, Any]] = []
    for pk, frm, rank, step in delayed_current:
        row = {"from_date": frm, "rank_code": rank, "step": step}
        found = delays.get(pk, {"discipline": [], "evaluations": []})  # removed in between
        out.append({"salary": [row], **found, "n": 1})
    # The others by month: the forecast counts raises per month, and a step falls due in
    # the month its interval after that month ends, whatever the day.
    shared = (
        current.exclude(delayed)
        .annotate(since=TruncMonth("from_date", output_field=DateField()))
        .values_list("since", "rank_code", "step")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for frm, rank, step, n in shared:
        row = {"from_date": frm, "rank_code": rank, "step": step}
        out.append({"salary": [row], "discipline": [], "evaluations": [], "n": n})
    return out


def quotas(*, unit: Organization, year: int) -> list[StaffingQuota]:
    """The staffing quotas of `year` in the unit's subtree (not dossier content)."""
    return list(
        StaffingQuota.objects.filter(year=year, organization__path__startswith=unit.path)
        .select_related("organization")
        .order_by("organization__path", "staff_category")
    )
