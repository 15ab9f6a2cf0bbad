"""The page's help text (R-SKILLS: the software should teach itself): one file per page,
`hoso/web/help/<url name>.md`, shown by base.html in a collapsible "Hướng dẫn" box.

The files are plain text: paragraphs separated by a blank line, and simple lists whose lines
start with "- ". Nothing in them is HTML — the template escapes every word. Each file is read
once per process (`help_blocks` is cached); a page without a file shows no box (and
tests/web/test_help.py fails for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django import template

HELP_DIR = Path(__file__).resolve().parent.parent / "help"
# Endpoints that never show a page of their own (downloads, a sign-out that redirects, a
# fragment): no help file is needed for them.
NOT_PAGES = frozenset(
    {
        "logout",
        "component_copy",
        "component_status",  # a fragment of the documents page, polled while a scan works
        "resume_copy",
        "audit_export",
        "stats_report",
        "entry_units",  # the unit search of the entry forms (JSON)
    }
)

register = template.Library()


@dataclass(frozen=True)
class Block:
    kind: str  # "p" or "ul"
    lines: tuple[str, ...]


def parse(text: str) -> tuple[Block, ...]:
    """Paragraphs and "- " lists; a list item may wrap onto lines indented below it."""
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("p", (" ".join(para),)))
            para.clear()
        if items:
            blocks.append(Block("ul", tuple(items)))
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("- "):
            if para:
                flush()
            items.append(line[2:].strip())
        elif items and raw[:1].isspace():
            items[-1] = f"{items[-1]} {line}"
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return tuple(blocks)


def help_path(url_name: str) -> Path | None:
    """The help file of a page's URL name (`web:` left off); None for a name that could
    leave the folder."""
    if not url_name or not url_name.replace("_", "").isalnum():
        return None
    return HELP_DIR / f"{url_name}.md"


@lru_cache(maxsize=256)
def help_blocks(url_name: str) -> tuple[Block, ...]:
    path = help_path(url_name)
    if path is None or not path.is_file():
        return ()
    return parse(path.read_text(encoding="utf-8"))


@register.simple_tag(takes_context=True)
def page_help(context: template.Context) -> tuple[Block, ...]:
    request: Any = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "web":
        return ()
    return help_blocks(match.url_name or "")
