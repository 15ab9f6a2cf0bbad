"""Shared fixtures: catalogs loaded once per test database, a small organization tree, the
personas (DESIGN.md house style 11) and a factory of valid dossiers."""

from __future__ import annotations

import copy
import os
import subprocess
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from hoso import identity

PASSWORD = "mat-khau-thu-nghiem-1"

# Tesseract (OCR) runs one OpenMP thread. ocrmypdf would give it up to 3 on a one-page scan,
# and `./dev test` already runs two suites on two cores: extra threads only spin-wait there.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Each test run has its own master key, outside the repository.
if "HOSO_MASTER_KEY_FILE" not in os.environ:
    os.environ["HOSO_MASTER_KEY_FILE"] = str(
        Path(tempfile.mkdtemp(prefix="hoso-keys-")) / "master.key"
    )
    from hoso.core.crypto import generate_master_key

    generate_master_key(Path(os.environ["HOSO_MASTER_KEY_FILE"]))


def _test_settings() -> None:
    """Background tasks run at once, inside the test; stored files go to a temporary
    directory. pytest-django has loaded the settings before this module, so they are set here
    (before anything has used them) rather than through the environment."""
    from django.conf import settings as django_settings

    django_settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    django_settings.HOSO_STORAGE_DIR = Path(tempfile.mkdtemp(prefix="hoso-files-"))
    # A test's transaction never commits, and the audit sequencer chains committed events
    # only: tests chain each event in its own transaction, as without the sequencer. The
    # sequencer's own tests commit for real (tests/audit/test_audit_sequencer.py).
    django_settings.HOSO_AUDIT_SEQUENCER = False


_test_settings()


# Property tests: the same examples on every run in CI (a red CI must mean a change broke
# something, not that a new random example turned up), no per-example deadline (both suites
# share the machine). `HYPOTHESIS_PROFILE=explore` searches wider and at random, locally.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("explore", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# --- Tests without a database run once (docs/decisions/0025-db-free-tests-run-once.md) -------
#
# A test that asks for no database (no `django_db` mark, no `db`-like fixture, directly or
# through other fixtures) cannot reach it in this process: pytest-django refuses the
# connection (and the cursor guard below fails it). Its verdict is the same on SQLite and
# PostgreSQL, so the PostgreSQL run leaves it to the SQLite run. A test whose *subprocesses*
# may open the run's database (`hoso …` commands and servers, `tests/federation/node.py`,
# started with DATABASE_URL in their environment) is marked `database_subprocess` and runs on
# both; the subprocess guard below fails an unmarked one, in the SQLite run too.

DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "django_db_setup",  # a fixture unblocking the database asks for it (pytest-django)
    }
)
# Fixtures that hand a database of the run to a subprocess by its settings, not through the
# inherited environment (the federation hub's, in the PostgreSQL run): whoever uses them must
# be marked, checked at collection in both runs.
DATABASE_PROCESS_FIXTURES = frozenset({"hub_template"})
EVERYTHING_ON_EVERY_DATABASE = "HOSO_TEST_EVERYTHING"
# In the SQLite run a DB-free test runs with this DATABASE_URL in its environment (the
# settings of this process are made): a child process that would inherit the PostgreSQL
# run's DATABASE_URL inherits this one, and the guard sees it before it starts.
SENTINEL_DATABASE_URL = "postgresql://database-of-the-postgresql-run.invalid/see-adr-0025"


def uses_database(item: pytest.Item) -> bool:
    """Whether `item` may reach a database: its own (fixture or mark) or its subprocesses'."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("database_subprocess"):
        return True
    return bool(DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def _postgresql_run() -> bool:
    from django.conf import settings as django_settings

    return "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unmarked = [
        item.nodeid
        for item in items
        if DATABASE_PROCESS_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        and not uses_database(item)
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests give a subprocess the run's database but are not marked "
            "`database_subprocess` (ADR 0025): " + ", ".join(unmarked)
        )
    if not _postgresql_run() or os.environ.get(EVERYTHING_ON_EVERY_DATABASE):
        return
    keep = [item for item in items if uses_database(item)]
    left = [item for item in items if not uses_database(item)]
    if not left:
        return
    items[:] = keep
    config.hook.pytest_deselected(items=left)
    where = Counter(item.nodeid.split("/")[1] for item in left if "/" in item.nodeid)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"PostgreSQL run: {len(left)} tests that use no database deselected, their verdict "
            f"is the SQLite run's (ADR 0025; {EVERYTHING_ON_EVERY_DATABASE}=1 runs them here "
            "too): " + ", ".join(f"{name} {count}" for name, count in sorted(where.items()))
        )


_CURRENT: list[pytest.Item] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _CURRENT[:] = [item]
    sentinel = not uses_database(item) and "DATABASE_URL" not in os.environ
    if sentinel:
        os.environ["DATABASE_URL"] = SENTINEL_DATABASE_URL
    try:
        return (yield)
    finally:
        _CURRENT.clear()
        if sentinel:
            os.environ.pop("DATABASE_URL", None)


def opens_the_database(args: Any) -> bool:
    """Whether a child process started with `args` runs hoso or Django: a `hoso` command,
    `manage.py`, a Python script file (`tests/federation/node.py`), `django.setup()`."""
    argv = [args] if isinstance(args, str | bytes | os.PathLike) else list(args)
    words = [os.fsdecode(a) for a in argv]
    if words and Path(words[0].split()[0]).name in ("hoso", "manage.py"):
        return True
    return any(
        "hoso.cli" in word
        or "django.setup" in word
        or word.endswith(".py")
        or Path(word).name == "hoso"
        for word in words[1:]
    )


_popen_init = subprocess.Popen.__init__


def _guarded_popen_init(self: subprocess.Popen, args: Any, *rest: Any, **kwargs: Any) -> None:
    item = _CURRENT[0] if _CURRENT else None
    env = kwargs.get("env")
    inherited = "DATABASE_URL" in (os.environ if env is None else env)
    if item is not None and inherited and not uses_database(item) and opens_the_database(args):
        pytest.fail(
            f"{item.nodeid} starts {args!r} with the run's DATABASE_URL but asks for no "
            "database: mark it `@pytest.mark.database_subprocess` (it then runs on PostgreSQL "
            "too) or leave DATABASE_URL out of the child's environment (ADR 0025)",
            pytrace=False,
        )
    _popen_init(self, args, *rest, **kwargs)


subprocess.Popen.__init__ = _guarded_popen_init  # type: ignore[method-assign]


_TEARDOWN: list[bool] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    # The last test's teardown also ends the session's fixtures (the test database is
    # dropped there): no cursor of the test's own.
    _TEARDOWN[:] = [True]
    try:
        return (yield)
    finally:
        _TEARDOWN.clear()


def _guard_cursors() -> None:
    """A DB-free test reaching the database in this process (past pytest-django's block, e.g.
    a fixture unblocking it without `django_db_setup`) fails: its PostgreSQL run would be lost."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    cursor = BaseDatabaseWrapper._cursor

    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = _CURRENT[0] if _CURRENT and not _TEARDOWN else None
        if item is not None and not uses_database(item):
            pytest.fail(
                f"{item.nodeid} uses the database without asking for it (a `db` fixture, the "
                "`django_db` mark, or `django_db_setup` in a fixture that unblocks it)",
                pytrace=False,
            )
        return cursor(self, *args, **kwargs)

    BaseDatabaseWrapper._cursor = guarded  # type: ignore[method-assign]


_guard_cursors()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is slow by design: seconds per test for the personas' accounts, nothing gained.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, user, password: str = PASSWORD):
    """Log `client` in as `user` through both steps of the login page: the password, then the
    one-time code of the account's TOTP device (enrolled here if it has none). An account made
    with another password gets `password` first. Returns the client, its session verified."""
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hoso.access.mfa import acceptable_code, confirmed_device
    from hoso.access.services import totp_enrol

    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    device = confirmed_device(user)
    if device is None:
        device = totp_enrol(acting_user=None, user=user)[0]
    # A code is accepted once: a test logging the same account in twice within 30 seconds
    # would otherwise wait for the next one.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    client.logout()  # a fresh login, whoever the client was signed in as
    first = client.post(
        reverse("web:login"), {"username": user.get_username(), "password": password}
    )
    assert first.status_code == 302 and first["Location"].startswith(reverse("web:otp")), (
        first.status_code,
        first.content.decode()[:2000],
    )
    second = client.post(reverse("web:otp"), {"code": acceptable_code(device)[0]})
    assert second.status_code == 302, second.content.decode()[:2000]
    return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ARG001 - extends pytest-django
    from hoso.catalog.services import catalog_load_builtin
    from hoso.core import crypto

    with django_db_blocker.unblock():
        catalog_load_builtin()
        crypto.forget_keys()


@pytest.fixture
def orgs(db) -> dict[str, Any]:
    """A province with a department and its division, a commune, and a ministry with a unit."""
    return _make_orgs()


def _make_orgs() -> dict[str, Any]:
    from hoso.orgs.models import OrgKind
    from hoso.orgs.services import org_create

    start = date(2025, 7, 1)
    province = org_create(
        acting_user=None,
        code="T01",
        name="Ủy ban nhân dân tỉnh Thử Nghiệm",
        kind=OrgKind.PROVINCIAL_COMMITTEE,
        valid_from=start,
    )
    finance = org_create(
        acting_user=None,
        code="T01.STC",
        name="Sở Tài chính",
        kind=OrgKind.PROVINCIAL_DEPARTMENT,
        valid_from=start,
        parent=province,
    )
    budget = org_create(
        acting_user=None,
        code="T01.STC.NS",
        name="Phòng Ngân sách",
        kind=OrgKind.DIVISION,
        valid_from=start,
        parent=finance,
    )
    commune = org_create(
        acting_user=None,
        code="T01.XA",
        name="Ủy ban nhân dân xã Hòa Bình",
        kind=OrgKind.COMMUNE_COMMITTEE,
        valid_from=start,
        parent=province,
    )
    ministry = org_create(
        acting_user=None,
        code="B01",
        name="Bộ Thử Nghiệm",
        kind=OrgKind.MINISTRY,
        valid_from=date(2002, 8, 5),
    )
    office = org_create(
        acting_user=None,
        code="B01.VP",
        name="Văn phòng Bộ",
        kind=OrgKind.DEPARTMENT_CENTRAL,
        valid_from=date(2002, 8, 5),
        parent=ministry,
    )
    return {
        "province": province,
        "finance": finance,
        "budget": budget,
        "commune": commune,
        "ministry": ministry,
        "office": office,
    }


_SERIAL = iter(range(1, 10**6))


def dossier(
    *,
    full_name: str = "Nguyễn Văn An",
    birth_date: date = date(1985, 3, 14),
    sex: str = "M",
    unit: str = "T01.STC",
    province_code: str = "001",
    **sections: Any,
) -> dict[str, Any]:
    """A complete, valid dossier as plain data; override any section by keyword."""
    pid = identity.generate(
        province_code=province_code, birth_year=birth_date.year, sex=sex, serial=next(_SERIAL)
    )
    data: dict[str, Any] = {
        "identity": {
            "personal_id": pid,
            "full_name": full_name,
            "birth_date": birth_date.isoformat(),
            "sex": sex,
            "birth_place": "Xã Đông Ngạc, huyện Từ Liêm, Hà Nội",
            "birth_place_code": "01",
            "home_town": "Xã Hải Thanh, Hải Hậu, Nam Định",
            "home_town_code": "36",
            "ethnicity": "01",
            "religion": "00",
            "permanent_residence": "Số 5 phố Hàng Bài, Hà Nội",
            "current_residence": "Số 5 phố Hàng Bài, Hà Nội",
            "id_issue_date": "2021-05-10",
            "id_issue_place": "Cục Cảnh sát QLHC về TTXH",
            "social_insurance_number": "0112345678",
            "phone": "0912345678",
        },
        "employment": {
            "staff_category": "civil_servant",
            "managing_agency": "T01",
            "current_unit": unit,
            "occupation_at_recruitment": "Sinh viên",
            "recruitment_date": "2008-09-01",
            "recruitment_agency": "Sở Tài chính",
            "main_duties": "Quản lý ngân sách",
        },
        "qualifications": {
            "general_education": "12_12",
            "highest_qualification": "bachelor",
            "qualification_field": "Tài chính - Ngân hàng",
            "political_theory": "intermediate",
            "foreign_language": "Tiếng Anh bậc 3",
            "it_level": "Cơ bản",
        },
        "positions": [
            {"organization": unit, "position_code": "", "is_main": True, "from_date": "2008-09-01"}
        ],
        "salary": [
            {"from_date": "2008-09-01", "rank_code": "01.003", "step": 1, "coefficient": "2.34"},
            {"from_date": "2011-09-01", "rank_code": "01.003", "step": 2, "coefficient": "2.67"},
        ],
        "training": [
            {
                "kind": "professional",
                "institution": "Học viện Tài chính",
                "field_of_study": "Tài chính",
                "from_date": "2003-09-01",
                "to_date": "2007-06-30",
                "mode": "full_time",
                "qualification": "bachelor",
                "diploma": "Cử nhân",
            }
        ],
        "work_history": [
            {
                "from_date": "2008-09-01",
                "unit_name": "Sở Tài chính",
                "title": "Chuyên viên",
                "organization": unit,
            }
        ],
        "family": [
            {
                "side": "own",
                "relation_code": "father",
                "full_name": "Nguyễn Văn Bình",
                "birth_year": 1955,
                "occupation": "Nghỉ hưu",
            },
        ],
        "health": [
            {
                "exam_date": "2025-01-10",
                "status": "Tốt",
                "height_cm": 168,
                "weight_kg": 62,
                "blood_group": "o_pos",
            }
        ],
        "personal_history": {
            "declared_on": "2008-09-01",
            "arrests": "Không",
            "former_regime": "Không",
            "foreign_organizations": "Không",
            "relatives_abroad": "Không",
        },
        "evaluations": [{"year": 2024, "grade_code": "good", "score": "85"}],
    }
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return copy.deepcopy(data)


@pytest.fixture
def make_dossier(orgs):
    """Create a dossier through the one write path; returns the Person."""
    from hoso.people.services import dossier_create

    def make(**kwargs: Any):
        return dossier_create(acting_user=None, data=dossier(**kwargs))

    return make


@pytest.fixture
def personas(orgs) -> dict[str, Any]:
    """The demo personas, scoped to the test tree (usernames as in the demo)."""
    return _make_personas(orgs)


def _make_personas(orgs: dict[str, Any]) -> dict[str, Any]:
    from hoso.access.models import Role
    from hoso.access.services import role_assign, user_create

    def user(username: str, role: str | None, org: Any, personal_id: str = "") -> Any:
        account = user_create(
            acting_user=None,
            username=username,
            password=PASSWORD,
            full_name=username,
            personal_id=personal_id,
        )
        if role:
            role_assign(
                acting_user=None,
                user=account,
                role=role,
                organization=org,
                valid_from=date(2025, 7, 1),
            )
        return account

    return {
        "nhaplieu": user("nhaplieu", Role.CLERK, orgs["finance"]),
        "quanly": user("quanly", Role.RECORDS_MANAGER, orgs["province"]),
        "lanhdao": user("lanhdao", Role.LEADER, orgs["province"]),
        "thanhtra": user("thanhtra", Role.AUDITOR, orgs["province"]),
        "quantri": user("quantri", Role.ADMIN, None),
        "ngoai": user("ngoai", Role.CLERK, orgs["office"]),
    }


def employee_account(person: Any, username: str) -> Any:
    """An account with the employee duty over their own dossier (the `canbo` persona)."""
    from hoso.access.models import Role
    from hoso.access.services import role_assign, user_create

    account = user_create(
        acting_user=None,
        username=username,
        password=PASSWORD,
        full_name=person.full_name,
        personal_id=person.personal_id,
    )
    role_assign(
        acting_user=None,
        user=account,
        role=Role.EMPLOYEE,
        organization=None,
        valid_from=date(2020, 1, 1),
    )
    return account


def purge_audit() -> None:
    """Empty the append-only audit tables, switching their triggers off as only the database
    owner can; pytest-django's flush after a transactional test is refused otherwise."""
    from django.db import connection, transaction

    tables = ("audit_event", "audit_checkpoint")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('audit_event', 'audit_checkpoint')"
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for _name, sql in triggers:
            cursor.execute(sql)


@pytest.fixture
def orgs_committed(transactional_db):
    """For tests whose data must be committed (dumps, live servers): transactional tests
    flush every table afterwards, so catalogs are reloaded here and the audit emptied after."""
    from hoso.catalog.services import catalog_load_builtin

    catalog_load_builtin()
    yield _make_orgs()
    purge_audit()


@pytest.fixture
def personas_committed(orgs_committed):
    """The personas, committed (for transactional tests)."""
    return _make_personas(orgs_committed)


@pytest.fixture(scope="session", autouse=True)
def signing_keys(tmp_path_factory):
    """Every approval is signed: a throwaway CA (ECDSA P-256, fast) with a key and certificate
    for each persona username, made once per run in a temporary directory (never in the
    repository) and set as the node's signing directory. A test needing an approver without a
    key uses another username."""
    from django.conf import settings as django_settings

    from hoso.demo.pki import DemoSigner, demo_pki_ensure
    from hoso.signing.keys import KeyAlgorithm

    directory = tmp_path_factory.mktemp("pki")
    usernames = ("quanly", "quanly2", "nhaplieu", "lanhdao", "thanhtra", "quantri", "ngoai")
    demo_pki_ensure(
        [DemoSigner(name, f"Người ký {name}", "Cơ quan thử nghiệm") for name in usernames],
        directory=directory,
        key_algorithm=KeyAlgorithm.EC_P256,
    )
    previous = getattr(django_settings, "HOSO_SIGNING_DIR", None)
    django_settings.HOSO_SIGNING_DIR = directory
    os.environ["HOSO_SIGNING_DIR"] = str(directory)
    yield directory
    django_settings.HOSO_SIGNING_DIR = previous
