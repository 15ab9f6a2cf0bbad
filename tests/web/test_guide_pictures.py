"""The user guide's pictures (docs/guide/img) are the ones its pages name, and every one is
taken by a browser test (`guide_shot`), so none goes stale unseen (R-SKILLS)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser import GUIDE_IMAGES

ROOT = Path(__file__).resolve().parents[2]
PICTURE = re.compile(r"!\[[^\]]*\]\(img/([^)]+)\.png\)")
SHOT = re.compile(r"""guide_shot\([^,]+,\s*(f?)["']([^"']+)["']""")


def _named_in_guide() -> set[str]:
    return {
        m for md in (ROOT / "docs" / "guide").glob("*.md") for m in PICTURE.findall(md.read_text())
    }


def _taken_by_tests() -> set[str]:
    names = set()
    for test in (ROOT / "tests").rglob("test_*.py"):
        for prefix, name in SHOT.findall(test.read_text()):
            names.add(name.split("{")[0] + "*" if prefix else name)
    return names


def test_every_picture_the_guide_shows_exists():
    missing = sorted(n for n in _named_in_guide() if not (GUIDE_IMAGES / f"{n}.png").is_file())
    assert not missing, f"guide pictures not in docs/guide/img: {missing}"


def test_every_picture_of_the_guide_is_taken_by_a_browser_test():
    taken = _taken_by_tests()
    exact = {t for t in taken if not t.endswith("*")}
    prefixes = tuple(t[:-1] for t in taken if t.endswith("*"))
    untaken = sorted(
        n for n in _named_in_guide() if n not in exact and not (prefixes and n.startswith(prefixes))
    )
    assert not untaken, f"guide pictures no browser test takes (guide_shot): {untaken}"
