"""The rules of docs/architecture.md that import-linter cannot see, checked on the syntax tree.

import-linter (the `[tool.importlinter]` contracts of pyproject.toml) sees modules; these rules
see names and calls: who reads the dossier tables, who writes, who touches the private reader
of dossier content. Pure `ast`, no Django: `check_tree(src)` walks `src/hoso` and returns every
`Violation` (file:line, rule, what). docs/decisions/0014-rules-held-by-tools.md says why.

Static checks guess a little: `.save()`/`.delete()` count as writes only when called the way a
model or a queryset is (no positional argument), `.update(` only on a chain that starts at
`.objects` or a queryset method, so `hashlib`'s and `dict`'s `update`, `Image.save(path)` and
`cache.delete(key)` stay out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Rules, by name.
DOSSIER_MODELS = "dossier-models"  # Person / section models' managers outside people
ORM_WRITES = "orm-writes"  # writes outside services
DOSSIER_DATA = "dossier-data"  # the private reader of whole dossiers
VIEW_ORM = "view-orm"  # queries in page views
DOMAIN_ADAPTERS = "domain-adapters"  # a domain app importing pages, the API or the demo

# `people.sections.SECTIONS[*].model`, plus Person (the test checks this list against the
# registry, so a new section model cannot slip past).
DOSSIER_MODEL_NAMES = frozenset(
    {
        "Person",
        "PositionAssignment",
        "SalaryHistory",
        "Training",
        "WorkHistory",
        "CareerEvent",
        "PartyMembership",
        "OrgMembership",
        "MilitaryService",
        "Award",
        "Discipline",
        "Evaluation",
        "HealthRecord",
        "PersonalHistory",
        "FamilyMember",
        "AssetDeclaration",
        "Assessment",
        "LegalRecord",
        "PlanningMembership",
    }
)
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})

# Where each rule does not apply (paths relative to src/, "/" at the end for a package).
DOSSIER_MODEL_HOMES = (
    "hoso/people/selectors.py",
    "hoso/people/selectors/",
    "hoso/people/services.py",
    "hoso/people/services/",
    # Statistics: they return counts over `access.policies.people_scope`, never content.
    "hoso/analytics/selectors.py",
    "hoso/analytics/selectors/",
)
DOSSIER_DATA_USERS = (
    "hoso/people/selectors.py",  # where it is defined
    "hoso/access/policies.py",
    "hoso/access/system.py",
    "hoso/people/services.py",
)
VIEWS = "hoso/web/views/"
DOMAIN_APPS = (
    "access",
    "audit",
    "catalog",
    "orgs",
    "people",
    "identity",
    "changes",
    "calendar",
    "signing",
    "documents",
    "exchange",
    "analytics",
    "rules",
    "procedures",
    "core",
)
ADAPTERS = ("hoso.web", "hoso.api", "hoso.demo")

WRITE_METHODS = frozenset(
    {"bulk_create", "bulk_update", "update_or_create", "get_or_create", "create_user"}
)
# Methods only a queryset has: a chain through one of them is a query.
QUERYSET_METHODS = frozenset(
    {
        "filter",
        "exclude",
        "select_for_update",
        "select_related",
        "prefetch_related",
        "annotate",
        "aggregate",
        "values_list",
        "order_by",
        "only",
        "defer",
    }
)
MODEL_SAVE_KEYWORDS = frozenset({"update_fields", "force_insert", "force_update", "using"})

# For good: the encryption key store creates its own data key the first time a field is
# encrypted (infrastructure, under whatever transaction is writing; no business rule).
ALLOWED = frozenset(
    {
        (ORM_WRITES, "hoso/core/crypto.py"),
        # `bagit.Bag.save()` writes a bag's tag manifests to disk, not a row.
        (ORM_WRITES, "hoso/exchange/archive/export.py"),
    }
)


# Violations tolerated for a while, by (rule, path): none. An entry that no longer matches
# anything fails the test, so none can linger.
KNOWN: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    rule: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.what}"


def _under(path: str, places: Iterable[str]) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in places)


def _is_migration(path: str) -> bool:
    return "/migrations/" in path


def _is_services(path: str) -> bool:
    """A module named `services`, or any module of a `services/` package."""
    parts = path.split("/")
    return parts[-1] == "services.py" or "services" in parts[:-1]


def _chain(node: ast.expr) -> Iterator[str]:
    """Attribute and method names of an expression, outermost first: for
    `Person.objects.filter(a=1).update(b=2)`'s func, `update, filter, objects, Person`."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            yield node.attr
            node = node.value
        elif isinstance(node, ast.Name):
            yield node.id
            return
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return


def _module_of(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, path: str) -> str:
    if not node.level:
        return node.module or ""
    package = _module_of(path).split(".")
    if not path.endswith("__init__.py"):
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imported(node: ast.Import | ast.ImportFrom, path: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    module = _absolute(node, path)
    return [module, *(f"{module}.{alias.name}" for alias in node.names)]


def check_source(path: str, source: str) -> list[Violation]:
    """Every violation in one module; `path` is relative to the source root (hoso/...)."""
    if _is_migration(path):
        return []
    tree = ast.parse(source, filename=path)
    found: list[Violation] = []

    def report(node: ast.AST, rule: str, what: str) -> None:
        found.append(Violation(path, getattr(node, "lineno", 0), rule, what))

    app = path.split("/")[1] if path.count("/") >= 2 else ""
    in_views = path.startswith(VIEWS)
    may_read_dossier_models = _under(path, DOSSIER_MODEL_HOMES)
    may_write = _is_services(path)
    may_use_dossier_data = path in DOSSIER_DATA_USERS

    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = _imported(node, path)
            if app in DOMAIN_APPS:
                for module in modules:
                    if any(module == a or module.startswith(a + ".") for a in ADAPTERS):
                        report(node, DOMAIN_ADAPTERS, f"hoso.{app} imports {module}")
                        break
            if (
                not may_use_dossier_data
                and isinstance(node, ast.ImportFrom)
                and any(alias.name == "_dossier_data" for alias in node.names)
            ):
                report(node, DOSSIER_DATA, f"imports _dossier_data from {modules[0]}")
        elif isinstance(node, ast.Attribute):
            if node.attr == "_dossier_data" and not may_use_dossier_data:
                report(node, DOSSIER_DATA, "uses _dossier_data")
            if node.attr in MANAGERS:
                owner = next(_chain(node.value), "")
                if owner in DOSSIER_MODEL_NAMES and not may_read_dossier_models:
                    report(node, DOSSIER_MODELS, f"{owner}.{node.attr} outside people")
                if in_views:
                    report(node, VIEW_ORM, f"{owner}.{node.attr} in a view")
        elif isinstance(node, ast.Name):
            if node.id == "_dossier_data" and not may_use_dossier_data:
                report(node, DOSSIER_DATA, "uses _dossier_data")
        elif isinstance(node, ast.Constant):
            if node.value == "_dossier_data" and not may_use_dossier_data:
                report(node, DOSSIER_DATA, "names _dossier_data in a string")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if in_views and method in QUERYSET_METHODS:
                report(node, VIEW_ORM, f".{method}() in a view")
            if not may_write and _is_write(node):
                report(node, ORM_WRITES, f".{method}() outside services")
    return sorted(found)


def _is_write(call: ast.Call) -> bool:
    assert isinstance(call.func, ast.Attribute)
    method = call.func.attr
    receiver = list(_chain(call.func.value))
    if method in WRITE_METHODS:
        return True
    if method in {"save", "delete"}:
        # A model's save()/delete() and a queryset's delete() take no positional argument;
        # files, images, PDFs and caches (`img.save(path)`, `cache.delete(key)`) do.
        return not call.args and all(k.arg in MODEL_SAVE_KEYWORDS for k in call.keywords)
    if method in {"create", "update"}:
        return bool(receiver) and (
            receiver[0] in MANAGERS
            or receiver[0] in QUERYSET_METHODS
            or (method == "update" and any(name in MANAGERS for name in receiver))
        )
    return False


def check_tree(src: Path) -> list[Violation]:
    """Every violation under `src/hoso`, sorted by file and line."""
    found: list[Violation] = []
    for file in sorted((src / "hoso").rglob("*.py")):
        path = file.relative_to(src).as_posix()
        found.extend(check_source(path, file.read_text(encoding="utf-8")))
    return found


def unexpected(
    found: Iterable[Violation], known: frozenset[tuple[str, str]] = KNOWN
) -> tuple[list[Violation], list[tuple[str, str]]]:
    """(violations neither allowed nor `known`, entries of `known` that matched nothing)."""
    found = [v for v in found if (v.rule, v.path) not in ALLOWED]
    new = [v for v in found if (v.rule, v.path) not in known]
    seen = {(v.rule, v.path) for v in found}
    return new, sorted(known - seen)
