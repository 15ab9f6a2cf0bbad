"""`hoso audit verify | checkpoint | export-checkpoints` on an intact chain, and their messages."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from audit_support import audit_key, tamperer  # noqa: F401 - fixtures
from django.core.management import CommandError, call_command
from django.utils import timezone

from hoso.audit import keys, services
from hoso.audit.models import AuditAction
from hoso.audit.verify import chain_verify, exported_checkpoints_load

pytestmark = pytest.mark.django_db


def events(count: int) -> None:
    for number in range(count):
        services.event_record(
            actor=None, action=AuditAction.SYSTEM, outcome="ok", detail={"n": number}
        )


def verify_command(*args: str, capsys) -> tuple[int, str, str]:
    try:
        call_command("audit", "verify", *args)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    else:
        code = 0
    out, err = capsys.readouterr()
    return code, out, err


def test_an_empty_chain_verifies(capsys) -> None:
    assert verify_command(capsys=capsys) == (
        0,
        "OK: 0 sự kiện, 0 điểm niêm phong\nChưa có điểm niêm phong nào.\n",
        "",
    )


def test_an_intact_chain_verifies_and_says_how_much_it_checked(capsys) -> None:
    events(5)
    call_command("audit", "checkpoint")
    events(2)
    call_command("audit", "checkpoint")
    assert "Đã niêm phong #2: 7 sự kiện" in capsys.readouterr().out
    code, out, err = verify_command(capsys=capsys)
    assert (code, out.splitlines()[0], err) == (0, "OK: 7 sự kiện, 2 điểm niêm phong", "")


def test_a_checkpoint_with_nothing_new_says_so(capsys) -> None:
    events(1)
    call_command("audit", "checkpoint")
    call_command("audit", "checkpoint")
    assert "Không có sự kiện mới từ điểm niêm phong #1" in capsys.readouterr().out


def test_a_tampered_chain_exits_1_and_names_the_event(tamperer, capsys) -> None:  # noqa: F811
    events(4)
    call_command("audit", "checkpoint")
    tamperer.execute("UPDATE audit_event SET purpose = 'che giấu' WHERE seq = 3")
    capsys.readouterr()
    code, out, err = verify_command(capsys=capsys)
    assert code == 1 and out == ""
    assert "Sự kiện #3: nội dung đã bị sửa" in err
    assert "[hash_mismatch]" in err


def test_the_export_carries_the_public_key_and_verifies_elsewhere(
    tmp_path: Path,
    audit_key: Path,  # noqa: F811
    settings,
    capsys,
) -> None:
    events(3)
    call_command("audit", "checkpoint")
    target = tmp_path / "checkpoints.json"
    call_command("audit", "export-checkpoints", "--output", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "hoso.audit.checkpoints/1"
    public = keys.private_key().public_key()
    assert data["public_keys"][0]["fingerprint"] == keys.fingerprint(public)
    assert "PRIVATE" not in target.read_text(encoding="utf-8")
    assert [c["event_count"] for c in data["checkpoints"]] == [3]
    capsys.readouterr()
    # A third party without the private key: only the exported copy vouches for the chain.
    settings.HOSO_AUDIT_KEY_FILE = str(tmp_path / "not-here.pem")
    code, _, err = verify_command(capsys=capsys)
    assert code == 1 and "[checkpoint_unknown_key]" in err
    code, out, _ = verify_command("--checkpoints", str(target), capsys=capsys)
    assert (code, out.splitlines()[0]) == (0, "OK: 3 sự kiện, 1 điểm niêm phong")


def test_a_checkpoint_by_an_unknown_key_is_reported_until_its_public_key_is_given(
    tmp_path: Path, settings, capsys
) -> None:
    events(2)
    call_command("audit", "checkpoint")
    old_public = keys.private_key().public_key()
    (tmp_path / "old.pub").write_text(keys.public_key_pem(old_public), encoding="ascii")
    new_key = tmp_path / "new.pem"
    keys.key_file_write(new_key)
    settings.HOSO_AUDIT_KEY_FILE = str(new_key)  # key rotation
    events(1)
    call_command("audit", "checkpoint")
    capsys.readouterr()
    code, _, err = verify_command(capsys=capsys)
    assert code == 1 and "[checkpoint_unknown_key]" in err and "#1" in err
    code, out, _ = verify_command("--public-key", str(tmp_path / "old.pub"), capsys=capsys)
    assert (code, out.splitlines()[0]) == (0, "OK: 3 sự kiện, 2 điểm niêm phong")


def test_a_malformed_checkpoint_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "khác"}', encoding="utf-8")
    with pytest.raises(CommandError, match="Tệp điểm niêm phong không hợp lệ"):
        call_command("audit", "verify", "--checkpoints", str(bad))
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("audit", "verify", "--checkpoints", str(tmp_path / "none.json"))


def test_an_exported_copy_with_a_forged_signature_is_not_trusted(tmp_path: Path) -> None:
    events(2)
    services.checkpoint_create()
    from hoso.audit.selectors import checkpoints_export

    data = checkpoints_export()
    data["checkpoints"][0]["event_count"] = 5
    exported = exported_checkpoints_load(json.dumps(data))
    report = chain_verify(exported=exported)
    assert [p.code for p in report.problems] == ["export_bad_signature"]


def test_verify_tells_the_age_of_the_last_seal_and_how_many_events_wait(capsys) -> None:
    events(3)
    call_command("audit", "checkpoint")
    events(2)
    capsys.readouterr()
    code, out, err = verify_command(capsys=capsys)
    assert code == 0 and err == ""
    assert re.fullmatch(
        r"Điểm niêm phong gần nhất: #1 lúc \d\d/\d\d/\d{4} \d\d:\d\d \(cách đây 0 phút\), "
        r"2 sự kiện sau đó chưa được niêm phong\.",
        out.splitlines()[1],
    )


def test_verify_warns_when_an_event_waited_longer_than_the_seal_schedule(
    settings, monkeypatch, capsys
) -> None:
    """Issue 15 finding 7: a node whose worker does not seal leaves its tail open to silent
    deletion; the auditor's check says so instead of a bare OK."""
    settings.HOSO_AUDIT_CHECKPOINT_SECONDS = 600
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - dt.timedelta(minutes=30))
    events(2)  # appended half an hour ago, never sealed
    monkeypatch.setattr(timezone, "now", real_now)
    code, out, err = verify_command(capsys=capsys)
    assert code == 0 and out.splitlines()[1] == (
        "Chưa có điểm niêm phong nào; 2 sự kiện chưa được niêm phong."
    )
    assert err.startswith("CẢNH BÁO: có sự kiện đã chờ niêm phong 30 phút, quá lịch niêm phong ")
    assert "mỗi 600 giây (HOSO_AUDIT_CHECKPOINT_SECONDS)" in err
    call_command("audit", "checkpoint")
    capsys.readouterr()
    code, out, err = verify_command(capsys=capsys)
    assert code == 0 and err == ""
    assert "0 sự kiện sau đó chưa được niêm phong" in out
