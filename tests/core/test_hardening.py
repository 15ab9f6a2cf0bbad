"""Hardening (R-LAYERS): headers, network allowlist, production checks, no outside calls."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client, override_settings

SRC = Path(__file__).resolve().parents[2] / "src" / "hoso"


def test_every_response_carries_a_strict_csp_and_security_headers(db):
    response = Client().get("/api/v1/openapi.json")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Correlation-Id"]


def test_clients_outside_the_allowed_networks_are_refused(db):
    with override_settings(HOSO_ALLOWED_NETWORKS=["10.20.0.0/16"]):
        from django.urls import clear_url_caches

        clear_url_caches()
        refused = Client(REMOTE_ADDR="192.0.2.7").get("/api/v1/openapi.json")
        allowed = Client(REMOTE_ADDR="10.20.3.4").get("/api/v1/openapi.json")
    assert refused.status_code == 403
    assert "mạng được phép" in refused.content.decode()
    assert allowed.status_code == 200


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(secrets.token_urlsafe(64))
    env = {
        **os.environ,
        "HOSO_DATA_DIR": str(tmp_path),
        "HOSO_PRODUCTION": "true",
        "HOSO_SECRET_KEY_FILE": str(secret),
        "HOSO_AUDIT_KEY_FILE": str(tmp_path / "audit.pem"),
        "HOSO_MASTER_KEY_FILE": str(tmp_path / "master.key"),
        "HOSO_ALLOWED_HOSTS": "hoso.noibo.gov.vn",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "hoso.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    env = {**os.environ, "HOSO_DATA_DIR": str(tmp_path), "HOSO_PRODUCTION": "true"}
    for name in ("HOSO_SECRET_KEY", "HOSO_SECRET_KEY_FILE", "DATABASE_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "hoso.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "HOSO_SECRET_KEY" in result.stderr


def test_nothing_served_loads_from_outside_the_node():
    outside = re.compile(r"""(src|href)=["']?(https?:)?//""")
    for path in list((SRC / "web" / "templates").rglob("*.html")):
        assert not outside.search(path.read_text(encoding="utf-8")), path
    for path in (SRC / "web" / "static").rglob("*"):
        if path.suffix in {".css", ".js"} and "htmx" not in path.name:
            assert "http://" not in path.read_text(encoding="utf-8", errors="ignore"), path
