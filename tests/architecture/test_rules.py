"""The shape of docs/architecture.md, held: the AST rules (`rules.py`) and import-linter's
contracts (pyproject.toml) pass on the tree, and each fails on a deliberate violation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import rules
from hoso.people.sections import SECTIONS
from rules import (
    DOMAIN_ADAPTERS,
    DOSSIER_DATA,
    DOSSIER_MODELS,
    ORM_WRITES,
    VIEW_ORM,
    check_source,
    check_tree,
    unexpected,
)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


def _rules_of(path: str, source: str) -> set[str]:
    return {v.rule for v in check_source(path, textwrap.dedent(source))}


# --- the tree ---------------------------------------------------------------------------------


def test_the_tree_keeps_the_rules() -> None:
    new, stale = unexpected(check_tree(SRC))
    assert not new, "Vi phạm quy tắc kiến trúc:\n" + "\n".join(map(str, new))
    assert not stale, f"rules.KNOWN lists what the tree no longer does; delete: {stale}"


def test_the_rules_know_every_dossier_model() -> None:
    models = {section.model.__name__ for section in SECTIONS} | {"Person"}
    assert models == rules.DOSSIER_MODEL_NAMES


def test_the_tree_keeps_the_import_contracts() -> None:
    result = _lint(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# --- deliberate violations: the AST rules -----------------------------------------------------


def test_a_view_reading_the_private_dossier_reader_fails() -> None:
    assert DOSSIER_DATA in _rules_of(
        "hoso/web/views/leak.py",
        """
        from hoso.people.selectors import _dossier_data

        def page(request, person):
            return _dossier_data(person)
        """,
    )
    assert DOSSIER_DATA in _rules_of(
        "hoso/api/leak.py",
        """
        from hoso.people import selectors

        def handler(request, person):
            return selectors._dossier_data(person)
        """,
    )
    assert DOSSIER_DATA in _rules_of(
        "hoso/documents/leak.py", 'reader = getattr(selectors, "_dossier_data")'
    )


def test_the_three_readers_of_whole_dossiers_may_use_it() -> None:
    for path in rules.DOSSIER_DATA_USERS:
        assert not _rules_of(path, "from hoso.people.selectors import _dossier_data")


def test_a_domain_app_importing_the_pages_fails() -> None:
    for source in (
        "from hoso.web import views",
        "import hoso.api.people",
        "from hoso.demo.setup import demo_setup",
        "from ..web.readers import x",
        "def f():\n    from hoso.web.presenters import y\n",
    ):
        assert DOMAIN_ADAPTERS in _rules_of("hoso/changes/leak.py", source), source
    assert not _rules_of("hoso/web/views/people.py", "from hoso.web import readers")
    assert not _rules_of("hoso/changes/fine.py", "from hoso.people import selectors")


def test_dossier_models_outside_people_fail() -> None:
    found = _rules_of(
        "hoso/web/views/people.py",
        """
        from hoso.people import models as m
        from hoso.people.models import Person

        def page(request, pk):
            return Person.objects.get(pk=pk), m.Training.objects.all()
        """,
    )
    assert found == {DOSSIER_MODELS, VIEW_ORM}
    assert DOSSIER_MODELS in _rules_of("hoso/changes/x.py", "Award._default_manager.count()")
    for home in ("hoso/people/selectors.py", "hoso/people/services.py"):
        assert not _rules_of(home, "Person.objects.filter(a=1).first()")
    assert not _rules_of("hoso/people/services.py", "Person.objects.filter(a=1).update(b=2)")
    # A selector reads: even there, a write is one.
    assert _rules_of("hoso/people/selectors.py", "Person.objects.update(b=2)") == {ORM_WRITES}
    assert not _rules_of("hoso/analytics/selectors/counts.py", "Person.objects.count()")
    assert not _rules_of("hoso/people/migrations/0002_x.py", "Person.objects.update(a=1)")


def test_writes_outside_services_fail() -> None:
    for source in (
        "obj.save()",
        "obj.save(update_fields=['a'])",
        "obj.delete()",
        "Alert.objects.filter(a=1).delete()",
        "Alert.objects.create(kind='x')",
        "Alert.objects.filter(a=1).update(b=2)",
        "Alert.objects.select_for_update().filter(a=1).update(b=2)",
        "Alert.objects.update(b=2)",
        "Alert.objects.bulk_create(rows)",
        "Alert.objects.get_or_create(kind='x')",
        "Alert.objects.update_or_create(kind='x')",
    ):
        assert _rules_of("hoso/documents/fixity.py", source) == {ORM_WRITES}, source
        assert not _rules_of("hoso/documents/services.py", source), source
        assert not _rules_of("hoso/documents/services/fixity.py", source), source


def test_what_only_looks_like_a_write_passes() -> None:
    assert not _rules_of(
        "hoso/documents/stamping.py",
        """
        import hashlib

        digest = hashlib.sha256()
        digest.update(b"x")
        context = {}
        context.update(a=1)
        image.save(buffer, format="PNG")
        pdf.save(out)
        cache.delete("key")
        zipfile.ZipFile(path).open("a")
        """,
    )


def test_queries_in_views_fail() -> None:
    assert _rules_of(
        "hoso/web/views/grants.py", "rows = grants.filter(active=True).order_by('-id')"
    ) == {VIEW_ORM}
    assert _rules_of("hoso/web/views/grants.py", "AccessGrant.objects.all()") == {VIEW_ORM}
    assert not _rules_of("hoso/web/presenters/grants.py", "rows = grants.filter(active=True)")


def test_a_known_entry_that_no_longer_matches_is_reported() -> None:
    found = check_source("hoso/web/views/x.py", "Consent.objects.all()")
    new, stale = unexpected(
        found, frozenset({(VIEW_ORM, "hoso/web/views/x.py"), (VIEW_ORM, "hoso/web/views/y.py")})
    )
    assert new == [] and stale == [(VIEW_ORM, "hoso/web/views/y.py")]
    new, stale = unexpected(found, frozenset())
    assert [str(v) for v in new] == ["hoso/web/views/x.py:1: [view-orm] Consent.objects in a view"]


# --- deliberate violations: import-linter -----------------------------------------------------


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)  # a JSON string or list is valid TOML here


def _fake_project(tmp_path: Path) -> Path:
    """A package `hoso` with every module the contracts name, and the project's contracts
    without their "known, being removed" ignores (they name modules the fake lacks)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    linter = config["tool"]["importlinter"]
    lines = ["[tool.importlinter]"]
    lines += [f"{k} = {_toml(v)}" for k, v in linter.items() if k != "contracts"]
    modules: set[str] = set()
    for contract in linter["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        for key, value in contract.items():
            if key == "ignore_imports":
                continue
            lines.append(f"{key} = {_toml(value)}")
            for item in value if isinstance(value, list) else []:
                for name in item.replace(":", "|").split("|"):
                    name = name.strip().strip("()")
                    if name.startswith("hoso"):
                        modules.add(name)
    (tmp_path / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in modules | {"hoso"}:
        package = tmp_path.joinpath(*name.split("."))
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").touch()
    return tmp_path


def _lint(project: Path, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    """lint-imports on `project`'s pyproject, in a fresh interpreter: it reconfigures logging
    (silencing every other logger) and sys.path, and there the `hoso` of `path` is found."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command;"
            " sys.exit(lint_imports_command(['--no-cache']))",
        ],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(path or project)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_fail_on_a_domain_app_importing_the_pages(tmp_path: Path) -> None:
    project = _fake_project(tmp_path)
    clean = _lint(project)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    (project / "hoso" / "documents" / "leak.py").write_text("from hoso.web import views\n")
    (project / "hoso" / "web" / "views.py").write_text("")
    broken = _lint(project)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Domain apps never import the pages, the API or the demo BROKEN" in broken.stdout
    assert "hoso.documents.leak -> hoso.web.views" in broken.stdout


def test_the_contracts_fail_on_an_import_loop_and_on_django_in_pure_code(tmp_path: Path) -> None:
    project = _fake_project(tmp_path)
    (project / "hoso" / "catalog" / "a.py").write_text("from hoso.calendar import b\n")
    (project / "hoso" / "calendar" / "b.py").write_text("from hoso.catalog import a\n")
    (project / "hoso" / "identity" / "__init__.py").write_text("import django\n")
    broken = _lint(project)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "No import loops, between apps or between the modules of a package BROKEN" in (
        broken.stdout
    )
    assert "Pure domain code imports no Django BROKEN" in broken.stdout
