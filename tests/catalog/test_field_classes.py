"""Every dossier field has a sensitivity class from the catalog (R-FIELD-CLASS)."""

from hoso.catalog import selectors
from hoso.people.sections import all_field_ids


def test_every_section_field_is_classified(db):
    classified = {e.code: e.attrs.get("class") for e in selectors.entries("field_class")}
    classes = set(selectors.entries("sensitivity_class").values_list("code", flat=True))
    missing = [f for f in all_field_ids() if f not in classified]
    assert not missing, f"fields without a sensitivity class: {missing}"
    assert {classified[f] for f in all_field_ids()} <= classes


def test_health_assets_and_personal_history_are_at_least_sensitive(db):
    classified = {e.code: e.attrs.get("class") for e in selectors.entries("field_class")}
    for field in (
        "health.status",
        "assets.income",
        "personal_history.arrests",
        "identity.phone",
        "identity.social_insurance_number",
    ):
        assert classified[field] in {"sensitive", "secret_candidate"}, field


def test_required_fields_name_existing_sections_and_fields(db):
    from hoso.people.sections import BY_KEY

    for code in selectors.entries("required_field").values_list("code", flat=True):
        section, _, field = code.partition(".")
        assert section in BY_KEY, code
        assert not field or field in BY_KEY[section].fields, code
