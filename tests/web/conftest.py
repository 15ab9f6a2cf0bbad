"""Fixtures of the page tests: a fresh catalog cache for each test, a client signed in as a
persona, the employee's own account; and for the browser tests a live node, the personas'
second factor and a page of Debian's chromium (helpers in `tests/web/browser.py`)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.web.browser import CHROMIUM

from conftest import employee_account, login, purge_audit


@pytest.fixture(autouse=True)
def fresh_catalog_cache():
    # Catalog names and attributes are cached per process; a test elsewhere that loaded other
    # catalog data inside its rolled-back transaction must not leak them into these pages.
    from hoso.catalog.selectors import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def as_(client, personas):
    """`as_("quanly")` is the test client logged in as that persona (or as a given user),
    through both steps of the login: the password, then the one-time code."""

    def signed(who):
        return login(client, personas[who] if isinstance(who, str) else who)

    return signed


@pytest.fixture
def employee(people):
    """Nguyễn Văn An's own account: the employee duty, linked to his dossier (`people["an"]`
    of the module)."""
    return employee_account(people["an"], "nguyenvanan")


# --- The browser --------------------------------------------------------------------------------


@pytest.fixture
def node(transactional_db, live_server, settings):
    """A live node with catalogs loaded.

    Transactional tests flush every table afterwards, so the catalogs loaded once per session
    may be gone: load them again (loading is idempotent) and forget cached names. The audit
    tables are append-only: emptied past their triggers so that the flush may run.
    """
    from hoso.catalog.selectors import clear_cache
    from hoso.catalog.services import catalog_load_builtin

    catalog_load_builtin()
    clear_cache()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield live_server
    purge_audit()


@pytest.fixture
def people(node, personas, make_dossier):
    """The personas and two dossiers on the live node, written before the browser starts: the
    test body then makes no database call of its own while Playwright's event loop runs in
    this thread. Page test modules define their own `people`."""
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14)),
        "hoa": make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA"),
    }


@pytest.fixture
def totp_keys(people, personas):
    """Each persona's TOTP key, enrolled before the browser starts (codes are then computed
    without the database, as the person's authenticator app does)."""
    from hoso.access.services import totp_enrol

    return {
        name: totp_enrol(acting_user=None, user=user)[0].bin_key for name, user in personas.items()
    }


@pytest.fixture
def keys(totp_keys, people):
    """The personas' keys and that of the employee's own account (`people["owner"]`)."""
    from hoso.access.services import totp_enrol

    return {
        **totp_keys,
        "nguyenvanan": totp_enrol(acting_user=None, user=people["owner"])[0].bin_key,
    }


@pytest.fixture
def browser_page(people):
    from playwright.sync_api import expect, sync_playwright

    # CI runs the SQLite and PostgreSQL suites side by side on two cores: a page may take
    # seconds to answer there, so assertions wait longer than Playwright's 5 s (a passing
    # assertion returns as soon as it holds, so this costs nothing when the machine is idle).
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        yield page
        context.close()
        browser.close()
