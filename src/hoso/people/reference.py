"""The reference snapshot a dossier is validated and derived against (catalogs, units)."""

from __future__ import annotations

from decimal import Decimal

from hoso.catalog.models import CatalogEntry
from hoso.orgs.models import JobPosition, Organization
from hoso.people.validation import CODED_FIELDS, Reference

EXTRA_CATALOGS = ("province", "province_old", "pay_group", "required_field")


def load_reference() -> Reference:
    wanted = set(CODED_FIELDS.values()) | set(EXTRA_CATALOGS)
    codes: dict[str, set[str]] = {}
    names: dict[tuple[str, str], str] = {}
    attrs: dict[tuple[str, str], dict] = {}
    rows = CatalogEntry.objects.filter(catalog_id__in=wanted).order_by("valid_from")
    for catalog, code, name, extra in rows.values_list("catalog_id", "code", "name", "attrs"):
        codes.setdefault(catalog, set()).add(code)
        names[(catalog, code)] = name
        attrs[(catalog, code)] = extra
    pay_steps: dict[str, list[Decimal]] = {}
    for rank in codes.get("rank", set()):
        group = attrs[("rank", rank)].get("pay_group")
        steps = attrs.get(("pay_group", str(group or "")), {}).get("steps")
        if steps:
            pay_steps[rank] = [Decimal(str(s)).quantize(Decimal("0.01")) for s in steps]
    unit_rows = list(Organization.objects.values_list("code", "pk", "name", "path"))
    units = {code: pk for code, pk, _name, _path in unit_rows}
    return Reference(
        codes=codes,
        units=units,
        pay_steps=pay_steps,
        provinces=codes.get("province", set()) | codes.get("province_old", set()),
        names=names,
        unit_names={code: name for code, _pk, name, _path in unit_rows},
        unit_paths={code: path for code, _pk, _name, path in unit_rows},
        required=sorted(codes.get("required_field", set())),
        job_positions={
            (unit, code): pk
            for unit, code, pk in JobPosition.objects.values_list(
                "organization__code", "code", "pk"
            )
        },
    )
