"""`hoso signing verify | demo-ca`, run through Django's call_command (no database)."""

from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from signing_support import (  # noqa: F401 - fixtures
    DOCUMENT,
    FULL_NAME,
    Pki,
    fixture_pki,
    flip,
)

from hoso.signing.canonical import canonical
from hoso.signing.cms import serial_hex, sign_json, verify_json
from hoso.signing.keys import FileSigningKey, certificates_load
from hoso.signing.management.commands.signing import Command


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(Command(), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def files(pki: Pki, tmp_path: Path) -> dict[str, Path]:
    data, signature = tmp_path / "data.json", tmp_path / "sig.der"
    data.write_bytes(canonical(DOCUMENT))
    signature.write_bytes(sign_json(DOCUMENT, pki.key).der)
    return {"data": data, "signature": signature, "ca": pki.ca.cert_path}


def _verify_args(files: dict[str, Path], ca: Path | None = None) -> list[str]:
    return [
        "verify",
        "--data",
        str(files["data"]),
        "--signature",
        str(files["signature"]),
        "--ca",
        str(ca or files["ca"]),
    ]


def test_verify_prints_the_signer_and_exits_0(files: dict[str, Path], pki: Pki) -> None:
    code, out, err = run(*_verify_args(files))
    assert code == 0, err
    assert out.startswith("HỢP LỆ")
    assert f"Người ký: {FULL_NAME} (tên đăng nhập tuyet.nt)" in out
    assert serial_hex(pki.signer.certificate) in out
    assert "Thời điểm ký (người ký khai): " in out and "(giờ Việt Nam)" in out


def test_verify_of_changed_data_explains_in_vietnamese_and_exits_1(
    files: dict[str, Path],
) -> None:
    files["data"].write_bytes(flip(files["data"].read_bytes(), 5))
    code, out, err = run(*_verify_args(files))
    assert code == 1
    assert err.startswith("KHÔNG HỢP LỆ")
    assert "Dữ liệu đã bị thay đổi sau khi ký" in err and "[data_changed]" in err


def test_verify_against_another_ca_exits_1(files: dict[str, Path], pki: Pki) -> None:
    code, _, err = run(*_verify_args(files, ca=pki.other_ca.cert_path))
    assert code == 1
    assert "không do tổ chức chứng thực được tin cậy cấp" in err


def test_verify_accepts_a_pem_signature(files: dict[str, Path], pki: Pki) -> None:
    files["signature"].write_text(sign_json(DOCUMENT, pki.key).pem(), encoding="ascii")
    code, _, err = run(*_verify_args(files))
    assert code == 0, err


def test_verify_of_a_missing_file_is_a_clear_error(files: dict[str, Path], tmp_path: Path) -> None:
    files["signature"] = tmp_path / "missing.der"
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        run(*_verify_args(files))


def test_demo_ca_issues_certificates_that_sign_and_verify(tmp_path: Path) -> None:
    output = tmp_path / "demo"
    code, out, _ = run(
        "demo-ca",
        "--output",
        str(output),
        "--signer",
        "tuyet.nt=Nguyễn Thị Ánh Tuyết",
        "--signer",
        "duc.tv=Trần Văn Đức",
        "--organization",
        "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "--key-algorithm",
        "ec-p256",
    )
    assert code == 0
    assert "Đã cấp chứng thư cho Trần Văn Đức (duc.tv)" in out
    for path in (output / "ca" / "ca.key.pem", output / "signers" / "duc.tv.key.pem"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = FileSigningKey.from_files(
        output / "signers" / "duc.tv.key.pem", output / "signers" / "duc.tv.cert.pem"
    )
    roots = certificates_load(output / "ca" / "ca.cert.pem")
    result = verify_json(DOCUMENT, sign_json(DOCUMENT, key), roots)
    assert result.valid and result.signer_name == "Trần Văn Đức"


def test_demo_ca_refuses_to_overwrite(tmp_path: Path) -> None:
    run("demo-ca", "--output", str(tmp_path), "--key-algorithm", "ec-p256")
    with pytest.raises(CommandError, match="đã tồn tại"):
        run("demo-ca", "--output", str(tmp_path), "--key-algorithm", "ec-p256")


def test_demo_ca_is_refused_in_production(settings, tmp_path: Path) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="môi trường chính thức"):
        run("demo-ca", "--output", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_demo_ca_encrypts_keys_with_a_passphrase_file(tmp_path: Path) -> None:
    secret = tmp_path / "passphrase"
    secret.write_text("mật khẩu thử nghiệm\n", encoding="utf-8")
    output = tmp_path / "demo"
    run(
        "demo-ca",
        "--output",
        str(output),
        "--signer",
        "an.nv",
        "--key-algorithm",
        "ec-p256",
        "--passphrase-file",
        str(secret),
    )
    key_file = output / "signers" / "an.nv.key.pem"
    assert key_file.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    key = FileSigningKey.from_files(
        key_file, output / "signers" / "an.nv.cert.pem", passphrase="mật khẩu thử nghiệm"
    )
    assert key.certificate.subject.rfc4514_string().endswith("CN=an.nv,O=Cơ quan thử nghiệm,C=VN")
