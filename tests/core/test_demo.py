"""The demo node: idempotent setup, the personas and their passwords kept outside the code."""

from __future__ import annotations

import json
import stat
from io import StringIO

import pytest
from django.core.management import call_command

from hoso.access.models import Role, User
from hoso.access.policies import roles_of
from hoso.core import demo
from hoso.orgs.models import Organization, StaffingQuota
from hoso.people.models import Person


@pytest.fixture
def data_dir(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    # Argon2 is slow by design; seven accounts per test need no such strength here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


@pytest.fixture
def fast(monkeypatch):
    # Catalogs are already loaded once per test database; reloading them is covered elsewhere.
    monkeypatch.setattr(demo, "catalog_load_builtin", lambda: [])


def _setup(people: int = 30):
    return demo.demo_setup(people=people, seed=1, stdout=StringIO(), progress=False)


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
