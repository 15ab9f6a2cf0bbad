"""The only readers of dossier tables. Callers must have passed `access.policies` first:
these functions take the person or the scope the gate returned, never a raw id from a user.

Dossier content is read by `_dossier_data`, private: only the access decision
(`access.policies.DossierAccess.content`, masked for its reader), the named system reader
(`access.system.system_dossier`) and the write path (`people.services`) call it; a rule in
the test suite (tests/architecture) fails the build for any other caller.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, DecimalField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from hoso.catalog.selectors import attrs_map, codes, entries, name_of
from hoso.core.dates import today as local_today
from hoso.core.text import normalize
from hoso.orgs.models import JobPosition, Organization, StaffingQuota
from hoso.orgs.selectors import QuotaUsage, unit_labels
from hoso.people.keys import ethnicity_index
from hoso.people.models import Evaluation, Person, PositionAssignment, StaffStatus
from hoso.people.sections import BY_KEY, SECTIONS, Section, field_label, section_field
from hoso.people.standard import ComponentRule, FormatRule, Requirement, Standard
from hoso.people.validation import CODED_FIELDS

_ID_FRAGMENT = re.compile(r"^\d{3,12}$")


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "quantize"):
        return str(value)
    return value


def _row(section: Section, obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in section.fields:
        field = section.model._meta.get_field(name)
        if field.is_relation:
            related = getattr(obj, name)
            out[name] = related.code if related is not None else None
        else:
            out[name] = _plain(getattr(obj, name))
    return out


def person_queryset() -> QuerySet[Person]:
    return Person.objects.select_related("current_unit", "managing_agency")


def working_by_unit_and_position() -> dict[tuple[str, str], int]:
    """Working people per (current unit code, current position code; "" for none)."""
    rows = (
        Person.objects.filter(status=StaffStatus.WORKING)
        .values_list("current_unit__code", "current_position_code")
        .annotate(n=Count("id"))
    )
    return {(unit, position): n for unit, position, n in rows}


def personal_id_prefix_counts() -> dict[str, int]:
    """How many dossiers exist per personal-id prefix (6 digits): a generator's new serials
    start after them."""
    rows = (
        Person.objects.annotate(prefix=Substr("personal_id", 1, 6))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    return {row["prefix"]: row["n"] for row in rows}


def _dossier_data(person: Person) -> dict[str, Any]:
    """The whole dossier, unmasked, as plain data (codes, ISO dates): the shape of the API's
    JSON and of what `people.services` accepts. Private: see the module's docstring.

    Read as values, never as model instances (40 against 11 ms a dossier at 300,000 people,
    bench/README.md); on PostgreSQL every history section in one query (`_dossier_sql`),
    elsewhere one query per section, like a worklist's dossiers."""
    if connection.vendor == "postgresql":
        return _dossier_one_query(person)
    return _dossier_data_many([person])[person.pk]


@dataclass(frozen=True)
class _SectionPlan:
    section: Section
    fields: list[tuple[str, Any]]  # (name, model field), in `section.fields` order


_dossier_sql_memo: list[tuple[str, list[_SectionPlan]]] = []


def _dossier_sql() -> tuple[str, list[_SectionPlan]]:
    """One SELECT of every history section of one person, each a JSON array of its rows in
    the model's order (PostgreSQL's `json_agg` over the ORM's own query of the section, so
    the order, the joins to related codes and the columns are the per-section reader's).
    Built from `SECTIONS` once per process: a section declared there is read here too."""
    if _dossier_sql_memo:
        return _dossier_sql_memo[0]
    parts, plans = [], []
    for section in SECTIONS:
        if section.model is Person:
            continue
        fields = [(name, section.model._meta.get_field(name)) for name in section.fields]
        aliases = {
            f"c{i}": F(f"{name}__code" if field.is_relation else name)
            for i, (name, field) in enumerate(fields)
        }
        # The person is fixed, so ordering by it is moot; the pk settles ties.
        ordering = [o for o in section.model._meta.ordering if o.lstrip("-") != "person"]
        rows = section.model._default_manager.filter(person_id=0).order_by(*ordering, "pk")
        sql, params = rows.values(**aliases).query.sql_with_params()
        if list(params) != [0]:
            raise RuntimeError(f"unexpected parameters in the query of {section.key}")
        # The ORM compiled `sql` from our own model declarations: no user text in it.
        parts.append(f"(SELECT COALESCE(json_agg(s), '[]'::json) FROM ({sql}) s)::text")  # noqa: S608
        plans.append(_SectionPlan(section, fields))
    _dossier_sql_memo[:] = [("SELECT " + ", ".join(parts), plans)]
    return _dossier_sql_memo[0]


def _from_json(field: Any, value: Any) -> Any:
    """A value as `json_agg` gave it → what the per-section reader's `_plain` gives."""
    if value is None:
        return None
    if hasattr(field, "from_db_value"):  # encrypted at rest: stored text, decrypted here
        return _plain(field.from_db_value(value, None, connection))
    if isinstance(field, DecimalField):
        return str(Decimal(str(value)))
    return value


def _dossier_one_query(person: Person) -> dict[str, Any]:
    sql, plans = _dossier_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [person.pk] * len(plans))
        texts = cursor.fetchone()
    out: dict[str, Any] = {}
    found = iter(zip(plans, texts, strict=True))
    for section in SECTIONS:
        if section.model is Person:
            out[section.key] = _row(section, person)
            continue
        plan, text = next(found)
        rows = [
            {name: _from_json(field, row[f"c{i}"]) for i, (name, field) in enumerate(plan.fields)}
            for row in json.loads(text, parse_float=Decimal)
        ]
        out[section.key] = rows if section.many else (rows[0] if rows else None)
    return out


def _dossier_data_many(people: list[Person]) -> dict[int, dict[str, Any]]:
    """`_dossier_data` of many people at once, the same plain data: one query per section for
    all of them (a unit's worklist), values only (a related unit as its code, no instances).
    Private like `_dossier_data`."""
    out: dict[int, dict[str, Any]] = {p.pk: {} for p in people}
    pks = list(out)
    for section in SECTIONS:
        if section.model is Person:
            for person in people:
                out[person.pk][section.key] = _row(section, person)
            continue
        columns = {
            name: f"{name}__code" if section.model._meta.get_field(name).is_relation else name
            for name in section.fields
        }
        grouped: dict[int, list[dict[str, Any]]] = {pk: [] for pk in pks}
        # The model's own ordering, the pk settling ties (as `_dossier_one_query`).
        ordering = section.model._meta.ordering
        rows = section.model._default_manager.filter(person_id__in=pks).order_by(*ordering, "pk")
        for row in rows.values("person_id", *columns.values()):
            grouped[row["person_id"]].append(
                {name: _plain(row[column]) for name, column in columns.items()}
            )
        for pk, found in grouped.items():
            out[pk][section.key] = found if section.many else (found[0] if found else None)
    return out


@dataclass
class DisplayField:
    label: str
    value: str
    missing: bool = False


@dataclass
class DisplaySection:
    key: str
    title: str
    form_items: tuple[str, ...]
    many: bool
    headers: list[str] = field(default_factory=list)
    rows: list[list[DisplayField]] = field(default_factory=list)


# Fields shown by a catalog name although the write path keeps them free of one.
DISPLAY_CATALOGS: dict[tuple[str, str], str] = {("identity", "nationality"): "nationality"}
# Official codes officers read and quote (mã ngạch): the name first, the code beside it.
CODE_BESIDE = {"rank"}
PROVINCE_FIELDS = {"birth_place_code", "home_town_code"}


def _province(code: str) -> str:
    """Code "37" → "Tỉnh Ninh Bình (mã 37)": birth places are pre-2025 provinces, then the new."""
    for catalog in ("province_old", "province"):
        attrs = attrs_map(catalog).get(code)
        if attrs is not None:
            name = attrs.get("full_name") or name_of(catalog, code)
            return f"{name} (mã {code})"
    return code


def display_value(
    section: Section, name: str, value: Any, units: dict[str, str] | None = None
) -> str:
    """One stored value as a person reads it: catalog codes by their Vietnamese name (with the
    code beside it where officers use codes), units by name, dates dd/mm/yyyy."""
    if value in (None, ""):
        return ""
    catalog = CODED_FIELDS.get((section.key, name)) or DISPLAY_CATALOGS.get((section.key, name))
    if catalog:
        named = name_of(catalog, str(value))
        return f"{named} ({value})" if catalog in CODE_BESIDE and named != value else named
    if name in PROVINCE_FIELDS:
        return _province(str(value))
    if name in {"managing_agency", "current_unit", "organization"}:
        return (units if units is not None else unit_labels()).get(value, value)
    if name == "job_position":
        found = JobPosition.objects.filter(code=value).values_list("name", flat=True).first()
        return f"{found} ({value})" if found else str(value)
    model_field = section_field(section, name)
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return str(value)


_display = display_value


def display_sections(
    data: dict[str, Any], *, missing: set[str] | None = None
) -> list[DisplaySection]:
    """Dossier data (as a decision returned it: masked fields are None) laid out for reading,
    labels and catalog names in Vietnamese."""
    units = unit_labels()
    missing = missing or set()
    out: list[DisplaySection] = []
    for section in SECTIONS:
        labels = [field_label(section, n) for n in section.fields]
        shown = DisplaySection(section.key, section.title, section.form_items, section.many, labels)
        value = data[section.key]
        rows = value if section.many else ([value] if value else [])
        for row in rows:
            shown.rows.append(
                [
                    DisplayField(
                        label,
                        _display(section, n, row.get(n), units),
                        f"{section.key}.{n}" in missing,
                    )
                    for n, label in zip(section.fields, labels, strict=True)
                ]
            )
        out.append(shown)
    return out


def required_fields() -> list[str]:
    """The required items (catalog `required_field`), from the per-process catalog cache."""
    return sorted(codes("required_field"))


# --- The dossier standard (R-COMPLETE): catalogs → `people.standard.Standard` ----------------


_STANDARD_CATALOGS = (
    "required_field",
    "dossier_format_rule",
    "required_component",
    "component_kind",
    "rank",
    "pay_group",
)
_standard_memo: list[tuple[tuple[dict, ...], Standard]] = []


def dossier_standard() -> Standard:
    """The standard as the catalogs `required_field`, `dossier_format_rule` and
    `required_component` say today, with the catalog codes and pay scales its rules check.
    Built once per state of the per-process catalog cache (`catalog.selectors.attrs_map`,
    cleared when catalogs are loaded): a bulk import derives thousands of dossiers with it."""
    sources = tuple(attrs_map(c) for c in _STANDARD_CATALOGS)
    if _standard_memo:
        seen, standard = _standard_memo[0]
        current = sources + tuple(attrs_map(c) for c in standard.codes)
        if len(seen) == len(current) and all(a is b for a, b in zip(seen, current, strict=True)):
            return standard
    standard = _standard_build()
    checked = tuple(attrs_map(c) for c in standard.codes)
    # The source dicts are kept alive with the memo, so an `is` match means "not reloaded".
    _standard_memo[:] = [(sources + checked, standard)]
    return standard


def _in_force(catalog: str) -> set[str]:
    """The codes of a standard catalog in force today: a rule retired with `valid_to` drops."""
    return set(entries(catalog, on=local_today()).values_list("code", flat=True))


def _standard_build() -> Standard:
    """The standard as the catalogs `required_field`, `dossier_format_rule` and
    `required_component` say today, with the catalog codes and pay scales its rules check
    (all from the per-process catalog cache, cleared when catalogs are loaded)."""
    required_codes = _in_force("required_field")
    format_codes = _in_force("dossier_format_rule")
    component_codes = _in_force("required_component")
    required = tuple(
        Requirement(
            code,
            name_of("required_field", code),
            int(a.get("group") or 0),
            str(a.get("form_item") or ""),
        )
        for code, a in sorted(attrs_map("required_field").items())
        if code in required_codes
    )
    formats = tuple(
        FormatRule(
            code=code,
            field=a["field"],
            kind=a["kind"],
            params=a.get("params") or {},
            message=name_of("dossier_format_rule", code),
            group=int(a.get("group") or 0),
            form_item=str(a.get("form_item") or ""),
            basis=a.get("basis", ""),
        )
        for code, a in sorted(attrs_map("dossier_format_rule").items())
        if code in format_codes
    )
    kinds = attrs_map("component_kind")
    components = tuple(
        ComponentRule(
            kind=code,
            name=name_of("required_component", code),
            when_section=a.get("when_section", ""),
            section=kinds.get(code, {}).get("section", ""),
            group=int(a.get("group") or 0),
            basis=a.get("basis", ""),
        )
        for code, a in sorted(attrs_map("required_component").items())
        if code in component_codes
    )
    catalogs = {r.params["catalog"] for r in formats if r.kind == "in_catalog"}
    return Standard(
        required=required,
        formats=formats,
        components=components,
        codes={c: frozenset(attrs_map(c)) for c in sorted(catalogs)},
        pay_steps=_pay_steps() if any(r.kind == "salary_step" for r in formats) else {},
    )


def _pay_steps() -> dict[str, tuple[Decimal, ...]]:
    groups = attrs_map("pay_group")
    out = {}
    for rank, attrs in attrs_map("rank").items():
        steps = groups.get(str(attrs.get("pay_group") or ""), {}).get("steps")
        if steps:
            out[rank] = tuple(Decimal(str(s)).quantize(Decimal("0.01")) for s in steps)
    return out


def has_rows(section_key: str) -> Exists:
    """Whether the person (of the outer query) has a row in the section: a filter, never
    what the row says (the condition of a required component)."""
    model = BY_KEY[section_key].model
    return Exists(model._default_manager.filter(person=OuterRef("pk")))


def working_count_by_unit(scope: Q, condition: Any) -> dict[str, int]:
    """Current unit code → how many working people in `scope` meet `condition` (a filter on
    people, e.g. lacking a component): one grouped query, the condition evaluated by the
    database. Units where nobody meets it are left out."""
    rows = (
        Person.objects.filter(scope, status=StaffStatus.WORKING)
        .filter(condition)
        .values("current_unit__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["current_unit__code"]: row["n"] for row in rows}


def people_of_unit(*, scope: Q, unit: Organization) -> QuerySet[Person]:
    """The working people in `scope` whose current unit is `unit`, most failed rules first
    (the stored count), then by name: the completeness worklist's rows."""
    return (
        person_queryset()
        .filter(scope, status=StaffStatus.WORKING, current_unit=unit)
        .order_by("-missing_required", "sort_key", "personal_id")
    )


@dataclass(frozen=True)
class SearchFilters:
    unit: Organization | None = None  # the unit's whole subtree
    staff_category: str = ""
    sex: str = ""
    age_min: int | None = None
    age_max: int | None = None
    ethnicity: str = ""
    qualification: str = ""
    party_member: bool | None = None
    status: str = StaffStatus.WORKING


def _years_ago(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def people_search(
    *, scope: Q, q: str = "", filters: SearchFilters | None = None, on: date | None = None
) -> QuerySet[Person]:
    """People inside `scope` (from the access gate) matching the box and the filters,
    in Vietnamese name order. One box: every word must start a word of the name, other
    name, unit, rank or position; digits match the personal id."""
    filters = filters or SearchFilters()
    on = on or local_today()
    qs = person_queryset().filter(scope)
    for word in normalize(q).split(" "):
        if not word:
            continue
        if _ID_FRAGMENT.match(word):
            qs = (
                qs.filter(personal_id__startswith=word)
                if len(word) < 12
                else qs.filter(personal_id=word)
            )
        else:
            qs = qs.filter(search_text__contains=f" {word}")
    if filters.unit is not None:
        qs = qs.filter(unit_path__startswith=filters.unit.path)
    if filters.staff_category:
        qs = qs.filter(staff_category=filters.staff_category)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.age_min is not None:
        qs = qs.filter(birth_date__lte=_years_ago(on, filters.age_min))
    if filters.age_max is not None:
        # Younger than age_max + 1 years on `on`.
        qs = qs.filter(birth_date__gt=_years_ago(on, filters.age_max + 1))
    if filters.ethnicity:
        qs = qs.filter(ethnicity_bidx=ethnicity_index(filters.ethnicity))
    if filters.qualification:
        qs = qs.filter(highest_qualification=filters.qualification)
    if filters.party_member is not None:
        qs = qs.filter(is_party_member=filters.party_member)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("sort_key", "personal_id")


@dataclass(frozen=True)
class SearchCount:
    """How many people a search finds: `exact`, or beyond `limit` PostgreSQL's estimate."""

    value: int
    exact: bool


def search_count(qs: QuerySet[Person], *, limit: int) -> SearchCount:
    """The number of rows of a search (`people_search`), exact up to `limit` (the setting
    `HOSO_COUNT_LIMIT`); beyond it on PostgreSQL the planner's row estimate of the same query
    (`EXPLAIN`, no rows read: an exact count of a common word over 3,000,000 people reads
    them all), never less than `limit + 1`. SQLite (a small node) always counts exactly."""
    ids = qs.order_by().values("pk")
    capped = ids[: limit + 1].count()
    if capped <= limit:
        return SearchCount(capped, True)
    if connection.vendor != "postgresql":
        return SearchCount(ids.count(), True)
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        # The ORM compiled `sql` from the search; the user's words are in `params`.
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    return SearchCount(max(estimate, limit + 1), False)


def completeness_by_unit(*, scope: Q, root: Organization | None = None) -> list[dict[str, Any]]:
    """Average completeness and incomplete count per current unit inside the scope, ordered
    by the unit's path. Grouped by the unit's id on `people_person` alone (the stored
    `completeness` and `missing_required`), the units' codes and names read after: one pass
    over the people, no join to the organizations per person (issue 13)."""
    qs = Person.objects.filter(scope, status=StaffStatus.WORKING)
    if root is not None:
        qs = qs.filter(unit_path__startswith=root.path)
    rows = list(
        qs.values("current_unit")
        .annotate(
            people=Count("id"),
            score=Avg("completeness"),
            incomplete=Count("id", filter=Q(missing_required__gt=0)),
        )
        .order_by()
    )
    units = Organization.objects.in_bulk([r["current_unit"] for r in rows])
    out = [
        {
            "current_unit__code": units[r["current_unit"]].code,
            "current_unit__name": units[r["current_unit"]].name,
            "current_unit__path": units[r["current_unit"]].path,
            "people": r["people"],
            "score": r["score"],
            "incomplete": r["incomplete"],
        }
        for r in rows
    ]
    return sorted(out, key=lambda r: r["current_unit__path"])


def person_by_id(personal_id: str) -> Person | None:
    """The person with this id (units loaded), or None. For the write path's own checks: it
    passes the write gate itself and reads no content here."""
    return person_queryset().filter(personal_id=personal_id).first()


def personal_ids_taken(personal_ids: list[str]) -> set[str]:
    """Which of `personal_ids` already have a dossier: one query for a chunk of an import
    (`changes.services.creations`), no content read."""
    return set(
        Person.objects.filter(personal_id__in=personal_ids).values_list("personal_id", flat=True)
    )


def people_by_ids(personal_ids: list[str]) -> list[Person]:
    """The people with these ids, for the system reader of a chunk (`access.system`), their
    units joined (the dossier names them by code: no query per person)."""
    return list(person_queryset().filter(personal_id__in=personal_ids))


def person_locked(personal_id: str) -> Person | None:
    """`person_by_id` under `select_for_update`: writes to one dossier (approving, reporting a
    discrepancy, registering a decision) lock the same row, so they serialize."""
    return Person.objects.select_for_update().filter(personal_id=personal_id).first()


def person_ids(scope: Q | None = None) -> QuerySet[Person]:
    """The personal ids of the people in `scope` (all people when None), as a subquery."""
    qs = Person.objects.filter(scope) if scope is not None else Person.objects.all()
    return qs.values("personal_id")


# --- Head counts of the agency tree (people stand on orgs: counted here, not in orgs) --------


def quota_usage(*, year: int, root: Organization | None = None) -> list[QuotaUsage]:
    """People at work counted against each unit's quota for the year (R-NATIONAL).

    A quota covers its unit's whole subtree: everyone at work whose current unit lies in it.
    Two queries whatever the number of quotas: the quotas, and one grouped count of the people
    at work by unit path and staff category, summed here over each quota's subtree.
    """
    quotas = StaffingQuota.objects.filter(year=year).select_related("organization")
    if root is not None:
        quotas = quotas.filter(organization__path__startswith=root.path)
    rows = list(quotas.order_by("organization__path", "staff_category"))
    if not rows:
        return []
    by_path = working_headcount_by_path(root_path=root.path if root is not None else "")
    in_subtree = subtree_totals(by_path)
    return [
        QuotaUsage(
            quota.organization,
            quota.staff_category,
            quota.quota,
            in_subtree.get((quota.organization_id, quota.staff_category), 0),
        )
        for quota in rows
    ]


def subtree_totals(by_path: dict[tuple[str, str], int]) -> dict[tuple[int, str], int]:
    """Counts per (unit path, key) summed up the tree: per (unit id, key), everything in the
    unit's subtree. Each count is added to the ids of its path ("/1/4/9/" → 1, 4 and 9), so
    the cost grows with the counts times the tree's depth, not with the number of units."""
    totals: dict[tuple[int, str], int] = {}
    for (path, key), n in by_path.items():
        for part in path.strip("/").split("/"):
            if part:
                totals[(int(part), key)] = totals.get((int(part), key), 0) + n
    return totals


def working_headcount_by_path(*, root_path: str = "") -> dict[tuple[str, str], int]:
    """People at work per (current unit's path, staff category), in the subtree `root_path`
    (everywhere when empty): one grouped query, for callers that sum it over subtrees."""
    qs = Person.objects.filter(status=StaffStatus.WORKING, current_unit__isnull=False)
    if root_path:
        qs = qs.filter(unit_path__startswith=root_path)
    return {
        (path, category): n
        for path, category, n in qs.values_list("unit_path", "staff_category")
        .annotate(n=Count("id"))
        .values_list("unit_path", "staff_category", "n")
    }


def job_positions_filled(*, position_ids: list[int], on: date | None = None) -> dict[int, int]:
    """People at work holding each job position on `on` (today): one grouped count of the
    open position rows (main or concurrent) that name it."""
    if not position_ids:
        return {}
    on = on or local_today()
    rows = (
        PositionAssignment.objects.filter(
            job_position_id__in=position_ids,
            person__status=StaffStatus.WORKING,
            from_date__lte=on,
        )
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=on))
        .values_list("job_position_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("job_position_id", "n")
    )
    return dict(rows)


def working_headcount(*, staff_category: str, unit_path: str) -> int:
    """People at work of `staff_category` whose current unit lies in the subtree `unit_path`."""
    return Person.objects.filter(
        status=StaffStatus.WORKING,
        staff_category=staff_category,
        unit_path__startswith=unit_path,
    ).count()


def headcount_by_unit(root: Organization | None = None) -> dict[int, int]:
    qs = Person.objects.filter(status=StaffStatus.WORKING)
    if root is not None:
        qs = qs.filter(unit_path__startswith=root.path)
    return dict(
        qs.values_list("current_unit").annotate(n=Count("id")).values_list("current_unit", "n")
    )


def people_in_subtree(unit: Organization) -> QuerySet[Person]:
    """Everyone (any status) whose current unit is `unit` or below it, by personal id: the
    rows of an export of the unit (`exchange.imports.export`), each then passing the gate."""
    return person_queryset().filter(unit_path__startswith=unit.path).order_by("personal_id")


def unit_grade_counts(unit: Organization, year: int, *, leaving_out: str) -> dict[str, int]:
    """How many people of `unit` got each grade for `year`, without the person `leaving_out`
    (a personal id): aggregates only, for the grade quota of the change path."""
    return dict(
        Evaluation.objects.filter(year=year, person__current_unit=unit)
        .exclude(person__personal_id=leaving_out)
        .values_list("grade_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
