"""The demo holds people whom the engine refuses, each with its citation (issue 12 item 6)."""

from __future__ import annotations

from io import StringIO

import pytest
from tests.eligibility.helpers import reason

from hoso.core.dates import today as local_today
from hoso.demo import eligibility as demo_eligibility
from hoso.demo import node
from hoso.demo.procedures import POST
from hoso.eligibility.engine import evaluate
from hoso.people.selectors import person_by_id


@pytest.fixture
def small_demo(db, tmp_path, settings, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(node, "catalog_load_builtin", lambda: [])
    # A small demo has few people in the clerk's department: take the first ones.
    monkeypatch.setattr(demo_eligibility, "_first_free", lambda: 0)
    out = StringIO()
    node.demo_setup(people=200, seed=1, stdout=out, progress=False)
    return out.getvalue()


def test_the_demo_shows_a_refusal_for_each_case(small_demo):
    today = local_today()
    post = POST["decision"]["position_code"]
    lines = [line.strip() for line in small_demo.splitlines() if "/eligibility?" in line]
    cases = dict(line.split(": ", 1) for line in lines)
    assert (
        {
            "discipline_restriction",
            "suspended_sentence",
            "open_review",
            "planning_membership",
        }
        <= set(cases)
        <= {
            "discipline_restriction",
            "suspended_sentence",
            "open_review",
            "planning_membership",
            "retirement_margin",
        }
    )
    pid = {rule: url.split("/")[4] for rule, url in cases.items()}

    def judged(rule):
        person = person_by_id(pid[rule])
        return evaluate(person, "appointment", today, position=post)

    refusing = {"discipline_restriction", "suspended_sentence", "open_review"}
    for rule in refusing | ({"retirement_margin"} & set(cases)):
        refused = reason(judged(rule), rule)
        assert not refused.passed and refused.citation, rule
    # Eight months after the reprimand: refused until twelve months after it.
    assert reason(judged("discipline_restriction"), "discipline_restriction").until
    # The one person in the planning passes that rule; the others do not.
    assert reason(judged("planning_membership"), "planning_membership").passed
    assert not reason(judged("suspended_sentence"), "planning_membership").passed
