"""OCR-assisted consistency between scans and the e-dossier (R-DISCREPANCY, R-DIGITIZE).

From the OCR text of a scanned résumé (Mẫu 2C-BNV/2008), personal history book or personnel
decision, `extract_fields` reads a few key fields (full name, birth date, personal id, old id
card number, decision number and date). `component_check` compares them with the e-dossier
and records each difference as a `ConsistencyFinding` **proposed** to a person: OCR misreads,
so a finding is never a discrepancy by itself. A person who may see the scan confirms it
(`finding_confirm`: it becomes a discrepancy report through
`hoso.changes.services.discrepancies`, with its freeze of paper-based approvals) or
dismisses it with a reason (`finding_dismiss`).

Reading is deliberately forgiving and comparing deliberately cautious:
- labels are matched without diacritics, case or extra spaces, and values are cut out of the
  text as read (NFC), so "Ho va ten khai sinh" and "Họ và tên khai sinh" both work;
- a value not read (or not plausible: a name of one word, an id of 11 digits, a 31/02 date)
  is *not read*, never a mismatch;
- names are compared without diacritics (a scan reading "Hãng" for "Hằng" is no finding) and
  reported as read, in Vietnamese title case.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from hoso.core.dates import vn
from hoso.core.text import clean_name, normalize

# --- Reading (pure) -----------------------------------------------------------------------------

#: Component kinds (catalog `component_kind`) whose scans are checked, and which of them are
#: decisions (their number and date are compared with the registered decision).
CHECKED_KINDS = frozenset({"resume", "personal_history_book", "decision", "recruitment_decision"})
DECISION_KINDS = frozenset({"decision", "recruitment_decision"})

# Look-alikes OCR substitutes, mapped one character to one character (positions are kept).
_ONE_TO_ONE = str.maketrans(
    {
        "\r": "\n",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\t": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00d0": "Đ",  # Icelandic eth, a frequent OCR reading of Đ
        "\u00f0": "đ",
        "\uff1a": ":",
    }
)
# A digit as OCR may read it in a number: O for 0, l or I for 1.
_D = r"[0-9OoIl]"
_DATE = (
    rf"(?P<d>{_D}{{1,2}})\s*(?:[/.\-]|thang)\s*(?P<m>{_D}{{1,2}})\s*(?:[/.\-]|,?\s*nam)"
    rf"\s*(?P<y>{_D}{{4}})"
)
_BIRTH = re.compile(rf"(?:sinh\s*ngay|ngay\s*(?:,\s*thang\s*,\s*nam\s*)?sinh)\s*[:.;,]?\s*{_DATE}")
_ID_LABEL = (
    r"(?:dinh\s*danh(?:\s*ca\s*nhan)?|cccd|cmnd|the\s*can\s*cuoc(?:\s*cong\s*dan)?"
    r"|can\s*cuoc(?:\s*cong\s*dan)?|chung\s*minh\s*(?:nhan\s*dan|thu))"
)
_ID = re.compile(
    rf"{_ID_LABEL}(?:\s*/\s*{_ID_LABEL})?\s*(?:so)?\s*[:.;,]?\s*(?P<v>{_D}[0-9OoIl .]{{7,24}})"
)
_DECISION_NUMBER = re.compile(
    rf"\bso\s*[:.;,]?\s*(?P<v>{_D}{{1,6}}\s*/\s*(?:\d{{4}}\s*/\s*)?(?:q\s*d|nq)"
    r"(?:\s*-\s*[a-z0-9]+)*)"
)
_DECISION_DATE = re.compile(rf"ngay\s*{_DATE}")
_NOT_A_HEADER_DATE = re.compile(
    r"\b(?:sinh|hieu\s*luc|ke\s*tu|cap|can\s*cu|luat|nghi\s*dinh|thong\s*tu|quyet\s*dinh"
    r"|so|nhan)\b|(?:^|\s)(?:tu|den)$"
)
_NAME_LABEL = re.compile(r"\bh[o0]\s*(?:va|&)?\s*ten(?P<birth>\s*khai\s*sinh)?")
_NAME_LABEL_TAIL = re.compile(r"^\s*[(\[{]?\s*(?:viet\s*)?(?:chu\s*)?(?:in\s*)?hoa\s*[)\]}]?")
# Where the value of the name label ends on its line: the next item or label.
_NAME_END = re.compile(
    r"\b\d{1,2}\s*[).]|\bnam\s*,?\s*nu\b|gioi\s*tinh|sinh\s*ngay|ten\s*goi|[,;:]"
)
_HONORIFIC = re.compile(r"\b(?P<w>ong|ba)\b(?:\s*\(\s*(?:ong|ba)\s*\))?\s*:?\s*")
# First words that make "Ông/Bà X Y" a title, not a name ("ông Chánh Văn phòng").
_TITLE_FIRST = frozenset(
    {
        "giám",
        "chánh",
        "chủ",
        "trưởng",
        "phó",
        "thủ",
        "bộ",
        "sở",
        "cục",
        "vụ",
        "tổng",
        "ủy",
        "uỷ",
        "hiệu",
        "viện",
        "cán",
        "công",
        "ban",
        "đồng",
        "các",
        "quyết",
        "điều",
        "nội",
        "ngoại",
        "rịa",
        "chuyên",
    }
)
# Words after a name that begin the person's title ("bà Nguyễn Thị Hoa Chuyên viên …").
_TITLE_AFTER = frozenset({"chuyên", "phó", "trưởng", "giám", "chánh", "cán", "kế", "chủ"})
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)?$")


@dataclass(frozen=True)
class ExtractedFields:
    """What a scan says, as read (NFC); empty or `None` when not read."""

    full_name: str = ""  # Vietnamese title case
    birth_date: date | None = None
    personal_id: str = ""  # 12 digits
    old_id_number: str = ""  # 9 digits (Chứng minh nhân dân)
    decision_number: str = ""  # spaces removed, e.g. "125/QĐ-UBND"
    decision_date: date | None = None

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.full_name,
                self.birth_date,
                self.personal_id,
                self.old_id_number,
                self.decision_number,
                self.decision_date,
            )
        )


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


def _prepare(text: str) -> tuple[str, str]:
    """(text as read, NFC and OCR look-alikes mapped; the same text folded: lower case, no
    diacritics) — character for character, so a match in one is a slice of the other."""
    cleaned = unicodedata.normalize("NFC", text or "").translate(_ONE_TO_ONE)
    # A combining mark left after NFC sits on a letter that cannot carry it: OCR dust.
    cleaned = "".join(ch for ch in cleaned if not unicodedata.combining(ch))
    folded = "".join(_fold_char(ch) for ch in cleaned)
    return cleaned, folded


def _digits(value: str) -> str:
    return value.translate(str.maketrans("OoIl", "0011"))


def _make_date(day: str, month: str, year: str) -> date | None:
    try:
        found = date(int(_digits(year)), int(_digits(month)), int(_digits(day)))
    except ValueError:
        return None
    return found if 1900 <= found.year <= 2100 else None


def _date_of(match: re.Match[str]) -> date | None:
    return _make_date(match["d"], match["m"], match["y"])


def _id_value(raw: str) -> str:
    """The digits of an id number as read: digit-like tokens until a plausible length."""
    digits = ""
    for token in raw.replace(".", " ").split():
        if not re.fullmatch(_D + "+", token):
            break
        digits += _digits(token)
        if len(digits) >= 12:
            break
    return digits


def _name_from(words: list[str]) -> str:
    """A plausible full name from words as read, in title case; "" when not plausible."""
    words = [w.strip("'’") for w in words if w.strip("'’")]
    if not 2 <= len(words) <= 7:
        return ""
    if not all(_NAME_WORD.match(w) and len(w) <= 10 for w in words):
        return ""
    return clean_name(" ".join(words))


def _words(value: str) -> list[str]:
    # Stray punctuation is OCR dust inside a name (apostrophes belong to names of ethnic
    # minorities: H'Hen Niê); a digit inside a word makes the name unreadable, not shorter.
    return re.sub(r"[^\w'’\s]|_", " ", value).split()


def _is_upper_name_line(line: str) -> bool:
    words = _words(line)
    letters = [ch for ch in line if ch.isalpha()]
    return bool(words) and all(ch.isupper() for ch in letters) and not re.search(r"[:;()\d]", line)


def _labelled_name(cleaned: str, folded: str) -> str:
    lines = cleaned.split("\n")
    folded_lines = folded.split("\n")
    candidates: list[tuple[bool, str]] = []
    for index, (line, low) in enumerate(zip(lines, folded_lines, strict=True)):
        for label in _NAME_LABEL.finditer(low):
            start = label.end()
            tail = _NAME_LABEL_TAIL.match(low[start:])
            if tail:
                start += tail.end()
            rest_low = low[start:]
            colon = re.match(r"\s*[:.;]", rest_low)
            if colon:
                start += colon.end()
                rest_low = low[start:]
            end = _NAME_END.search(rest_low)
            value = line[start : start + end.start()] if end else line[start:]
            words = _words(value)
            upper = all(ch.isupper() for ch in value if ch.isalpha())
            if not colon and not upper:
                # Without the colon, only the capitals the form asks for mark a value (a
                # table's "Họ và tên | Năm sinh" header is no name).
                continue
            if upper and (len(words) <= 6) and not end:
                # Mẫu 2C asks for capitals; a long name wraps onto the next line(s).
                for following, following_low in zip(
                    lines[index + 1 : index + 4], folded_lines[index + 1 : index + 4], strict=True
                ):
                    if not following.strip():
                        if words:  # a wrapped line stays in its paragraph
                            break
                        continue
                    stop = _NAME_END.search(following_low)
                    part = following[: stop.start()] if stop else following
                    more = _words(part)
                    if not _is_upper_name_line(part) or len(words) + len(more) > 7:
                        break
                    words += more
                    if stop or len(words) >= 4:
                        break
            name = _name_from(words)
            if name:
                candidates.append((bool(label["birth"]), name))
    preferred = [name for birth, name in candidates if birth]
    return (preferred or [name for _, name in candidates] or [""])[0]


def _honorific_name(cleaned: str, folded: str) -> str:
    """The person a decision is about: the name after "Ông"/"Bà" most often repeated (the
    first one on a tie)."""
    flat, flat_low = cleaned.replace("\n", " "), folded.replace("\n", " ")
    counts: Counter[str] = Counter()
    as_read: dict[str, str] = {}
    for match in _HONORIFIC.finditer(flat_low):
        if flat[match.start("w") : match.end("w")].lower() not in {"ông", "bà"}:
            continue
        words: list[str] = []
        for token in flat[match.end() : match.end() + 120].split():
            bare = token.rstrip(",.;:")
            if not bare or not _NAME_WORD.match(bare) or not bare[0].isupper():
                break
            words.append(bare)
            if bare != token or len(words) >= 7:
                break
        if words and words[0].lower() in _TITLE_FIRST:
            continue
        while len(words) > 2 and words[-1].lower() in _TITLE_AFTER:
            words.pop()
        name = _name_from(words)
        if name:
            counts[normalize(name)] += 1
            as_read.setdefault(normalize(name), name)
    if not counts:
        return ""
    # Counter.most_common keeps first-seen order among equal counts.
    return as_read[counts.most_common(1)[0][0]]


def _header_date(folded: str) -> date | None:
    """The decision's date: "<place>, ngày 05 tháng 6 năm 2026" (not a birth date, not the
    date of a law cited, not "kể từ ngày ký")."""
    for match in _DECISION_DATE.finditer(folded):
        line_start = folded.rfind("\n", 0, match.start()) + 1
        prefix = folded[line_start : match.start()]
        # The number and the place often share the header's line, as two columns.
        number = _DECISION_NUMBER.search(prefix)
        place = re.split(r"\s{3,}|\|", prefix[number.end() if number else 0 :].rstrip())[-1]
        place = place.strip()
        if _NOT_A_HEADER_DATE.search(place):
            continue
        if not (place.endswith(",") or re.fullmatch(r"[a-z ]{2,30}", place)):
            continue
        found = _date_of(match)
        if found:
            return found
    return None


def _decision_number(cleaned: str, folded: str) -> str:
    match = _DECISION_NUMBER.search(folded)
    if not match:
        return ""
    raw = re.sub(r"\s+", "", cleaned[match.start("v") : match.end("v")])
    head, _, tail = raw.partition("/")
    return f"{_digits(head)}/{tail}"


def extract_fields(text: str) -> ExtractedFields:
    """Read the key fields of a scanned résumé, personal history book or decision from its
    OCR text. Pure; never raises on any text; a field not read (or not plausible) is empty."""
    cleaned, folded = _prepare(text)
    birth = next((d for m in _BIRTH.finditer(folded) if (d := _date_of(m))), None)
    personal_id = old_id = ""
    for match in _ID.finditer(folded):
        digits = _id_value(cleaned[match.start("v") : match.end("v")])
        if len(digits) == 12 and not personal_id:
            personal_id = digits
        elif len(digits) == 9 and not old_id:
            old_id = digits
    return ExtractedFields(
        full_name=_labelled_name(cleaned, folded) or _honorific_name(cleaned, folded),
        birth_date=birth,
        personal_id=personal_id,
        old_id_number=old_id,
        decision_number=_decision_number(cleaned, folded),
        decision_date=_header_date(folded),
    )


def same_name(first: str, second: str) -> bool:
    """Two names are the same when they agree without diacritics, case or spacing (OCR drops
    and swaps tone marks: "Hãng" for "Hằng")."""
    return normalize(first) == normalize(second)


def number_key(number: str) -> str:
    """A decision number compared without spaces, case, diacritics or leading zeros."""
    key = re.sub(r"[\s.]", "", normalize(number)).upper()
    head, sep, tail = key.partition("/")
    return f"{head.lstrip('0') or head}{sep}{tail}"


@dataclass(frozen=True)
class Mismatch:
    """One field whose scanned value differs from the e-dossier (values as shown to users)."""

    field: str  # `section.field` of `hoso.people.sections`
    dossier_value: str  # "" when the e-dossier has no such value
    scanned_value: str


def identity_mismatches(read: ExtractedFields, identity: dict[str, Any]) -> list[Mismatch]:
    """Compare what a scan says of the person with the identity section (`dossier_data`
    shape: ISO dates). Pure."""
    out: list[Mismatch] = []
    full_name = identity.get("full_name") or ""
    if read.full_name and not same_name(read.full_name, full_name):
        out.append(Mismatch("identity.full_name", full_name, read.full_name))
    born = identity.get("birth_date")
    born_date = date.fromisoformat(born) if isinstance(born, str) and born else born
    if read.birth_date and read.birth_date != born_date:
        out.append(Mismatch("identity.birth_date", vn(born_date), vn(read.birth_date)))
    personal_id = identity.get("personal_id") or ""
    if read.personal_id and read.personal_id != personal_id:
        out.append(Mismatch("identity.personal_id", personal_id, read.personal_id))
    old_id = identity.get("old_id_number") or ""
    if read.old_id_number and read.old_id_number != old_id:
        out.append(Mismatch("identity.old_id_number", old_id, read.old_id_number))
    return out


@dataclass(frozen=True)
class KnownDecision:
    """A decision the e-dossier knows: registered (`PersonnelDecision`) or entered as a
    career event."""

    number: str
    signed_date: date


def decision_mismatches(
    read: ExtractedFields, *, linked: list[KnownDecision], known: list[KnownDecision]
) -> list[Mismatch]:
    """Compare a scanned decision's number and date with the decision it proves (`linked`:
    the decisions of the component's change set) or, failing a link, with the person's
    decision of the same number (`known`). Pure.

    A number that no decision of the e-dossier bears is a finding (the paper has a decision
    the e-dossier lacks), with an empty dossier value; without a number read and without a
    link there is nothing to compare the date with."""
    out: list[Mismatch] = []
    key = number_key(read.decision_number) if read.decision_number else ""
    same = [d for d in (linked or known) if key and number_key(d.number) == key]
    if linked:
        target = same[0] if same else linked[0]
        if key and not same:
            out.append(
                Mismatch("career_events.decision_number", target.number, read.decision_number)
            )
    elif same:
        target = same[0]
    else:
        if key:
            out.append(Mismatch("career_events.decision_number", "", read.decision_number))
        return out
    if read.decision_date and read.decision_date != target.signed_date:
        out.append(
            Mismatch("career_events.signed_date", vn(target.signed_date), vn(read.decision_date))
        )
    return out
