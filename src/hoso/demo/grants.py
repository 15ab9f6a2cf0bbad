"""The written approvals of a demo node (R-SECRET, R-SPECIAL), issued through `access.services`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TextIO

from hoso.access.approvals import lowest_sufficient_level
from hoso.access.models import AccessGrant, User
from hoso.access.services import grant_issue
from hoso.demo.orgs import PROVINCE
from hoso.demo.plan import WORK
from hoso.orgs.models import Organization
from hoso.people.models import SecretLabel
from hoso.people.selectors import person_queryset


def approval_level(*, secret_ceiling: str, covers_special: bool) -> str:
    """The approval level a grant over protected dossiers names (R-SECRET, R-SPECIAL): the
    lowest level of the `approval_level` catalog that suffices for what it covers."""
    return lowest_sufficient_level(secret_ceiling=secret_ceiling, covers_special=covers_special)


def grants_create(today: date, out: TextIO) -> None:
    """Written approvals recorded by the records manager: `lanhdao` may read some protected
    dossiers (Mật and the special category, not Tối mật), for a personnel review; `ngoai`
    (the ministry) a few ordinary dossiers of the province. Everyone else is refused the
    protected ones, `quanly` included (a records manager never grants themself)."""
    if AccessGrant.objects.exists():
        return
    manager = User.objects.get(username="quanly")
    province = Organization.objects.get(code=PROVINCE["code"])
    in_province = person_queryset().filter(current_unit__path__startswith=province.path)
    protected = list(
        in_province.filter(secret_label__in=[SecretLabel.NONE, SecretLabel.MAT])
        .exclude(secret_label="", special_category=False)
        .order_by("-special_category", "pk")
        .values_list("personal_id", flat=True)[: WORK.granted]
    )
    out.write("Ghi nhận văn bản phê duyệt cho khai thác hồ sơ…\n")
    if protected:
        grant_issue(
            acting_user=manager,
            grantee=User.objects.get(username="lanhdao"),
            purpose="Xem xét quy hoạch, bổ nhiệm lại cán bộ diện Ban Thường vụ Tỉnh ủy quản lý",
            document_number="125-CV/TU",
            document_date=today - timedelta(days=7),
            signer="Phó Bí thư Thường trực Tỉnh ủy",
            valid_from=today - timedelta(days=7),
            valid_to=today + timedelta(days=90),
            person_ids=protected,
            secret_ceiling=SecretLabel.MAT,
            covers_special=True,
            approval_level=approval_level(secret_ceiling=SecretLabel.MAT, covers_special=True),
        )
    ordinary = list(
        in_province.filter(secret_label="", special_category=False)
        .exclude(current_unit__path__startswith=Organization.objects.get(code="NB.SNV").path)
        .order_by("pk")
        .values_list("personal_id", flat=True)[1 : 1 + WORK.foreign_granted]
    )
    if ordinary:
        grant_issue(
            acting_user=manager,
            grantee=User.objects.get(username="ngoai"),
            purpose="Thẩm định hồ sơ đề nghị tiếp nhận, điều động về Bộ Nội vụ",
            document_number="2187/BNV-CCVC",
            document_date=today - timedelta(days=3),
            signer="Vụ trưởng Vụ Công chức - Viên chức",
            valid_from=today - timedelta(days=3),
            valid_to=today + timedelta(days=30),
            person_ids=ordinary,
        )
