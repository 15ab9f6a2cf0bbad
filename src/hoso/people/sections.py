"""The dossier's sections in the order a personnel officer reads the paper résumé.

This registry is the one description of the dossier: pages, the dossier JSON, completeness,
field classification and docs/data-model.md are all derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.db import models

from hoso.people import models as m


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    model: type[models.Model]
    form_items: tuple[str, ...]  # Mẫu 2C-BNV/2008 item numbers
    data_groups: tuple[int, ...]  # NĐ 27/2026 data groups (1–10)
    fields: tuple[str, ...]
    many: bool = True
    related_name: str = ""


SECTIONS: tuple[Section, ...] = (
    Section(
        "identity",
        "Thông tin chung",
        m.Person,
        ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "25", "26"),
        (1,),
        (
            "personal_id",
            "full_name",
            "other_names",
            "birth_date",
            "sex",
            "birth_place",
            "birth_place_code",
            "home_town",
            "home_town_code",
            "ethnicity",
            "religion",
            "nationality",
            "marital_status",
            "permanent_residence",
            "current_residence",
            "phone",
            "email",
            "old_id_number",
            "id_issue_date",
            "id_issue_place",
            "social_insurance_number",
            "health_insurance_number",
        ),
        many=False,
    ),
    Section(
        "employment",
        "Tuyển dụng, công tác hiện nay",
        m.Person,
        ("0", "10", "11", "12", "13"),
        (4, 6),
        (
            "file_number",
            "staff_category",
            "managing_agency",
            "current_unit",
            "status",
            "occupation_at_recruitment",
            "recruitment_date",
            "recruitment_agency",
            "main_duties",
        ),
        many=False,
    ),
    Section(
        "qualifications",
        "Trình độ",
        m.Person,
        ("15", "19", "20", "24"),
        (5, 1),
        (
            "general_education",
            "highest_qualification",
            "qualification_field",
            "political_theory",
            "state_management",
            "foreign_language",
            "it_level",
            "highest_honour",
            "strengths",
            "war_invalid_grade",
            "policy_family",
        ),
        many=False,
    ),
    Section(
        "protection",
        "Phân loại bảo vệ",
        m.Person,
        ("0",),
        (1,),
        ("secret_label", "special_category"),
        many=False,
    ),
    Section(
        "positions",
        "Chức vụ, vị trí việc làm",
        m.PositionAssignment,
        ("12",),
        (4, 6),
        (
            "organization",
            "position_code",
            "job_position",
            "is_main",
            "from_date",
            "to_date",
            "decision_number",
        ),
        related_name="positions",
    ),
    Section(
        "salary",
        "Ngạch, bậc, hệ số lương và phụ cấp",
        m.SalaryHistory,
        ("14", "31"),
        (6,),
        (
            "from_date",
            "rank_code",
            "step",
            "coefficient",
            "over_frame_percent",
            "position_allowance",
            "other_allowances",
            "decision_number",
        ),
        related_name="salary_history",
    ),
    Section(
        "training",
        "Đào tạo, bồi dưỡng",
        m.Training,
        ("15", "27"),
        (5,),
        (
            "kind",
            "institution",
            "field_of_study",
            "from_date",
            "to_date",
            "mode",
            "qualification",
            "diploma",
        ),
        related_name="trainings",
    ),
    Section(
        "work_history",
        "Tóm tắt quá trình công tác",
        m.WorkHistory,
        ("28",),
        (4, 6),
        ("from_date", "to_date", "organization", "unit_name", "title"),
        related_name="work_history",
    ),
    Section(
        "career_events",
        "Tuyển dụng, bổ nhiệm, điều động, luân chuyển",
        m.CareerEvent,
        ("11", "12"),
        (4,),
        ("decision_type", "decision_number", "signed_date", "issuer", "effective_date", "summary"),
        related_name="career_events",
    ),
    Section(
        "planning",
        "Quy hoạch",
        m.PlanningMembership,
        (),
        (4,),
        (
            "term",
            "position_code",
            "organization",
            "from_date",
            "to_date",
            "decision_number",
            "removal_reason",
        ),
        related_name="plannings",
    ),
    Section(
        "party",
        "Đảng Cộng sản Việt Nam",
        m.PartyMembership,
        ("16",),
        (7,),
        ("admission_date", "official_date", "left_date", "card_number"),
        related_name="party_memberships",
    ),
    Section(
        "organizations",
        "Tổ chức chính trị - xã hội",
        m.OrgMembership,
        ("17",),
        (7,),
        ("org_code", "role", "from_date", "to_date"),
        related_name="org_memberships",
    ),
    Section(
        "military",
        "Quân ngũ",
        m.MilitaryService,
        ("18",),
        (8,),
        ("from_date", "to_date", "highest_rank_code", "unit_name"),
        related_name="military_service",
    ),
    Section(
        "awards",
        "Khen thưởng",
        m.Award,
        ("19", "21"),
        (6,),
        ("award_date", "form_code", "reason", "decision_number", "issuer"),
        related_name="awards",
    ),
    Section(
        "discipline",
        "Kỷ luật",
        m.Discipline,
        ("22",),
        (6,),
        (
            "decision_date",
            "form_code",
            "reason",
            "decision_number",
            "issuer",
            "effect_from",
            "effect_to",
        ),
        related_name="disciplines",
    ),
    Section(
        "legal_records",
        "Án, kiểm điểm, điều tra",
        m.LegalRecord,
        (),
        (6,),
        ("kind", "from_date", "to_date", "authority", "document_number", "note"),
        related_name="legal_records",
    ),
    Section(
        "evaluations",
        "Đánh giá, xếp loại hằng năm",
        m.Evaluation,
        ("32",),
        (6,),
        ("year", "grade_code", "score", "note"),
        related_name="evaluations",
    ),
    Section(
        "health",
        "Sức khỏe",
        m.HealthRecord,
        ("23",),
        (10,),
        ("exam_date", "status", "height_cm", "weight_kg", "blood_group", "conditions"),
        related_name="health_records",
    ),
    Section(
        "personal_history",
        "Đặc điểm lịch sử bản thân",
        m.PersonalHistory,
        ("29",),
        (3,),
        ("arrests", "former_regime", "foreign_organizations", "relatives_abroad", "declared_on"),
        many=False,
        related_name="personal_history",
    ),
    Section(
        "family",
        "Quan hệ gia đình",
        m.FamilyMember,
        ("30",),
        (2,),
        (
            "side",
            "relation_code",
            "full_name",
            "birth_year",
            "death_year",
            "personal_id",
            "home_town",
            "occupation",
            "workplace",
            "residence",
            "memberships",
        ),
        related_name="family",
    ),
    Section(
        "assets",
        "Tài sản, thu nhập",
        m.AssetDeclaration,
        (),
        (9,),
        ("year", "declared_on", "income", "houses", "land", "other_assets"),
        related_name="asset_declarations",
    ),
    Section(
        "assessments",
        "Nhận xét, đánh giá của cơ quan",
        m.Assessment,
        ("32",),
        (6,),
        ("assessed_on", "text", "assessor"),
        related_name="assessments",
    ),
)

BY_KEY = {section.key: section for section in SECTIONS}


def section_field(section: Section, name: str) -> models.Field:
    """The model field of one of the section's `fields` (always a concrete column)."""
    return cast(models.Field, section.model._meta.get_field(name))


def field_label(section: Section, name: str) -> str:
    return str(section_field(section, name).verbose_name)


def all_field_ids() -> list[str]:
    """`section.field` identifiers, the keys of the field classification catalog."""
    return [f"{s.key}.{name}" for s in SECTIONS for name in s.fields]
