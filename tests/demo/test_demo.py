"""The demo node: idempotent setup, the personas and their passwords kept outside the code."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from hoso.access.models import AccessGrant, Role, User
from hoso.access.policies import roles_of
from hoso.audit.models import AuditEvent
from hoso.core.dates import today as local_today
from hoso.demo import node
from hoso.demo.accounts import PERSONAS
from hoso.demo.figures import demo_figures
from hoso.demo.grants import approval_level
from hoso.demo.orgs import demo_organizations, headcounts
from hoso.demo.plan import WORK
from hoso.orgs.models import Organization, StaffingQuota
from hoso.people.models import Person
from hoso.people.selectors import quota_usage


@pytest.fixture
def data_dir(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    # Argon2 is slow by design; seven accounts per test need no such strength here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


@pytest.fixture
def fast(monkeypatch):
    # Catalogs are already loaded once per test database; reloading them is covered elsewhere.
    monkeypatch.setattr(node, "catalog_load_builtin", lambda: [])


def _setup(people: int = 30):
    return node.demo_setup(people=people, seed=1, stdout=StringIO(), progress=False)


def test_demo_setup_twice_keeps_the_same_accounts_passwords_and_people(db, data_dir, fast):
    first = _setup()
    second = _setup()
    assert first.accounts == second.accounts
    assert first.seeded == 30 and second.seeded == 0
    assert Person.objects.count() == second.people == 30
    assert Organization.objects.filter(code="NB").count() == 1


def test_personas_have_their_roles_and_passwords_work(db, data_dir, fast):
    info = _setup()
    expected = {
        "nhaplieu": Role.CLERK,
        "quanly": Role.RECORDS_MANAGER,
        "lanhdao": Role.LEADER,
        "thanhtra": Role.AUDITOR,
        "canbo": Role.EMPLOYEE,
        "quantri": Role.ADMIN,
        "ngoai": Role.CLERK,
    }
    passwords = {a.username: a.password for a in info.accounts}
    assert set(passwords) == set(expected)
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert roles_of(user) == {role}
        assert user.check_password(passwords[username])
    ngoai = User.objects.get(username="ngoai").role_assignments.get()
    assert ngoai.organization.code == "BNV"


def test_the_employee_persona_is_a_seeded_person_of_the_province(db, data_dir, fast):
    _setup()
    canbo = User.objects.get(username="canbo")
    person = Person.objects.get(personal_id=canbo.personal_id)
    assert person.current_unit.path.startswith(Organization.objects.get(code="NB").path)
    assert canbo.full_name == person.full_name


def test_the_employee_persona_made_before_any_people_is_linked_when_they_come(db, data_dir, fast):
    _setup(people=0)
    assert User.objects.get(username="canbo").personal_id == ""
    _setup(people=30)
    canbo = User.objects.get(username="canbo")
    assert Person.objects.get(personal_id=canbo.personal_id).full_name == canbo.full_name
    assert AuditEvent.objects.filter(detail__change="person_link").count() == 1


def test_passwords_live_in_the_data_dir_readable_by_the_owner_only(db, data_dir, fast):
    info = _setup(people=0)
    path = data_dir / "demo-accounts.json"
    assert info.accounts_file == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text(encoding="utf-8"))["passwords"]
    assert stored == {a.username: a.password for a in info.accounts}


def test_a_lost_password_file_gives_new_working_passwords(db, data_dir, fast):
    first = _setup(people=0)
    (data_dir / "demo-accounts.json").unlink()
    second = _setup(people=0)
    old = {a.username: a.password for a in first.accounts}
    new = {a.username: a.password for a in second.accounts}
    assert old["quanly"] != new["quanly"]
    assert User.objects.get(username="quanly").check_password(new["quanly"])


def test_every_persona_is_enrolled_and_keeps_its_totp_secret(db, data_dir, fast):
    from django_otp.oath import totp

    from hoso.access.mfa import base32_secret, confirmed_device

    first = _setup(people=0)
    second = _setup(people=0)
    assert [a.totp_secret for a in first.accounts] == [a.totp_secret for a in second.accounts]
    stored = json.loads((data_dir / "demo-accounts.json").read_text(encoding="utf-8"))["totp"]
    for account in second.accounts:
        device = confirmed_device(User.objects.get(username=account.username))
        assert stored[account.username] == account.totp_secret == base32_secret(device)
        assert device.verify_token(f"{totp(device.bin_key):06d}")


def test_a_lost_accounts_file_gives_new_working_totp_secrets(db, data_dir, fast):
    from hoso.access.mfa import base32_secret, confirmed_device

    first = _setup(people=0)
    (data_dir / "demo-accounts.json").unlink()
    second = _setup(people=0)
    old = {a.username: a.totp_secret for a in first.accounts}
    new = {a.username: a.totp_secret for a in second.accounts}
    assert old["quanly"] != new["quanly"]
    assert base32_secret(confirmed_device(User.objects.get(username="quanly"))) == new["quanly"]


def test_the_totp_code_command_prints_a_code_the_login_accepts(db, data_dir, fast):
    from hoso.access.mfa import confirmed_device

    _setup(people=0)
    out, err = StringIO(), StringIO()
    call_command("totp", "code", "quanly", stdout=out, stderr=err)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    assert "giây" in err.getvalue()
    assert confirmed_device(User.objects.get(username="quanly")).verify_token(code)


def test_quotas_and_job_positions_are_set_for_the_current_year(db, data_dir, fast):
    _setup(people=0)
    school = Organization.objects.get(code="NB.SGDDT.LVT")
    quota = StaffingQuota.objects.get(organization=school, staff_category="public_employee")
    assert quota.quota > 0 and "biên chế" in quota.legal_basis
    codes = set(school.job_positions.values_list("code", flat=True))
    assert "LD.SP" in codes  # school principal
    assert Organization.objects.filter(kind="commune_committee", parent__code="NB").count() == 5


def test_demo_command_prints_the_accounts_table_without_serving(db, data_dir, fast):
    out = StringIO()
    call_command("demo", "--no-serve", "--people", "0", stdout=out)
    text = out.getvalue()
    assert "Tên đăng nhập" in text and "Mật khẩu" in text and "Khóa TOTP (base32)" in text
    assert "quanly" in text and "http://127.0.0.1:8000/" in text
    assert "hoso totp code TÊN_ĐĂNG_NHẬP" in text  # how to log in without an app
    secret = json.loads((data_dir / "demo-accounts.json").read_text(encoding="utf-8"))["totp"]
    assert secret["quanly"] in text


# --- A default demo: what it holds, as README says (R-SECRET, R-SPECIAL, R-NATIONAL) ------------


class _Rollback(Exception):
    pass


def _readme_table(start: str, end: str) -> list[list[str]]:
    """The rows of the README table between two markers (or headings), cells stripped."""
    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = text.split(start, 1)[1].split(end, 1)[0]
    rows = [line.strip().strip("|").split("|") for line in block.splitlines()]
    return [[cell.strip() for cell in row] for row in rows if len(row) > 1][2:]


def _can_read(username: str, personal_id: str) -> bool:
    from hoso.access.policies import dossier_access
    from hoso.core.errors import NotFound

    try:
        dossier_access(User.objects.get(username=username), personal_id, purpose="view")
    except NotFound:
        return False
    return True


@pytest.fixture(scope="module")
def default_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """One demo of the default size (2,000 people), set up once for this module through the
    real services, measured, then rolled back. Scans are queued, not read: processing is queued
    on commit, which never comes."""
    from django.test import override_settings

    from hoso.people.models import SecretLabel

    found: dict = {}
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(DATA_DIR=tmp_path_factory.mktemp("demo"), PASSWORD_HASHERS=hashers),
        django_db_blocker.unblock(),
        contextlib.suppress(_Rollback),
        transaction.atomic(),
    ):
        # Catalogs are loaded (a transactional test before may have flushed them).
        node.demo_setup(people=2000, seed=1, stdout=StringIO(), progress=False)
        grants = {g.grantee.username: g for g in AccessGrant.objects.select_related("grantee")}
        granted = grants["lanhdao"].person_ids
        province = Organization.objects.get(code="NB")
        protected = Person.objects.filter(current_unit__path__startswith=province.path).exclude(
            secret_label="", special_category=False
        )
        top = list(
            protected.filter(secret_label=SecretLabel.TOI_MAT).values_list("personal_id", flat=True)
        )
        ordinary = grants["ngoai"].person_ids
        other = (
            Person.objects.filter(current_unit__path__startswith=province.path)
            .filter(secret_label="", special_category=False)
            .exclude(personal_id__in=ordinary)
            .values_list("personal_id", flat=True)
            .first()
        )
        found = {
            "figures": demo_figures(),
            "grants": grants,
            "granted": {u: [_can_read(u, p) for p in granted] for u in ("lanhdao", "thanhtra")},
            "quanly_granted": [_can_read("quanly", p) for p in granted],
            "top": {u: [_can_read(u, p) for p in top] for u in ("lanhdao", "quanly")},
            "ngoai": ([_can_read("ngoai", p) for p in ordinary], _can_read("ngoai", other)),
            "usage": list(quota_usage(year=local_today().year)),
        }
        raise _Rollback
    return found


def test_the_readme_states_what_a_default_demo_holds(default_demo):
    claimed = dict(_readme_table("<!-- demo-figures -->", "<!-- /demo-figures -->"))
    assert claimed == default_demo["figures"]


def test_the_readme_lists_every_demo_account_and_only_those():
    rows = _readme_table("## Demo accounts: who sees what", "Ceilings per duty")
    assert [row[0].strip("`") for row in rows] == [p.username for p in PERSONAS]


def test_the_demo_holds_protected_dossiers_of_each_kind(default_demo):
    """R-SECRET, R-SPECIAL: Mật, Tối mật and the special category are all present."""
    figures = default_demo["figures"]["protected dossiers"]
    mat, top, special = (int(n) for n in re.findall(r"\d+", figures))
    assert mat >= 10 and 1 <= top <= 5 and special >= 5


def test_a_written_approval_lets_the_leader_read_some_protected_dossiers_and_no_one_else(
    default_demo,
):
    """R-WRITTEN-APPROVAL: the leader reads what the approval names; the inspector and the
    records manager who recorded it are refused the same dossiers, like missing ones."""
    grant = default_demo["grants"]["lanhdao"]
    assert grant.secret_ceiling == "mat" and grant.covers_special
    assert grant.approval_level == approval_level(secret_ceiling="mat", covers_special=True)
    assert len(grant.person_ids) == WORK.granted
    assert all(default_demo["granted"]["lanhdao"])
    assert not any(default_demo["granted"]["thanhtra"])
    assert not any(default_demo["quanly_granted"])


def test_top_secret_dossiers_stay_refused_above_the_approval_ceiling(default_demo):
    """Tối mật is above the leader's approval (Mật): refused, like a missing dossier."""
    top = default_demo["top"]
    assert top["lanhdao"] and not any(top["lanhdao"]) and not any(top["quanly"])


def test_the_other_agency_reads_only_the_province_dossiers_its_approval_names(default_demo):
    named, other = default_demo["ngoai"]
    assert len(named) == WORK.foreign_granted and all(named)
    assert other is False


def test_staffing_quotas_are_mostly_within_their_limits_a_few_over(default_demo):
    """R-NATIONAL: a realistic use of quotas, not every unit over its limit."""
    usage = default_demo["usage"]
    over = [u for u in usage if u.over]
    assert 1 <= len(over) <= len(usage) // 10
    assert sum(u.counted for u in usage) <= sum(u.quota for u in usage)


def test_the_demo_fills_each_work_page(default_demo):
    figures = default_demo["figures"]
    pending, approved, rejected = (int(n) for n in re.findall(r"\d+", figures["proposals"])[:3])
    assert pending >= 10 and approved >= 5 and rejected >= 2
    open_, resolved = (int(n) for n in re.findall(r"\d+", figures["discrepancies"]))
    assert open_ >= 5 and resolved >= 3
    overdue, soon, later, done, late = (int(n) for n in re.findall(r"\d+", figures["deadlines"]))
    assert overdue >= 3 and soon >= 3 and later >= 2 and done + late >= 4
    scans, scanned = (int(n) for n in re.findall(r"\d+", figures["scans"]))
    assert scanned >= 3 and scans >= 3 * scanned


def test_headcounts_fill_each_quota_as_planned_and_sum_to_the_people(db, data_dir, fast):
    today = local_today()
    demo_organizations(today)
    counts = headcounts(2000, today)
    assert sum(counts.values()) == 2000
    assert counts[("NB.SYT.BVDK", "public_employee")] > 520  # planned over its quota
    assert counts[("NB.SNV.VP", "civil_servant")] <= 25
    assert sum(headcounts(200, today).values()) == 200


# --- Quiet start (the accounts table last, no English banner) -----------------------------------


def _node_env(data_dir: Path) -> dict[str, str]:
    """The environment of a separate demo node: its own SQLite database, keys and files in
    `data_dir`, nothing of the test run's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    env.pop("DATABASE_URL", None)
    env.pop("PYTHONWARNINGS", None)  # warnings shown as in a fresh shell
    env["HOSO_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture(scope="module")
def node_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("node")


BANNER = ("Performing system checks", "Django version", "Starting development server", "CONTROL-C")


def test_the_demo_starts_quietly_with_the_accounts_table_last_before_the_address(node_dir):
    """The whole start, documents included (WeasyPrint renders, pyHanko signs): nothing on
    stderr but the progress bar, and the accounts table right above the address."""
    done = subprocess.run(
        [sys.executable, "-m", "hoso.cli", "demo", "--no-serve", "--people", "300"],
        env=_node_env(node_dir),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    noise = [
        line
        for line in done.stderr.replace("\r", "\n").splitlines()
        if line.strip() and "hồ sơ/s" not in line
    ]
    assert noise == []
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines[-1].startswith("Địa chỉ: http://127.0.0.1:8000/")
    table = lines[-3 - len(PERSONAS) : -1]  # header, rule, one row per account
    assert table[0].startswith("Tên đăng nhập") and table[1].startswith("---")
    assert [row.split()[0] for row in table[2:]] == [p.username for p in PERSONAS]
    assert "Ký số sơ yếu lý lịch" in done.stdout  # the documents were made in this start
    assert not any(word in done.stdout for word in BANNER)


def test_serving_the_demo_prints_no_english_banner_and_answers(node_dir):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    node = subprocess.Popen(
        [sys.executable, "-m", "hoso.cli", "demo", "--people", "0", "--port", str(port)],
        env=_node_env(node_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the node and its task worker, stopped together below
    )
    try:
        status = None
        deadline = time.monotonic() + 300
        while status is None and time.monotonic() < deadline and node.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/") as answer:
                    status = answer.status
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        assert status == 200
    finally:
        os.killpg(node.pid, signal.SIGTERM)
        try:
            out, err = node.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(node.pid, signal.SIGKILL)
            out, err = node.communicate()
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines[-1].startswith(f"Địa chỉ: http://127.0.0.1:{port}/")
    assert not any(word in out + err for word in BANNER)
    assert "development server" not in (out + err).lower()


def test_pdfs_render_without_font_warnings_even_without_harfbuzz_subset(monkeypatch):
    """Without libharfbuzz-subset0 WeasyPrint falls back to fontTools (a correct PDF) and
    warns once per font: that one notice is dropped, and only it."""
    import logging

    from weasyprint import HTML
    from weasyprint.pdf import fonts

    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    keep = Keep(level=logging.WARNING)
    logging.getLogger().addHandler(keep)
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    try:
        pdf = HTML(string="<p style='font-family: Liberation Serif'>Hồ sơ điện tử</p>").write_pdf()
        logging.getLogger("weasyprint").warning("Ignored `foo: bar` at 1:2, unknown property.")
    finally:
        logging.getLogger().removeHandler(keep)
    assert pdf.startswith(b"%PDF")
    assert [r.getMessage() for r in seen if r.name == "weasyprint"] == [
        "Ignored `foo: bar` at 1:2, unknown property."
    ]
