"""The parameters each decision type's effect needs, as data beside the effects
(R-10D-DECISION, issue 10 item 3).

`PARAMETERS` maps every code of `EFFECTS` to the parameters its effect reads, in the order a
form asks them: name, Vietnamese label, kind (date, text, integer, decimal, a unit code of
the agency tree, a code of catalog X, a choice), required or not, and a short help. The page
builds its form from it, the API and the service check a decision against it
(`parameters_check`) before the effect runs, and
`tests/changes/test_decision_parameters.py` holds that each effect reads exactly these
parameters, with these labels. The legal numbers stay in the catalogs: a spec names what a
decision says, never what the law allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from hoso.changes.effects.common import Params
from hoso.changes.effects.history import PERSONAL_HISTORY_FIELDS
from hoso.changes.effects.leaving import REDUCTION_OUTCOMES

Kind = Literal["date", "text", "integer", "decimal", "unit", "code", "choice"]


@dataclass(frozen=True)
class ParamSpec:
    name: str
    label: str
    kind: Kind
    required: bool = False
    catalog: str = ""  # kind "code": the catalog its value comes from
    help: str = ""
    max_length: int = 300  # kind "text"
    minimum: int | None = None  # kinds "integer", "decimal"
    maximum: int | None = None
    choices: dict[str, str] = field(default_factory=dict)  # kind "choice"
    required_unless: str = ""  # required when this other parameter is not given
    picker: str = ""  # "node": a text the form offers from the hub's registry of nodes


def _text(name: str, label: str, max_length: int = 300, **kw: Any) -> ParamSpec:
    return ParamSpec(name, label, "text", max_length=max_length, **kw)


def _code(name: str, label: str, catalog: str, **kw: Any) -> ParamSpec:
    return ParamSpec(name, label, "code", catalog=catalog, **kw)


def _unit(name: str, label: str, **kw: Any) -> ParamSpec:
    return ParamSpec(name, label, "unit", **kw)


POSITION = _code("position_code", "Chức vụ", "position", help="Chức vụ lãnh đạo, quản lý (nếu có).")
JOB_POSITION = _text("job_position", "Vị trí việc làm", 32, help="Mã vị trí việc làm (nếu có).")
TITLE = _text(
    "title",
    "Chức danh ghi trong quá trình công tác",
    200,
    help="Để trống: lấy tên chức vụ hoặc ngạch.",
)

TRAINING = (
    _text("institution", "Tên cơ sở đào tạo, bồi dưỡng", required=True),
    _text("field_of_study", "Ngành học, nội dung", 200),
    _code("kind", "Loại đào tạo, bồi dưỡng", "training_kind"),
    _code("mode", "Hình thức đào tạo", "training_mode"),
    _code("qualification", "Văn bằng, trình độ", "qualification"),
    _text("diploma", "Văn bằng, chứng chỉ", 200),
    ParamSpec("from_date", "Ngày bắt đầu", "date", help="Để trống: ngày có hiệu lực."),
    ParamSpec("to_date", "Ngày kết thúc", "date"),
)
APPOINTMENT = (
    _code("position_code", "Chức vụ", "position", required=True),
    _unit("organization", "Đơn vị", help="Để trống: đơn vị hiện tại."),
    JOB_POSITION,
    TITLE,
)
LEAVING_POST = (_text("job_position", "Vị trí việc làm mới", 32), TITLE)
TRANSFER = (
    _unit(
        "organization",
        "Đơn vị mới",
        required_unless="to_node",
        help="Bắt buộc khi chuyển trong cơ quan này.",
    ),
    _text(
        "to_node",
        "Cơ quan quản lý tiếp nhận (mã nút)",
        32,
        help="Chỉ khi chuyển sang cơ quan khác: mã nút trong danh sách của máy chủ quốc gia; "
        "hồ sơ được bàn giao sau khi quyết định được duyệt.",
        picker="node",
    ),
    _unit("managing_agency", "Cơ quan quản lý mới", help="Để trống: giữ cơ quan quản lý."),
    POSITION,
    JOB_POSITION,
    TITLE,
)
NONE: tuple[ParamSpec, ...] = ()

# Decision type code → the parameters its effect reads; one line per code of `EFFECTS`.
PARAMETERS: dict[str, tuple[ParamSpec, ...]] = {
    "training": TRAINING,
    "fostering": TRAINING,
    "planning": (
        _code("position_code", "Chức vụ được quy hoạch", "position"),
        _text(
            "term",
            "Nhiệm kỳ quy hoạch",
            9,
            help="Ví dụ 2026-2031; có nhiệm kỳ thì ghi người vào quy hoạch của chức vụ.",
        ),
    ),
    "planning_removal": (
        _code("position_code", "Chức vụ được quy hoạch", "position", required=True),
        _text("removal_reason", "Lý do đưa ra khỏi quy hoạch", required=True),
    ),
    "appointment": APPOINTMENT,
    "election": APPOINTMENT,
    "reappointment": NONE,
    "dismissal_from_post": LEAVING_POST,
    "resignation_from_post": LEAVING_POST,
    "transfer": TRANSFER,
    "rotation": TRANSFER,
    "secondment": (
        _unit("organization", "Đơn vị được cử đến", required=True),
        ParamSpec("to_date", "Ngày kết thúc biệt phái", "date"),
        POSITION,
        JOB_POSITION,
        TITLE,
    ),
    "reception": (
        _code("staff_category", "Đối tượng", "staff_category", required=True),
        _unit("organization", "Đơn vị tiếp nhận", help="Để trống: đơn vị hiện tại."),
        POSITION,
        JOB_POSITION,
        TITLE,
    ),
    "recruitment": NONE,
    "retirement": NONE,
    "resignation": NONE,
    "staff_reduction": (
        ParamSpec(
            "outcome", "Hình thức giải quyết", "choice", required=True, choices=REDUCTION_OUTCOMES
        ),
    ),
    "death": NONE,
    "salary_raise_regular": NONE,
    "salary_raise_early": NONE,
    "seniority_allowance": NONE,
    "rank_change": (
        _code("rank_code", "Ngạch mới", "rank", required=True),
        ParamSpec(
            "step",
            "Bậc lương ở ngạch mới",
            "integer",
            minimum=1,
            maximum=99,
            help="Để trống: bậc có hệ số bằng hoặc gần nhất trên hệ số hiện hưởng.",
        ),
    ),
    "evaluation": (
        ParamSpec("year", "Năm đánh giá", "integer", required=True, minimum=1945, maximum=2100),
        _code("grade_code", "Xếp loại", "evaluation_grade", required=True),
        ParamSpec("score", "Điểm", "decimal", minimum=0, maximum=100),
        _text("note", "Ghi chú"),
    ),
    "reward": (
        _code("form_code", "Hình thức khen thưởng", "award_form", required=True),
        _text("reason", "Nội dung khen thưởng"),
    ),
    "discipline": (
        _code("form_code", "Hình thức kỷ luật", "discipline_form", required=True),
        _text("reason", "Lý do kỷ luật", required=True),
        _code(
            "position_code",
            "Chức vụ mới sau giáng chức",
            "position",
            help="Chỉ với hình thức giáng chức.",
        ),
    ),
    "personal_conclusion": tuple(
        _text(name, label, 2000, help="Cần ít nhất một nội dung kết luận.")
        for name, label in PERSONAL_HISTORY_FIELDS.items()
    ),
}


def parameters_of(decision_type: str) -> tuple[ParamSpec, ...]:
    return PARAMETERS.get(decision_type, NONE)


def read(p: Params, spec: ParamSpec) -> Any:
    """Read one parameter of `p` as its spec says (the problems are collected in `p`)."""
    if spec.kind == "date":
        return p.day(spec.name, spec.label, required=spec.required)
    if spec.kind == "integer":
        return p.integer(
            spec.name,
            spec.label,
            required=spec.required,
            minimum=spec.minimum,
            maximum=spec.maximum,
        )
    if spec.kind == "decimal":
        return p.number(
            spec.name,
            spec.label,
            minimum=Decimal(spec.minimum or 0),
            maximum=Decimal(spec.maximum if spec.maximum is not None else 10**9),
        )
    if spec.kind == "unit":
        required = spec.required or bool(
            spec.required_unless and p.raw.get(spec.required_unless) in (None, "")
        )
        return p.unit(spec.name, spec.label, required=required)
    if spec.kind == "code":
        return p.code(spec.name, spec.label, spec.catalog, required=spec.required)
    if spec.kind == "choice":
        return p.choice(spec.name, spec.label, spec.choices, required=spec.required)
    return p.text(spec.name, spec.label, required=spec.required, max_length=spec.max_length)


def parameters_check(decision_type: str, raw: Any) -> None:
    """Refuse (ValidationFailed, one problem per parameter, field ``parameters.<name>``) a
    decision whose parameters do not fit its type: one it does not take, a required one
    missing (named by its label), a value of the wrong kind, a unit or catalog code that does
    not exist. What the values mean for the dossier is the effect's to judge."""
    p = Params(raw)
    for spec in parameters_of(decision_type):
        read(p, spec)
    p.check()
