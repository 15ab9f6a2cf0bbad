"""The user guide (`docs/guide/*.md`, R-SKILLS), served by the node itself: the network is
closed, so the guide a clerk needs must be on the node they use.

A small, strict reading of the guide's Markdown: headings (`#`, `##`, `###`), paragraphs,
lists (`- `, `1. `), pictures `![text](img/NAME.png)` (static files of the node), links to
other guide files `[text](FILE.md)`, `**bold**` and `` `code` ``. Everything else is text:
each word is escaped before the few marks are turned into tags, so a guide file cannot put
HTML on a page. A link leaving the guide (another folder, a web address) is shown as its text
only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

README = "README"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,60}")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(img/([a-z0-9][a-z0-9-]{0,60})\.png\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_ORDERED = re.compile(r"\d{1,2}\. ")


def guide_dir() -> Path:
    default = Path(__file__).resolve().parents[4] / "docs" / "guide"
    return Path(getattr(settings, "HOSO_GUIDE_DIR", "") or default)


def topic_path(slug: str) -> Path | None:
    """The guide file of `slug` ("README" for the index); None if there is none."""
    if slug != README and not _SLUG.fullmatch(slug):
        return None
    path = guide_dir() / f"{slug}.md"
    return path if path.is_file() else None


def _link(match: re.Match[str]) -> str:
    text, target = match.group(1), match.group(2)
    target = target.replace("&amp;", "&")
    anchor = ""
    if target.startswith("#"):
        return f'<a href="{target}">{text}</a>' if _SLUG.fullmatch(target[1:]) else text
    if "#" in target:
        target, _, anchor = target.partition("#")
    if target.endswith(".md") and "/" not in target:
        slug = target[:-3]
        # A topic another team has not written yet reads as text until its file exists.
        if topic_path(slug) is not None:
            url = (
                reverse("web:guide") if slug == README else reverse("web:guide_topic", args=[slug])
            )
            if anchor and _SLUG.fullmatch(anchor):
                url += f"#{anchor}"
            return f'<a href="{url}">{text}</a>'
    return text


def _image(match: re.Match[str]) -> str:
    alt, name = match.group(1), match.group(2)
    url = static(f"guide/{name}.png")  # settings.STATICFILES_DIRS: docs/guide/img
    return (
        f'<figure class="guide-figure"><img src="{url}" alt="{alt}" loading="lazy">'
        f"<figcaption>{alt}</figcaption></figure>"
    )


def inline(text: str) -> SafeString:
    """One line of guide text as safe HTML (escaped first, then the marks)."""
    html = escape(text)
    html = _IMAGE.sub(_image, html)
    html = _LINK.sub(_link, html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _CODE.sub(r"<code>\1</code>", html)
    return mark_safe(html)  # noqa: S308 - every character came through escape()


@dataclass(frozen=True)
class GuideBlock:
    kind: str  # h1 h2 h3 p ul ol
    items: tuple[SafeString, ...]
    anchor: str = ""


def _anchor(text: str) -> str:
    from hoso.core.text import normalize

    return re.sub(r"[^a-z0-9]+", "-", normalize(text)).strip("-")[:60]


def render(text: str) -> tuple[GuideBlock, ...]:
    blocks: list[GuideBlock] = []
    para: list[str] = []
    items: list[str] = []
    ordered = False

    def flush() -> None:
        nonlocal ordered
        if para:
            joined = " ".join(para)
            kind = "figure" if _IMAGE.fullmatch(escape(joined)) else "p"
            blocks.append(GuideBlock(kind, (inline(joined),)))
            para.clear()
        if items:
            blocks.append(GuideBlock("ol" if ordered else "ul", tuple(inline(i) for i in items)))
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        heading = re.match(r"(#{1,3}) (.+)", line)
        if not line:
            flush()
        elif heading:
            flush()
            title = heading.group(2).strip()
            level = len(heading.group(1))
            blocks.append(GuideBlock(f"h{level}", (inline(title),), _anchor(title)))
        elif line.startswith("- ") or _ORDERED.match(line):
            is_ordered = not line.startswith("- ")
            if para or (items and is_ordered != ordered):
                flush()
            ordered = is_ordered
            items.append(line[2:].strip() if not is_ordered else _ORDERED.sub("", line, 1))
        elif items and raw[:1].isspace():
            items[-1] = f"{items[-1]} {line}"
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return tuple(blocks)


@lru_cache(maxsize=64)
def _rendered(path: str, mtime: float) -> tuple[GuideBlock, ...]:
    return render(Path(path).read_text(encoding="utf-8"))


def topic(slug: str) -> tuple[GuideBlock, ...] | None:
    path = topic_path(slug)
    if path is None:
        return None
    return _rendered(str(path), path.stat().st_mtime)


def title_of(blocks: tuple[GuideBlock, ...]) -> str:
    from django.utils.html import strip_tags

    first = next((b for b in blocks if b.kind == "h1"), None)
    return strip_tags(first.items[0]) if first else "Hướng dẫn sử dụng"
