"""What each kind of personnel decision does to a dossier (R-10D-DECISION, R-LIVE,
R-APPOINT-SAFE).

The registry `EFFECTS` below maps codes of the ``decision_type`` catalog to a function

    effect(decision, data, params) -> operations

`decision` is the (unsaved) `PersonnelDecision` with its header (number, dates, issuer),
`data` the dossier as it is now (plain data, read by the system reader), `params`
what the decision says beyond its header (the new unit, the post, the discipline form…). The
result is a list of change-set operations (`hoso.changes.operations`) that
`hoso.changes.services.decisions.decision_register` proposes: nothing is written here. Every
number with a legal source — coefficients, step intervals, restriction periods, the
early-raise limit — is read from the catalogs, never written in these files. The effects
live by decision group (`training`, `posts`, `moves`, `leaving`, `salary`, `evaluation`,
`discipline`, `history`), what they share in `common`.

A catalog type may instead be listed in `RECORD_ONLY`, with the reason: such a decision is
registered and kept but proposes no change. `tests/changes/test_effects_registry.py` fails
when a catalog type has neither, or both (docs/howto/add-a-decision-type.md). The parameters
each effect reads are declared as data in `params.PARAMETERS` (the page's form, the API's
check); `tests/changes/test_decision_parameters.py` holds the two together.

Conventions every effect follows:
- a post or a work period ends the day before the decision takes effect; the new one starts
  on the effective date;
- decisions of NĐ 27/2026 data group 4 (recruitment … retirement) also add a
  ``career_events`` row naming the decision;
- a parameter the effect does not read is refused: a typo must not vanish silently;
- a type the eligibility engine judges (`eligibility.ACTION_OF`: appointment, training,
  planning, salary raise, rank change…) is refused with every reason of the engine's verdict
  as of the effective date — the discipline restriction, a running suspended sentence, the
  planning, the post's requirements… (R-APPOINT-SAFE, `hoso.eligibility`, one copy of each
  rule); any other type only when the person no longer works.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hoso.changes.effects import (
    discipline,
    evaluation,
    history,
    leaving,
    moves,
    posts,
    salary,
    training,
)
from hoso.changes.effects.common import (
    Data,
    Ops,
    Params,
    add_months,
    refuse,
)
from hoso.changes.effects.eligibility import ALLOWED_AFTER_SERVICE, eligibility_check
from hoso.changes.effects.params import PARAMETERS, parameters_check

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

Effect = Callable[["PersonnelDecision", Data, Data], Ops]

__all__ = [
    "ALLOWED_AFTER_SERVICE",
    "EFFECTS",
    "PARAMETERS",
    "RECORD_ONLY",
    "add_months",
    "operations_for",
    "parameters_check",
]

# Decision type code → its effect; one line per catalog code, grouped as the catalog is.
EFFECTS: dict[str, Effect] = {
    # Training, fostering, planning
    "training": training.training,
    "fostering": training.training,
    "planning": training.planning,
    "planning_removal": training.planning_removal,
    # Posts
    "appointment": posts.appointment,
    "election": posts.appointment,
    "reappointment": posts.reappointment,
    "dismissal_from_post": posts.leave_post,
    "resignation_from_post": posts.leave_post,
    # Moves
    "transfer": moves.transfer,
    "rotation": moves.transfer,
    "secondment": moves.secondment,
    "reception": moves.reception,
    "recruitment": moves.recruitment,
    # Leaving service
    "retirement": leaving.leave_service,
    "resignation": leaving.leave_service,
    "staff_reduction": leaving.staff_reduction,
    "death": leaving.death,
    # Salary
    "salary_raise_regular": salary.salary_raise,
    "salary_raise_early": salary.salary_raise,
    "seniority_allowance": salary.seniority_allowance,
    "rank_change": salary.rank_change,
    # Evaluation, reward, discipline, personal history
    "evaluation": evaluation.evaluation,
    "reward": evaluation.reward,
    "discipline": discipline.discipline,
    "personal_conclusion": history.personal_conclusion,
}

# Registered and kept, but no dossier field changes. Empty today: every catalog type has an
# effect. A type whose content reaches the dossier by another path goes here, with the reason.
RECORD_ONLY: dict[str, str] = {}


def operations_for(decision: PersonnelDecision, data: Data, params: Data) -> Ops | None:
    """The operations a decision proposes on `data`, or None for a record-only type.

    Refused (ValidationFailed, Vietnamese reason) when the type has no effect, when the
    parameters do not fit the type (`params.PARAMETERS`, one reason per parameter), or when
    the eligibility engine refuses it (`eligibility.eligibility_check`).
    """
    code = decision.decision_type
    if code in RECORD_ONLY:
        Params(params).check()
        return None
    func = EFFECTS.get(code)
    if func is None:
        raise refuse(
            "no_effect", f"Loại quyết định «{code}» chưa có tác động vào hồ sơ.", "decision_type"
        )
    parameters_check(code, params)
    eligibility_check(decision, data, params)
    return func(decision, data, params)
