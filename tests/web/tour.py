"""The browser tour: visit pages as a person does and fail on any English code or identifier
a person would see (issue 16, item 3; R-CLEAN: Vietnamese first for every user-visible text).

Reusable: `Vocabulary.from_database()` gathers the codes people must never read bare (read it
before the browser starts: Django refuses database calls inside Playwright's event loop), and
`leaks(page, vocabulary)` lists what a rendered page shows of them. A new page joins the tour
by adding its address to `EXTRA_PAGES` of tests/web/test_tour_browser.py, or by a menu link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Technical words a Vietnamese page may show as they are.
ALLOWED = frozenset(
    {
        "PDF", "PDF/A", "API", "CSV", "JSON", "OTP", "TOTP", "ID", "OCR", "SHA-256", "URL",
        "HTTP", "HTTPS", "BagIt", "PREMIS", "CMS", "QR", "base32",
    }
)
SNAKE = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
WORD = re.compile(r"(?<![\w/.@-])[a-z]{3,}(?![\w/@-])")
# Vietnamese words written without diacritics that are also code values: not leaks.
VIETNAMESE = frozenset({"mat", "ban", "con", "hoa", "doan"})


@dataclass
class Vocabulary:
    english: set[str] = field(default_factory=set)  # single-word codes ("resume", "good")
    coded_labels: dict[str, set[str]] = field(default_factory=dict)  # label → raw codes

    @classmethod
    def from_database(cls) -> Vocabulary:
        """Every code a model's choices, a catalog, an audit purpose or a role may store."""
        from django.apps import apps

        from hoso.audit.purposes import PURPOSES
        from hoso.catalog.models import CatalogEntry
        from hoso.orgs.models import JobPosition
        from hoso.people.sections import SECTIONS
        from hoso.people.selectors import DISPLAY_CATALOGS
        from hoso.people.validation import CODED_FIELDS

        codes: set[str] = set(PURPOSES)
        for model in apps.get_models():
            for f in model._meta.get_fields():
                for value, _label in getattr(f, "choices", None) or []:
                    if isinstance(value, str):
                        codes.add(value)
        by_catalog: dict[str, set[str]] = {}
        for catalog, code in CatalogEntry.objects.values_list("catalog_id", "code"):
            by_catalog.setdefault(catalog, set()).add(code)
            codes.add(code)
        english = {
            c for c in codes if re.fullmatch(r"[a-z]{3,}", c) and c not in VIETNAMESE
        }
        # Labels of coded fields (dossier pages pair them with their value).
        labels: dict[str, set[str]] = {}
        coded = {**CODED_FIELDS, **DISPLAY_CATALOGS}
        for section in SECTIONS:
            for name in section.fields:
                label = str(section.model._meta.get_field(name).verbose_name)
                if (section.key, name) in coded:
                    labels.setdefault(label, set()).update(
                        by_catalog.get(coded[(section.key, name)], set())
                    )
                elif name.endswith("_code"):
                    labels.setdefault(label, set()).update(
                        by_catalog.get("province_old", set()) | by_catalog.get("province", set())
                    )
                elif name == "job_position":
                    labels.setdefault(label, set()).update(
                        JobPosition.objects.values_list("code", flat=True)
                    )
        return cls(english=english, coded_labels=labels)


# What the page shows: its visible text, the texts of attributes a person meets (tooltips,
# placeholders, option labels), and (label, value) pairs of definition lists and tables.
_PAGE_TEXT = """() => {
  const visible = document.body.innerText;
  const attrs = [];
  for (const el of document.querySelectorAll('[title],[placeholder],[aria-label],img[alt]')) {
    for (const a of ['title', 'placeholder', 'aria-label', 'alt']) {
      const v = el.getAttribute(a); if (v) attrs.push(v);
    }
  }
  for (const o of document.querySelectorAll('option')) attrs.push(o.textContent);
  const pairs = [];
  for (const dt of document.querySelectorAll('dt')) {
    const dd = dt.nextElementSibling;
    if (dd && dd.tagName === 'DD') pairs.push([dt.innerText.trim(), dd.innerText.trim()]);
  }
  for (const table of document.querySelectorAll('table')) {
    const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
    for (const tr of table.querySelectorAll('tbody tr')) {
      [...tr.children].forEach((td, i) => {
        if (heads[i]) pairs.push([heads[i], td.innerText.trim()]);
      });
    }
  }
  return {visible, attrs, pairs};
}"""


def page_texts(page) -> dict:
    return page.evaluate(_PAGE_TEXT)


def text_leaks(text: str, vocabulary: Vocabulary) -> list[str]:
    """English identifiers in a text: snake_case tokens and single-word codes."""
    found = [t for t in SNAKE.findall(text) if t not in ALLOWED]
    found += [w for w in WORD.findall(text) if w in vocabulary.english and w not in ALLOWED]
    return found


def pair_leaks(pairs: list[list[str]], vocabulary: Vocabulary) -> list[str]:
    """A coded field whose value is its bare code ("Quốc tịch: VN")."""
    out = []
    for label, value in pairs:
        raw = vocabulary.coded_labels.get(label)
        if raw and value in raw:
            out.append(f"{label}: {value}")
    return out


def leaks(page, vocabulary: Vocabulary) -> list[str]:
    texts = page_texts(page)
    found = text_leaks(texts["visible"], vocabulary)
    for text in texts["attrs"]:
        found += text_leaks(text, vocabulary)
    found += pair_leaks(texts["pairs"], vocabulary)
    return sorted(set(found))
