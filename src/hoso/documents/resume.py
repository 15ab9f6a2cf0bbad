"""The résumé (Mẫu 2C-BNV/2008, QĐ 02/2008/QĐ-BNV): rendered from one dossier version as
PDF/A-2b, signed (PAdES) by the records manager, stored as signed (R-DIGITIZE, R-CORRECT).

**Which version.** The résumé of "now" is rendered from the latest `DossierVersion`; "as of a
day" from the version in force at the end of that day
(`changes.selectors.versions.version_as_of`). A dossier that no approval has versioned yet
(created by import or seeding) has one state, its live tables, numbered version 0 here and in
force from the day it was created.

**What is signed.** WeasyPrint renders the form (A4, Liberation Serif embedded, PDF/A-2b).
Before signing, an empty visible signature field `stamping.STAMP_FIELD` is added in the top
margin of page 1; the records manager's signature then *certifies* the document with DocMDP
permission "fill forms and sign" (P=2). Every served copy fills that field with the node's
seal, whose appearance is the copy's stamp (`stamping`): filling an existing field is allowed
by the certification, so both signatures stay valid for pyHanko and poppler's `pdfsig`.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from hoso.access import policies, recorder
from hoso.access.models import Role
from hoso.access.system import system_dossier
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import name_of
from hoso.changes.selectors import versions as change_selectors
from hoso.core.dates import today as local_today
from hoso.core.dates import vn
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import (
    PreservationEvent,
    PreservationEventType,
    PreservationOutcome,
    SignedResume,
)
from hoso.documents.stamping import STAMP_BOX, STAMP_FIELD
from hoso.documents.storage import storage
from hoso.orgs.models import Organization
from hoso.people.models import Person

SIGNATURE_FIELD = "KySoSoYeuLyLich"
TEMPLATE = "documents/resume_2c.html"
# The résumé shows every item of the dossier: who may see it must see the whole dossier up to
# this class (`DossierAccess.can_see_document`).
RESUME_SENSITIVITY = "sensitive"
SALARY_COLUMNS = 8  # item 31 is a horizontal table: this many changes per row of the form

log = logging.getLogger(__name__)


# --- Which state of the dossier -----------------------------------------------------------------


@dataclass(frozen=True)
class ResumeSource:
    """The dossier state a résumé is rendered from."""

    personal_id: str
    version_number: int  # 0: the live tables of a dossier no approval has versioned yet
    data: dict[str, Any]
    as_of: date | None


def as_of_check(as_of: date | None, *, today: date | None = None) -> None:
    """A résumé "as of" a day in the future is refused (nothing is known about it yet)."""
    today = today or local_today()
    if as_of is not None and as_of > today:
        raise DocumentRefused(
            "as_of_future",
            f"Ngày {vn(as_of)} ở tương lai: chỉ in được sơ yếu lý lịch tính đến hôm nay "
            f"({vn(today)}) hoặc một ngày đã qua.",
        )


def version_in_force(person: Person, as_of: date | None = None) -> Any:
    """The `DossierVersion` in force at the end of `as_of` (the latest when None); None for a
    dossier no approval has versioned yet (version 0, its live tables). `DocumentRefused`
    (`as_of_future`, `no_version_as_of`) when there is no state for that day."""
    as_of_check(as_of)
    pid = person.personal_id
    latest = change_selectors.versions(pid).order_by("-number").first()
    if latest is None:
        if as_of is not None and as_of < timezone.localdate(person.created_at):
            raise _no_version(as_of)
        return None
    version = latest if as_of is None else change_selectors.version_as_of(pid, as_of)
    if version is None:
        raise _no_version(as_of)
    return version


def resume_source(person: Person, as_of: date | None = None) -> ResumeSource:
    """The dossier state the résumé of `as_of` is rendered from (see `version_in_force`).
    Callers pass the access gate first."""
    version = version_in_force(person, as_of)
    if version is None:
        data = system_dossier(purpose=Purpose.SYSTEM_RESUME, person=person)
        return ResumeSource(person.personal_id, 0, printable(data), as_of)
    return ResumeSource(
        person.personal_id,
        version.number,
        printable(change_selectors.version_data(version)),
        as_of,
    )


def withheld_note(field_class: str) -> str:
    label = policies.Sensitivity(field_class).label
    return f"[Không in trên bản này: thông tin mức «{label}», xem tại hồ sơ lưu trữ mật]"


def printable(data: dict[str, Any]) -> dict[str, Any]:
    """The dossier with every field classed above `RESUME_SENSITIVITY` withheld: a printed,
    signed page cannot be masked per reader, so what it may carry is fixed here and every
    reader of a résumé needs exactly `RESUME_SENSITIVITY` (R-FIELD-CLASS)."""
    classes = policies.field_classes()
    limit = policies.RANK[RESUME_SENSITIVITY]

    def clean(section: str, row: dict[str, Any]) -> dict[str, Any]:
        out = dict(row)
        for name, value in row.items():
            cls = classes.get(f"{section}.{name}")
            if cls and policies.RANK[cls] > limit and _filled(value):
                out[name] = withheld_note(cls) if isinstance(value, str) else None
        return out

    result: dict[str, Any] = {}
    for section, value in data.items():
        if isinstance(value, list):
            result[section] = [clean(section, r) if isinstance(r, dict) else r for r in value]
        elif isinstance(value, dict):
            result[section] = clean(section, value)
        else:
            result[section] = value
    return result


def _no_version(as_of: date | None) -> DocumentRefused:
    return DocumentRefused(
        "no_version_as_of",
        f"Hồ sơ chưa có trên hệ thống vào ngày {vn(as_of)}: không có phiên bản nào tính đến "
        "ngày đó.",
    )


# --- What the form shows ------------------------------------------------------------------------


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _d(value: Any) -> str:
    """dd/mm/yyyy, or "" when there is none."""
    day = _day(value)
    return vn(day) if day else ""


def _month(value: Any) -> str:
    day = _day(value)
    return day.strftime("%m/%Y") if day else ""


def _period(start: Any, end: Any) -> str:
    first = _month(start)
    last = _month(end) or "nay"
    return f"{first} – {last}" if first else ""


def _number(value: Any, *, blank_zero: bool = False) -> str:
    """2.34 → "2,34", 3 → "3,00" (coefficients have two decimals; Vietnamese decimal comma)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if blank_zero and amount == 0:
        return ""
    return f"{amount:.2f}".replace(".", ",")


def _rows(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def _one(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _in_force(
    row: dict[str, Any], on: date, start: str = "from_date", end: str = "to_date"
) -> bool:
    first, last = _day(row.get(start)), _day(row.get(end))
    return first is not None and first <= on and (last is None or last >= on)


def _join(*parts: str, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


def resume_context(source: ResumeSource, *, on: date | None = None) -> dict[str, Any]:
    """Display strings for every item of Mẫu 2C, from plain dossier data (codes, ISO dates):
    catalog names, unit names, dd/mm/yyyy. `on` is the day "current" items refer to."""
    data = source.data
    on = on or source.as_of or local_today()
    units = dict(Organization.objects.values_list("code", "name"))
    ident, job, qual = (
        _one(data, "identity"),
        _one(data, "employment"),
        _one(data, "qualifications"),
    )

    def unit(code: Any) -> str:
        return units.get(code, str(code)) if code else ""

    birth = _day(ident.get("birth_date"))
    printed = local_today()
    positions = sorted(
        (r for r in _rows(data, "positions") if _in_force(r, on)),
        key=lambda r: (not r.get("is_main"), r.get("from_date") or ""),
    )
    work = sorted(_rows(data, "work_history"), key=lambda r: r.get("from_date") or "")
    current_work = [r for r in work if _in_force(r, on)]

    def position_text(row: dict[str, Any]) -> str:
        title = name_of("position", row.get("position_code")) or (
            current_work[-1].get("title", "") if current_work else ""
        )
        text = _join(title, unit(row.get("organization")))
        return text if row.get("is_main") else f"{text} (kiêm nhiệm)"

    salary = sorted(_rows(data, "salary"), key=lambda r: r.get("from_date") or "")
    paid = [r for r in salary if (_day(r.get("from_date")) or on) <= on]
    pay = paid[-1] if paid else {}
    party = sorted(_rows(data, "party"), key=lambda r: r.get("admission_date") or "")
    military = sorted(_rows(data, "military"), key=lambda r: r.get("from_date") or "")
    health = sorted(_rows(data, "health"), key=lambda r: r.get("exam_date") or "")
    exam = health[-1] if health else {}
    history = _one(data, "personal_history")
    family = _rows(data, "family")

    def relative(row: dict[str, Any]) -> dict[str, str]:
        years = str(row.get("birth_year") or "")
        if row.get("death_year"):
            years = (
                f"{years} – {row['death_year']} (đã mất)" if years else f"mất {row['death_year']}"
            )
        details = _join(
            f"Quê quán: {row['home_town']}" if row.get("home_town") else "",
            row.get("occupation") or "",
            row.get("workplace") or "",
            f"Nơi ở: {row['residence']}" if row.get("residence") else "",
            row.get("memberships") or "",
            sep="; ",
        )
        return {
            "relation": name_of("family_relation", row.get("relation_code")),
            "name": row.get("full_name") or "",
            "years": years,
            "details": details,
        }

    salary_cells = [
        {
            "month": _month(r.get("from_date")),
            "rank_step": _join(str(r.get("rank_code") or ""), str(r.get("step") or ""), sep="/"),
            "coefficient": _number(r.get("coefficient")),
        }
        for r in salary
    ]
    evaluations = sorted(_rows(data, "evaluations"), key=lambda r: r.get("year") or 0)
    assessments = sorted(_rows(data, "assessments"), key=lambda r: r.get("assessed_on") or "")
    return {
        "personal_id": source.personal_id,
        "version_number": source.version_number,
        "as_of": vn(source.as_of) if source.as_of else "",
        "printed_day": f"{printed.day:02d}",
        "printed_month": f"{printed.month:02d}",
        "printed_year": str(printed.year),
        "managing_agency": unit(job.get("managing_agency")),
        "current_unit": unit(job.get("current_unit")),
        "file_number": job.get("file_number") or "",
        "full_name": ident.get("full_name") or "",
        "full_name_upper": (ident.get("full_name") or "").upper(),
        "other_names": ident.get("other_names") or "",
        "birth_day": f"{birth.day:02d}" if birth else "",
        "birth_month": f"{birth.month:02d}" if birth else "",
        "birth_year": str(birth.year) if birth else "",
        "sex": {"M": "Nam", "F": "Nữ"}.get(ident.get("sex") or "", ""),
        "birth_place": ident.get("birth_place") or "",
        "home_town": ident.get("home_town") or "",
        "ethnicity": name_of("ethnicity", ident.get("ethnicity")),
        "religion": name_of("religion", ident.get("religion")),
        "permanent_residence": ident.get("permanent_residence") or "",
        "current_residence": ident.get("current_residence") or "",
        "contact": _join(
            f"Điện thoại: {ident['phone']}" if ident.get("phone") else "",
            f"Thư điện tử: {ident['email']}" if ident.get("email") else "",
        ),
        "occupation_at_recruitment": job.get("occupation_at_recruitment") or "",
        "recruitment_date": _d(job.get("recruitment_date")),
        "recruitment_agency": job.get("recruitment_agency") or "",
        "positions": "; ".join(position_text(r) for r in positions),
        "main_duties": job.get("main_duties") or "",
        "rank_name": name_of("rank", pay.get("rank_code")),
        "rank_code": pay.get("rank_code") or "",
        "step": str(pay.get("step") or ""),
        "coefficient": _number(pay.get("coefficient")),
        "paid_from": _d(pay.get("from_date")),
        "position_allowance": _number(pay.get("position_allowance"), blank_zero=True),
        "other_allowances": _join(
            f"Thâm niên vượt khung {pay['over_frame_percent']}%"
            if pay.get("over_frame_percent")
            else "",
            pay.get("other_allowances") or "",
        ),
        "general_education": name_of("general_education", qual.get("general_education")),
        "highest_qualification": _join(
            name_of("qualification", qual.get("highest_qualification")),
            qual.get("qualification_field") or "",
        ),
        "political_theory": name_of("political_theory", qual.get("political_theory")),
        "state_management": name_of("state_management", qual.get("state_management")),
        "foreign_language": qual.get("foreign_language") or "",
        "it_level": qual.get("it_level") or "",
        "party_admission": _d(party[0].get("admission_date")) if party else "",
        "party_official": _d(party[0].get("official_date")) if party else "",
        "organizations": "; ".join(
            _join(
                _d(r.get("from_date")),
                name_of("socio_political_org", r.get("org_code")),
                r.get("role") or "",
            )
            for r in sorted(_rows(data, "organizations"), key=lambda r: r.get("from_date") or "")
        ),
        "enlisted": _d(military[0].get("from_date")) if military else "",
        "discharged": _d(military[-1].get("to_date")) if military else "",
        "military_rank": name_of("military_rank", military[-1].get("highest_rank_code"))
        if military
        else "",
        "highest_honour": qual.get("highest_honour") or "",
        "strengths": qual.get("strengths") or "",
        "awards": "; ".join(
            _join(
                name_of("award_form", r.get("form_code")),
                str(_day(r.get("award_date")).year) if _day(r.get("award_date")) else "",
            )
            for r in sorted(_rows(data, "awards"), key=lambda r: r.get("award_date") or "")
        ),
        "discipline": "; ".join(
            _join(
                name_of("discipline_form", r.get("form_code")),
                str(_day(r.get("decision_date")).year) if _day(r.get("decision_date")) else "",
                r.get("reason") or "",
            )
            for r in sorted(_rows(data, "discipline"), key=lambda r: r.get("decision_date") or "")
        )
        or "Không",
        "health": exam.get("status") or "",
        "height": f"{exam['height_cm']} cm" if exam.get("height_cm") else "",
        "weight": f"{exam['weight_kg']}" if exam.get("weight_kg") else "",
        "blood_group": name_of("blood_group", exam.get("blood_group")),
        "war_invalid_grade": qual.get("war_invalid_grade") or "",
        "policy_family": name_of("policy_family", qual.get("policy_family")),
        "id_number": _join(
            source.personal_id,
            f"CMND cũ {ident['old_id_number']}" if ident.get("old_id_number") else "",
        ),
        "id_issue_date": _d(ident.get("id_issue_date")),
        "id_issue_place": ident.get("id_issue_place") or "",
        "social_insurance_number": ident.get("social_insurance_number") or "",
        "training": [
            {
                "institution": r.get("institution") or "",
                "field": r.get("field_of_study") or "",
                "period": _period(r.get("from_date"), r.get("to_date")),
                "mode": name_of("training_mode", r.get("mode")),
                "diploma": _join(
                    r.get("diploma") or "", name_of("qualification", r.get("qualification"))
                ),
            }
            for r in sorted(_rows(data, "training"), key=lambda r: r.get("from_date") or "")
        ],
        "work_history": [
            {
                "period": _period(r.get("from_date"), r.get("to_date")),
                "text": _join(
                    r.get("title") or "", r.get("unit_name") or unit(r.get("organization"))
                ),
            }
            for r in work
        ],
        "arrests": history.get("arrests") or "",
        "former_regime": history.get("former_regime") or "",
        "foreign_organizations": history.get("foreign_organizations") or "",
        "relatives_abroad": history.get("relatives_abroad") or "",
        "family_tables": [
            (
                "a) Về bản thân: Cha, Mẹ, Vợ (hoặc chồng), các con, anh chị em ruột",
                [relative(r) for r in family if (r.get("side") or "own") == "own"],
            ),
            (
                "b) Về bên vợ (hoặc chồng): Cha, Mẹ, anh chị em ruột",
                [relative(r) for r in family if r.get("side") == "spouse"],
            ),
        ],
        "salary_rows": [
            salary_cells[i : i + SALARY_COLUMNS]
            for i in range(0, len(salary_cells), SALARY_COLUMNS)
        ],
        "evaluations": [
            _join(
                str(r.get("year") or ""), name_of("evaluation_grade", r.get("grade_code")), sep=": "
            )
            for r in evaluations
        ],
        "assessments": [
            {
                "on": _d(r.get("assessed_on")),
                "text": r.get("text") or "",
                "assessor": r.get("assessor") or "",
            }
            for r in assessments
        ],
    }


def resume_render(source: ResumeSource) -> bytes:
    """The unsigned Mẫu 2C as PDF/A-2b (A4, fonts embedded)."""
    from weasyprint import HTML

    html = render_to_string(TEMPLATE, resume_context(source))
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-2b")


# --- Signing ------------------------------------------------------------------------------------


def _with_stamp_field(pdf: bytes) -> Any:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    append_signature_field(writer, SigFieldSpec(STAMP_FIELD, on_page=0, box=STAMP_BOX))
    return writer


def pades_certify(pdf: bytes, key: Any, *, signer_name: str, location: str = "") -> bytes:
    """Certify `pdf` with `key` (PAdES baseline B, DocMDP P=2), after adding the empty visible
    field later served copies are sealed in."""
    from pyhanko.sign import signers
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        reason="Xác nhận sơ yếu lý lịch (Mẫu 2C-BNV/2008) đúng với hồ sơ điện tử",
        location=location or None,
        name=signer_name or None,
    )
    out = signers.PdfSigner(meta, signer=key.cms_signer()).sign_pdf(_with_stamp_field(pdf))
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    field_name: str
    signer: str
    valid: bool  # intact, cryptographically valid, trusted, and the changes after it allowed
    intact: bool
    trusted: bool
    docmdp_ok: bool
    modification_level: str


def signatures_check(pdf: bytes, trust_roots: list[Any] | None = None) -> list[SignatureCheck]:
    """Every embedded signature of `pdf`, checked by pyHanko against `trust_roots` (default:
    the node's, `changes.signatures.trust_roots()`), with its difference analysis."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from hoso.changes.signatures import trust_roots as node_roots

    roots = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for c in (node_roots() if trust_roots is None else trust_roots)
    ]
    # pyHanko logs a failed difference analysis with a traceback; the result says it.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    checks = []
    for embedded in reader.embedded_signatures:
        try:
            status = validate_pdf_signature(
                embedded, ValidationContext(trust_roots=roots, allow_fetching=False)
            )
        except Exception as exc:  # noqa: BLE001 - a damaged file is "invalid", not a crash
            log.info("signature %s unreadable: %s", embedded.field_name, exc)
            checks.append(SignatureCheck(embedded.field_name, "", False, False, False, False, ""))
            continue
        level = status.modification_level
        checks.append(
            SignatureCheck(
                field_name=embedded.field_name,
                signer=status.signing_cert.subject.human_friendly,
                valid=bool(status.bottom_line),
                intact=bool(status.intact),
                trusted=bool(status.trusted),
                docmdp_ok=bool(status.docmdp_ok),
                modification_level=level.name if level is not None else "",
            )
        )
    return checks


def _records_manager_covers(user: Any, person: Person) -> bool:
    return policies.duty_covers(user, {Role.RECORDS_MANAGER}, person.current_unit.path)


def resume_issue(*, acting_user: Any, personal_id: str, as_of: date | None = None) -> SignedResume:
    """Render the résumé of the dossier as of `as_of` (now when None), sign it, store it.

    Invariants:
    - the signer passes the access gate for the dossier (audited; `NotFound` otherwise) and
      is a records manager whose duty covers the person's unit (`not_records_manager`);
    - `as_of` is not in the future, and the dossier existed then (`as_of_future`,
      `no_version_as_of`);
    - the signature is made with the signer's own key (`signing_key_for`) and checked against
      the node's trusted roots before anything is stored: a signature that would not verify
      is refused (`resume_signature_invalid`), nothing written;
    - the stored bytes are the signed PDF as signed; a `SignedResume`, a PREMIS "digital
      signature generation" event and an audit event RESUME_SIGN are written together, in one
      transaction. The gate's own audit event and a refusal's are written before it, so a
      refusal undoes nothing that must be kept.
    """
    from hoso.changes.signatures import signing_key_for

    as_of_check(as_of)
    access = policies.dossier_access(acting_user, personal_id, purpose="resume_sign")
    person = access.person
    if not _records_manager_covers(acting_user, person):
        refusal = DocumentRefused(
            "not_records_manager",
            "Chỉ cán bộ quản lý hồ sơ được giao phụ trách hồ sơ này mới ký số sơ yếu lý lịch.",
            status=403,
        )
        with transaction.atomic():
            recorder.record(
                user=acting_user,
                action=AuditAction.RESUME_SIGN,
                outcome=AuditOutcome.DENY,
                personal_id=personal_id,
                purpose="resume_sign",
                detail={"code": refusal.code},
            )
        raise refusal
    source = resume_source(person, as_of)
    key = signing_key_for(acting_user)  # before rendering: no key, nothing done
    username = acting_user.get_username()
    signer_name = getattr(acting_user, "full_name", "") or username
    signed = pades_certify(resume_render(source), key, signer_name=signer_name)
    checks = signatures_check(signed)
    if not checks or not all(c.valid for c in checks):
        raise DocumentRefused(
            "resume_signature_invalid",
            f"Chữ ký số của «{username}» trên sơ yếu lý lịch không kiểm tra được là hợp lệ "
            "(chứng thư số hết hạn hoặc không do tổ chức chứng thực được tin cậy cấp); "
            "chưa lưu gì.",
        )
    return _resume_store(acting_user, source, signed, key)


@transaction.atomic
def _resume_store(acting_user: Any, source: ResumeSource, signed: bytes, key: Any) -> SignedResume:
    from hoso.signing.cms import serial_hex

    personal_id, as_of = source.personal_id, source.as_of
    username = acting_user.get_username()
    stored = storage().put([signed])
    now = timezone.now()
    serial = serial_hex(key.certificate)
    resume = SignedResume.objects.create(
        personal_id=personal_id,
        version_number=source.version_number,
        as_of=as_of,
        signer=acting_user,
        signer_username=username,
        certificate_serial=serial,
        signed_at=now,
        key=stored.key,
        sha256=stored.sha256,
        size=stored.size,
        sensitivity=resume_sensitivity(source.data),
    )
    PreservationEvent.objects.create(
        personal_id=personal_id,
        resume=resume,
        event_type=PreservationEventType.DIGITAL_SIGNATURE_GENERATION,
        outcome=PreservationOutcome.SUCCESS,
        detail=(
            f"PAdES (certify, DocMDP P=2) on Mẫu 2C, dossier version {source.version_number}; "
            f"certificate serial {serial}; SHA-256 {stored.sha256}"
        ),
        agent=username,
        at=now,
    )
    recorder.record(
        user=acting_user,
        action=AuditAction.RESUME_SIGN,
        outcome=AuditOutcome.OK,
        personal_id=personal_id,
        purpose="resume_sign",
        detail={
            "resume": resume.pk,
            "version": source.version_number,
            "as_of": as_of.isoformat() if as_of else None,
            "sha256": stored.sha256,
            "certificate_serial": serial,
        },
    )
    return resume


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {}, False)


def resume_sensitivity(data: dict[str, Any]) -> str:
    """The class a reader needs to see this résumé: the highest class of any field it prints
    with a value, and at least `RESUME_SENSITIVITY` (the form always shows ethnicity and
    religion). A printed page cannot be masked, so the rule is all or nothing."""
    classes = policies.field_classes()
    best = RESUME_SENSITIVITY
    for section, value in data.items():
        rows = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        for row in rows:
            for name, field_value in row.items():
                cls = classes.get(f"{section}.{name}")
                if not cls or not _filled(field_value) or field_value == withheld_note(cls):
                    continue
                if policies.RANK[cls] > policies.RANK[best]:
                    best = cls
    return best


def may_issue(user: Any, person: Person) -> bool:
    """Whether `user` may sign this person's résumé (a records manager covering the unit)."""
    return _records_manager_covers(user, person)


def resumes_of(personal_id: str) -> list[SignedResume]:
    """The signed résumés of a dossier, newest first (callers pass the gate first)."""
    return list(SignedResume.objects.filter(personal_id=personal_id).order_by("-signed_at", "-id"))


def resume_for(personal_id: str, version_number: int) -> SignedResume | None:
    """The latest signed résumé of one dossier version (callers pass the gate first)."""
    return (
        SignedResume.objects.filter(personal_id=personal_id, version_number=version_number)
        .order_by("-signed_at", "-id")
        .first()
    )
