"""The parameters of each decision type are data (`hoso.changes.effects.params.PARAMETERS`)
and each effect reads exactly them, with the same labels (issue 10 item 3, R-10D-DECISION):
an extra parameter is refused, each required one missing is refused with its label, and the
API refuses a decision whose parameters do not fit its type with the reason per parameter."""

from datetime import date

import pytest
from django.test import Client

from hoso.access.services import token_create
from hoso.catalog.selectors import entries
from hoso.changes import effects
from hoso.changes.effects import common
from hoso.changes.effects.params import PARAMETERS, ParamSpec, parameters_check
from hoso.changes.models import ChangeSet, PersonnelDecision
from hoso.core.errors import ValidationFailed

READERS = ("text", "code", "unit", "day", "integer", "number", "choice")
KIND_OF_READER = {
    "text": "text",
    "code": "code",
    "unit": "unit",
    "day": "date",
    "integer": "integer",
    "number": "decimal",
    "choice": "choice",
}


@pytest.fixture
def reads(monkeypatch):
    """Every parameter an effect reads: (name, label, kind, required), the outermost reader
    only (`code` reads through `text`)."""
    seen: list[tuple[str, str, str, bool]] = []
    depth = [0]
    for reader in READERS:
        original = getattr(common.Params, reader)

        def spy(self, name, label, *args, _original=original, _reader=reader, **kwargs):
            if depth[0] == 0:
                seen.append((name, label, KIND_OF_READER[_reader], bool(kwargs.get("required"))))
            depth[0] += 1
            try:
                return _original(self, name, label, *args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(common.Params, reader, spy)
    return seen


def sample(spec: ParamSpec):
    if spec.kind == "date":
        return "2026-10-01"
    if spec.kind in ("integer", "decimal"):
        return spec.minimum if spec.minimum is not None else 1
    if spec.kind == "unit":
        return "T01.STC"
    if spec.kind == "code":
        return entries(spec.catalog).values_list("code", flat=True).first()
    if spec.kind == "choice":
        return next(iter(spec.choices))
    return "Nội dung thử"


def decision(code: str) -> PersonnelDecision:
    return PersonnelDecision(
        decision_type=code,
        number="1/QĐ",
        signed_date=date(2026, 10, 1),
        issuer="UBND tỉnh",
        received_date=date(2026, 10, 2),
        effective_date=date(2026, 10, 15),
        personal_id="001085000001",
    )


def problems_of(call):
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.problems


def test_every_effect_has_its_parameters_declared_and_no_spec_is_orphan():
    assert set(PARAMETERS) == set(effects.EFFECTS)
    for code, specs in PARAMETERS.items():
        names = [s.name for s in specs]
        assert len(names) == len(set(names)), code
        for spec in specs:
            assert spec.label.strip(), (code, spec.name)
            assert (spec.kind == "code") == bool(spec.catalog), (code, spec.name)
            assert (spec.kind == "choice") == bool(spec.choices), (code, spec.name)


@pytest.mark.parametrize("code", sorted(PARAMETERS))
def test_each_effect_reads_exactly_its_declared_parameters_and_refuses_an_extra(
    db, orgs, reads, code
):
    specs = PARAMETERS[code]
    params = {s.name: sample(s) for s in specs} | {"tham_so_la": "x"}
    found = problems_of(lambda: effects.EFFECTS[code](decision(code), {}, params))
    assert sorted(reads) == sorted((s.name, s.label, s.kind, s.required) for s in specs)
    unknown = [p.field for p in found if p.code == "unknown_parameter"]
    assert unknown == ["parameters.tham_so_la"]
    assert "tham_so_la" in next(p.message for p in found if p.code == "unknown_parameter")


@pytest.mark.parametrize(
    ("code", "spec"),
    [(code, spec) for code, specs in sorted(PARAMETERS.items()) for spec in specs if spec.required],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_each_required_parameter_missing_is_refused_with_its_label(db, orgs, code, spec):
    params = {s.name: sample(s) for s in PARAMETERS[code] if s.name != spec.name}
    for call in (
        lambda: parameters_check(code, params),
        lambda: effects.EFFECTS[code](decision(code), {}, params),
    ):
        (missing,) = [p for p in problems_of(call) if p.code == "required"]
        assert missing.field == f"parameters.{spec.name}"
        assert spec.label.lower() in missing.message


def test_values_of_the_wrong_kind_are_refused_one_reason_per_parameter(db, orgs):
    found = problems_of(
        lambda: parameters_check(
            "transfer", {"organization": "KHONG.CO", "position_code": "khong_co"}
        )
    )
    assert {(p.code, p.field) for p in found} == {
        ("unknown_unit", "parameters.organization"),
        ("unknown_code", "parameters.position_code"),
    }
    found = problems_of(
        lambda: parameters_check(
            "evaluation", {"year": "hai nghìn", "grade_code": "excellent", "score": "abc"}
        )
    )
    assert {(p.code, p.field) for p in found} >= {
        ("bad_number", "parameters.year"),
        ("bad_number", "parameters.score"),
    }
    found = problems_of(
        lambda: parameters_check("training", {"institution": "x", "to_date": "1/10"})
    )
    assert [(p.code, p.field) for p in found] == [("bad_date", "parameters.to_date")]
    found = problems_of(lambda: parameters_check("staff_reduction", {"outcome": "nghi"}))
    assert [(p.code, p.field) for p in found] == [("bad_choice", "parameters.outcome")]


# --- The API -------------------------------------------------------------------------------------


@pytest.fixture
def api(personas):
    token = token_create(acting_user=None, user=personas["nhaplieu"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def body(person, decision_type, parameters):
    return {
        "decision_type": decision_type,
        "number": "20/QĐ-UBND",
        "signed_date": "2026-10-01",
        "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "received_date": "2026-10-05",
        "effective_date": "2026-10-15",
        "personal_id": person.personal_id,
        "parameters": parameters,
    }


def test_the_api_refuses_parameters_that_do_not_fit_the_type_with_the_reason_per_parameter(
    api, make_dossier
):
    person = make_dossier()
    response = api.post(
        "/api/v1/decisions",
        body(person, "transfer", {"unit": "T01.STC.NS", "position_code": "khong_co"}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    problems = {p["field"]: p for p in response.json()["error"]["problems"]}
    assert set(problems) == {
        "parameters.unit",
        "parameters.organization",
        "parameters.position_code",
    }
    assert problems["parameters.unit"]["code"] == "unknown_parameter"
    assert problems["parameters.organization"]["message"] == "Thiếu đơn vị mới."
    assert problems["parameters.position_code"]["code"] == "unknown_code"
    assert not PersonnelDecision.objects.exists() and not ChangeSet.objects.exists()
    # A type without parameters takes none.
    response = api.post(
        "/api/v1/decisions",
        body(person, "salary_raise_regular", {"step": 3}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["error"]["problems"]] == ["parameters.step"]
    assert not PersonnelDecision.objects.exists()


@pytest.mark.parametrize(
    ("decision_type", "changes", "code", "field"),
    [
        ("thang_chuc", {}, "unknown_decision_type", "decision_type"),
        ("transfer", {"signed_date": "2099-01-01"}, "future_date", "signed_date"),
        ("transfer", {"received_date": "2099-01-01"}, "future_date", "received_date"),
        ("transfer", {"received_date": "2026-09-01"}, "received_before_signed", "received_date"),
        ("transfer", {"effective_date": "2099-01-01"}, "effective_too_far", "effective_date"),
        (
            "transfer",
            {"parameters": {"organization": "KHONG.CO"}},
            "unknown_unit",
            "parameters.organization",
        ),
        (
            "rank_change",
            {"parameters": {"rank_code": "99.999"}},
            "unknown_code",
            "parameters.rank_code",
        ),
        (
            "evaluation",
            {"parameters": {"year": 2025, "grade_code": "good", "score": "một trăm"}},
            "bad_number",
            "parameters.score",
        ),
    ],
)
def test_the_api_refuses_each_bad_input_with_its_field_and_writes_nothing(
    api, make_dossier, decision_type, changes, code, field
):
    person = make_dossier()
    data = body(person, decision_type, {"organization": "T01.XA"}) | changes
    response = api.post("/api/v1/decisions", data, content_type="application/json")
    assert response.status_code == 422, response.content
    found = [(p["code"], p["field"]) for p in response.json()["error"]["problems"]]
    assert (code, field) in found, found
    assert not PersonnelDecision.objects.exists() and not ChangeSet.objects.exists()


def test_the_api_refuses_a_duplicate_registration(api, make_dossier):
    person = make_dossier()
    data = body(person, "transfer", {"organization": "T01.XA"})
    assert api.post("/api/v1/decisions", data, content_type="application/json").status_code == 201
    again = api.post("/api/v1/decisions", data, content_type="application/json")
    assert again.status_code == 422
    assert [p["code"] for p in again.json()["error"]["problems"]] == ["duplicate_decision"]
    assert PersonnelDecision.objects.count() == 1
