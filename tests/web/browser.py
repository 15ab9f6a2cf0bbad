"""What the browser tests share besides fixtures (those are in conftest.py): Debian's chromium
(never downloaded), where screenshots go, and signing in as a person does."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The user guide's pictures (docs/guide/): taken by the browser tests, kept in the repository.
GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"

# The marks of every browser test module: `pytestmark = BROWSER`.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def sign_in(page: Any, username: str, key: bytes, shots: str = "") -> None:
    """Both login steps, as a person does: the password, then the code of the app."""
    from django_otp.oath import totp
    from playwright.sync_api import expect

    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    if shots:
        page.screenshot(path=str(ARTIFACTS / f"{shots}-login.png"), full_page=True)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Mã xác thực (OTP)")).to_be_visible()
    page.get_by_label("Mã xác thực (OTP)").fill(f"{totp(key):06d}")
    if shots:
        page.screenshot(path=str(ARTIFACTS / f"{shots}-otp.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận").click()


def shooter(prefix: str) -> Callable[[Any, str], None]:
    """`shot = shooter("security")`; `shot(page, "alerts")` saves the whole page as
    test-artifacts/security-alerts.png."""

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{prefix}-{name}.png"), full_page=True)

    return shot


def guide_shot(page: Any, name: str) -> None:
    """The picture NAME of the user guide (R-SKILLS), taken by the test that walks the page.

    Saved to test-artifacts/guide/NAME.png on every run; with HOSO_GUIDE_SHOTS=1 also to
    docs/guide/img/NAME.png, the copy the guide shows and the repository keeps
    (`HOSO_GUIDE_SHOTS=1 ./dev test -m browser` refreshes them after a page changed), so
    that an ordinary test run leaves the working tree clean."""
    out = ARTIFACTS / "guide"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=False)
    if os.environ.get("HOSO_GUIDE_SHOTS") == "1":
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(GUIDE_IMAGES / f"{name}.png"), full_page=False)
