"""The registry of decision effects (`hoso.changes.effects`): every type of the
``decision_type`` catalog has exactly one registered effect (or is record-only, with a
reason), each effect lives in its decision group's module, and no group module holds an
effect the registry does not name (docs/howto/add-a-decision-type.md)."""

import inspect
from types import ModuleType

from hoso.catalog.selectors import codes
from hoso.changes import effects
from hoso.changes.effects import (
    discipline,
    evaluation,
    history,
    leaving,
    moves,
    posts,
    salary,
    training,
)

GROUPS: tuple[ModuleType, ...] = (
    training,
    posts,
    moves,
    leaving,
    salary,
    evaluation,
    discipline,
    history,
)


def _group_effects(module: ModuleType) -> set:
    """The public functions of a group module taking (decision, data, params)."""
    return {
        func
        for name, func in vars(module).items()
        if inspect.isfunction(func)
        and func.__module__ == module.__name__
        and not name.startswith("_")
        and list(inspect.signature(func).parameters) == ["decision", "data", "params"]
    }


def test_every_catalog_decision_type_has_exactly_one_effect_or_is_record_only(db):
    catalog = codes("decision_type")
    for code in sorted(catalog):
        registered = (code in effects.EFFECTS) + (code in effects.RECORD_ONLY)
        assert registered == 1, f"Loại quyết định «{code}»: {registered} đăng ký (cần đúng 1)"
    assert not set(effects.EFFECTS) - catalog, "hàm tác động cho mã không có trong danh mục"
    assert not set(effects.RECORD_ONLY) - catalog, "mã chỉ lưu không có trong danh mục"
    assert all(reason.strip() for reason in effects.RECORD_ONLY.values())


def test_every_effect_lives_in_a_group_module_and_every_group_effect_is_registered():
    modules = {m.__name__ for m in GROUPS}
    registered = set(effects.EFFECTS.values())
    for code, func in effects.EFFECTS.items():
        assert func.__module__ in modules, f"«{code}»: {func.__module__} không phải nhóm quyết định"
    in_groups = set().union(*(_group_effects(m) for m in GROUPS))
    orphans = sorted(f"{f.__module__}.{f.__name__}" for f in in_groups - registered)
    assert not orphans, f"hàm tác động không có trong danh mục đăng ký: {orphans}"
