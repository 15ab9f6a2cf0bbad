"""The checkpoint signing key: from a file, generated only for development, never unsafe."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from audit_support import audit_key  # noqa: F401 - fixture
from django.core.management import CommandError, call_command

from hoso.audit import keys, services
from hoso.audit.keys import AuditKeyError


def test_a_development_node_generates_its_key_in_the_data_directory_with_mode_600(
    settings, tmp_path: Path
) -> None:
    settings.HOSO_AUDIT_KEY_FILE = None
    settings.PRODUCTION = False
    settings.DATA_DIR = tmp_path / "data"
    key = keys.private_key(create=True)
    path = tmp_path / "data" / "audit-ed25519.pem"
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.fingerprint(keys.private_key().public_key()) == keys.fingerprint(key.public_key())


def test_production_requires_the_key_setting(settings) -> None:
    settings.HOSO_AUDIT_KEY_FILE = None
    settings.PRODUCTION = True
    with pytest.raises(AuditKeyError) as caught:
        keys.private_key(create=True)
    assert caught.value.code == "audit_key_not_configured"
    assert "HOSO_AUDIT_KEY_FILE" in caught.value.message


def test_a_configured_key_file_is_never_created_silently(settings, tmp_path: Path) -> None:
    settings.HOSO_AUDIT_KEY_FILE = str(tmp_path / "missing.pem")
    with pytest.raises(AuditKeyError):
        keys.private_key(create=True)
    assert not (tmp_path / "missing.pem").exists()


def test_a_world_readable_key_is_refused(audit_key: Path) -> None:  # noqa: F811
    audit_key.chmod(0o644)
    with pytest.raises(AuditKeyError) as caught:
        keys.private_key()
    assert caught.value.code == "audit_key_unsafe"


def test_a_file_that_is_not_an_ed25519_key_is_refused(audit_key: Path) -> None:  # noqa: F811
    audit_key.chmod(0o600)
    audit_key.write_text("không phải khóa")
    with pytest.raises(AuditKeyError):
        keys.private_key()


def test_keygen_writes_a_new_key_and_never_overwrites(tmp_path: Path, capsys) -> None:
    target = tmp_path / "prod" / "audit.pem"
    call_command("audit", "keygen", "--output", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "HOSO_AUDIT_KEY_FILE" in capsys.readouterr().out
    before = target.read_bytes()
    with pytest.raises(CommandError, match="đã tồn tại"):
        call_command("audit", "keygen", "--output", str(target))
    assert target.read_bytes() == before


@pytest.mark.django_db
def test_sealing_without_a_key_in_production_fails_and_writes_nothing(settings) -> None:
    settings.HOSO_AUDIT_KEY_FILE = None
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="HOSO_AUDIT_KEY_FILE"):
        call_command("audit", "checkpoint")
    with pytest.raises(AuditKeyError):
        services.checkpoint_create()


def test_production_refuses_a_signing_key_inside_the_data_directory(
    settings, tmp_path: Path
) -> None:
    """Issue 15 finding 7: a key beside the database lets whoever rewrites the database
    re-sign it. Production keeps it elsewhere (a mount the node may only read)."""
    settings.PRODUCTION = True
    settings.DATA_DIR = tmp_path / "data"
    inside = tmp_path / "data" / "keys" / "audit.pem"
    keys.key_file_write(inside)
    settings.HOSO_AUDIT_KEY_FILE = str(inside)
    with pytest.raises(AuditKeyError) as caught:
        keys.private_key()
    assert caught.value.code == "audit_key_in_data_dir"
    assert "nằm trong thư mục dữ liệu" in caught.value.message
    outside = tmp_path / "ro-mount" / "audit.pem"
    key = keys.key_file_write(outside)
    settings.HOSO_AUDIT_KEY_FILE = str(outside)
    assert keys.fingerprint(keys.private_key().public_key()) == keys.fingerprint(key.public_key())
