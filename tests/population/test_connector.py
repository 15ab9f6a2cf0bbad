"""The connector against the simulator as a real process (R-POPULATION): found, unknown id,
down, slow (timeout), malformed and contradicting answers each come back as a typed outcome
with a stable code; nothing raises. Also on SIGKILL of the simulator mid-run."""

from __future__ import annotations

import signal
from dataclasses import replace
from datetime import date

import pytest
from tests.population.conftest import write

from hoso import identity
from hoso.population.connector import HttpConnector, NotConfigured, configured
from hoso.population.records import CitizenRecord, Code, Failed, Found, judged

# The simulator, `hoso popdb serve`, inherits the run's DATABASE_URL: ADR 0025.
pytestmark = pytest.mark.database_subprocess

PID = identity.generate(province_code="001", birth_year=1988, sex="F", serial=4242)
MAI = CitizenRecord(
    personal_id=PID,
    full_name="Hoàng Thị Mai",
    birth_date=date(1988, 4, 12),
    sex="F",
    home_town="Xã Đông Ngạc, Hà Nội",
    marital_status="Đã kết hôn",
    permanent_residence="Số 5 phố Tràng Thi, phường Hoàn Kiếm, Hà Nội",
)


def _connector(sim, timeout=2.0):
    return HttpConnector(sim.url, timeout=timeout)


def test_a_citizen_is_found_with_the_fields_of_art_9(popdb):
    write(popdb, MAI)
    popdb.start()
    outcome = _connector(popdb).lookup(PID)
    assert isinstance(outcome, Found) and outcome.code == Code.FOUND
    assert outcome.record == MAI


def test_citizens_in_no_node_come_from_the_seed(popdb):
    popdb.start("--seed", "7")
    from hoso.population.simulator import synthetic

    extra = synthetic(7, 5)
    assert extra == synthetic(7, 5)  # the same seed, the same citizens
    outcome = _connector(popdb).lookup(extra[0].personal_id)
    assert isinstance(outcome, Found) and outcome.record == extra[0]
    assert identity.validate(extra[0].personal_id, birth_date=extra[0].birth_date) == []


def test_an_unknown_id_is_a_stable_code(popdb):
    write(popdb, MAI)
    popdb.start()
    other = identity.generate(province_code="079", birth_year=1990, sex="M", serial=1)
    outcome = _connector(popdb).lookup(other)
    assert outcome == Failed(Code.NOT_FOUND)
    assert "không có số định danh này" in outcome.message


def test_down_slow_and_failing_are_typed_outcomes(popdb):
    assert _connector(popdb).lookup(PID).code == Code.UNAVAILABLE  # nothing listens yet
    write(popdb, MAI)
    popdb.start("--latency-ms", "1500")
    slow = _connector(popdb, timeout=0.3).lookup(PID)
    assert slow.code == Code.TIMEOUT and "không trả lời kịp" in slow.message
    popdb.stop()
    popdb.start("--fail-rate", "1")
    assert _connector(popdb).lookup(PID).code == Code.UNAVAILABLE


def test_an_answer_contradicting_the_id_is_flagged_not_used(popdb):
    write(popdb, MAI)
    popdb.start("--wrong-rate", "1")
    outcome = _connector(popdb).lookup(PID)
    assert isinstance(outcome, Failed) and outcome.code == Code.CONTRADICTS_ID
    assert "sex_mismatch" in outcome.detail
    assert "mâu thuẫn với số định danh" in outcome.message


def test_judging_flags_another_id_and_another_birth_year():
    assert judged(PID, MAI) == Found(MAI)
    other_year = replace(MAI, birth_date=date(1987, 4, 12))
    assert judged(PID, other_year).code == Code.CONTRADICTS_ID
    assert judged("001188000001", MAI).code == Code.INVALID_ANSWER


@pytest.mark.parametrize(
    "doc, reason",
    [
        ([], "not an object"),
        ({"personal_id": PID, "full_name": "X", "sex": "F"}, "birth_date is missing"),
        (
            {"personal_id": PID, "full_name": "X", "birth_date": "12/04/1988", "sex": "F"},
            "isoformat",
        ),
        ({"personal_id": PID, "full_name": "X", "birth_date": "1988-04-12", "sex": "X"}, "sex"),
        ({"personal_id": PID, "full_name": 5, "birth_date": "1988-04-12", "sex": "F"}, "text"),
    ],
)
def test_malformed_answers_are_refused(doc, reason):
    with pytest.raises(ValueError, match=reason):
        CitizenRecord.from_json(doc)


def test_a_killed_simulator_is_unavailable_then_answers_again_when_restarted(popdb):
    write(popdb, MAI)
    popdb.start()
    assert isinstance(_connector(popdb).lookup(PID), Found)
    popdb.stop(signal.SIGKILL)
    assert popdb.process.returncode == -signal.SIGKILL
    assert _connector(popdb).lookup(PID).code == Code.UNAVAILABLE
    popdb.start()
    assert isinstance(_connector(popdb).lookup(PID), Found)


def test_without_a_url_the_connection_is_not_configured(settings):
    settings.HOSO_POPULATION_URL = ""
    assert isinstance(configured(), NotConfigured)
    outcome = configured().lookup(PID)
    assert outcome.code == Code.NOT_CONFIGURED and "Chưa cấu hình" in outcome.message
