"""The dossier: a person and every section of Mẫu 2C-BNV/2008 and the 10 data groups of
NĐ 27/2026 (R-CONTENT, R-CAREER, R-POPULATION).

Single-valued items live on `Person`; every history is its own table with from–to dates.
Catalog values are stored as stable codes. Rows are never deleted (`on_delete=PROTECT`):
corrections supersede. Only `people.services` writes these tables; only `people.selectors`
reads them, behind `access.policies`. `docs/data-model.md` maps each form item to its field.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from hoso.core.fields import EncryptedField


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class StaffStatus(models.TextChoices):
    WORKING = "working", "Đang công tác"
    RETIRED = "retired", "Đã nghỉ hưu"
    RESIGNED = "resigned", "Đã thôi việc"
    DECEASED = "deceased", "Đã từ trần"
    DISMISSED = "dismissed", "Bị buộc thôi việc"


class SecretLabel(models.TextChoices):
    NONE = "", "Không"
    MAT = "mat", "Mật"
    TOI_MAT = "toi_mat", "Tối mật"
    TUYET_MAT = "tuyet_mat", "Tuyệt mật"


class FamilySide(models.TextChoices):
    OWN = "own", "Về bản thân"
    SPOUSE = "spouse", "Về bên vợ (hoặc chồng)"


class Person(models.Model):
    # Identity (item 25, NĐ 27 group 1): the key of the dossier and of the résumé.
    personal_id = models.CharField("Số định danh cá nhân", max_length=12, unique=True)
    full_name = models.CharField("Họ và tên khai sinh", max_length=120)
    other_names = models.CharField("Tên gọi khác", max_length=200, blank=True)
    birth_date = models.DateField("Ngày sinh")
    sex = models.CharField("Giới tính", max_length=1, choices=Sex.choices)
    birth_place = models.CharField("Nơi sinh", max_length=300, blank=True)
    birth_place_code = models.CharField("Mã tỉnh nơi sinh", max_length=8, blank=True)
    home_town = models.CharField("Quê quán", max_length=300, blank=True)
    home_town_code = models.CharField("Mã tỉnh quê quán", max_length=8, blank=True)
    # Sensitive personal data (Luật 91/2025, NĐ 356/2025) is encrypted at rest; the ethnicity
    # filter and the religion counts go through blind indexes.
    ethnicity = EncryptedField("Dân tộc")
    ethnicity_bidx = models.CharField(max_length=32, db_index=True, editable=False, default="")
    religion = EncryptedField("Tôn giáo", default="00")
    religion_bidx = models.CharField(max_length=32, db_index=True, editable=False, default="")
    nationality = models.CharField("Quốc tịch", max_length=2, default="VN")
    marital_status = models.CharField("Tình trạng hôn nhân", max_length=16, blank=True)
    permanent_residence = models.CharField("Nơi đăng ký thường trú", max_length=300, blank=True)
    current_residence = models.CharField("Nơi ở hiện nay", max_length=300, blank=True)
    phone = EncryptedField("Số điện thoại")
    email = models.EmailField("Thư điện tử", blank=True)
    old_id_number = models.CharField("Số CMND cũ", max_length=9, blank=True)
    id_issue_date = models.DateField("Ngày cấp thẻ căn cước", null=True, blank=True)
    id_issue_place = models.CharField("Nơi cấp thẻ căn cước", max_length=200, blank=True)
    social_insurance_number = EncryptedField("Số sổ BHXH")
    health_insurance_number = EncryptedField("Số thẻ BHYT")

    # Header of Mẫu 2C and NĐ 27 group 6: who manages and who uses this person.
    file_number = models.CharField("Số hiệu cán bộ, công chức", max_length=32, blank=True)
    staff_category = models.CharField("Đối tượng", max_length=32)
    managing_agency = models.ForeignKey(
        "orgs.Organization",
        verbose_name="Cơ quan quản lý",
        on_delete=models.PROTECT,
        related_name="managed_people",
    )
    current_unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name="Đơn vị sử dụng",
        on_delete=models.PROTECT,
        related_name="people",
    )
    status = models.CharField(
        "Tình trạng", max_length=16, choices=StaffStatus.choices, default=StaffStatus.WORKING
    )

    # Items 10, 11, 13 (NĐ 27 group 4).
    occupation_at_recruitment = models.CharField(
        "Nghề nghiệp khi được tuyển dụng", max_length=200, blank=True
    )
    recruitment_date = models.DateField("Ngày tuyển dụng", null=True, blank=True)
    recruitment_agency = models.CharField("Cơ quan tuyển dụng", max_length=300, blank=True)
    main_duties = models.TextField("Công việc chính được giao", blank=True)

    # Item 15 (NĐ 27 group 5): the summary line of the résumé; details are in `Training`.
    general_education = models.CharField("Giáo dục phổ thông", max_length=16, blank=True)
    highest_qualification = models.CharField(
        "Trình độ chuyên môn cao nhất", max_length=32, blank=True
    )
    qualification_field = models.CharField("Chuyên ngành", max_length=200, blank=True)
    political_theory = models.CharField("Lý luận chính trị", max_length=32, blank=True)
    state_management = models.CharField("Quản lý nhà nước", max_length=32, blank=True)
    foreign_language = models.CharField("Ngoại ngữ", max_length=100, blank=True)
    it_level = models.CharField("Tin học", max_length=100, blank=True)

    # Items 19, 20, 24.
    highest_honour = models.CharField(
        "Danh hiệu được phong tặng cao nhất", max_length=200, blank=True
    )
    strengths = models.CharField("Sở trường công tác", max_length=300, blank=True)
    war_invalid_grade = EncryptedField("Thương binh hạng")
    policy_family = EncryptedField("Gia đình chính sách")

    # Protection (R-SECRET, R-SPECIAL): read by access policies.
    secret_label = models.CharField(
        "Độ mật", max_length=16, choices=SecretLabel.choices, blank=True, default=""
    )
    special_category = models.BooleanField("Diện Ban Thường vụ Tỉnh ủy quản lý", default=False)

    # Current state, maintained by `people.services` from the histories, so that search,
    # filters and counts are single indexed queries.
    current_position_code = models.CharField(max_length=32, blank=True, db_index=True)
    current_rank_code = models.CharField(max_length=32, blank=True, db_index=True)
    current_salary_step = models.PositiveSmallIntegerField(null=True, blank=True)
    is_party_member = models.BooleanField(default=False)
    # The current unit's materialized path ("/1/4/9/"), kept equal to `current_unit.path` by
    # the write path and by `people.services.unit_reparent`: a unit-subtree filter is one
    # indexed prefix match on this table, without joining the organizations (issue 13).
    unit_path = models.CharField(max_length=255, default="", editable=False)
    completeness = models.FloatField(default=0.0)
    missing_required = models.PositiveSmallIntegerField(default=0)

    # Search keys (docs/decisions/0002-search-normalization.md).
    name_norm = models.CharField(max_length=150, editable=False)
    search_text = models.CharField(max_length=600, editable=False)
    sort_key = models.CharField(max_length=250, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["sort_key", "personal_id"], name="person_sort_idx"),
            models.Index(fields=["current_unit", "sort_key"], name="person_unit_sort_idx"),
            models.Index(fields=["birth_date"], name="person_birth_idx"),
            models.Index(fields=["staff_category", "sex"], name="person_category_sex_idx"),
            # `varchar_pattern_ops` on PostgreSQL, so `LIKE '/1/4/%'` uses it whatever the
            # collation; a plain index elsewhere.
            models.Index(
                fields=["unit_path"], name="person_unit_path_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recruitment_date__isnull=True)
                | Q(recruitment_date__gt=F("birth_date")),
                name="person_recruited_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.personal_id})"


class SectionRow(models.Model):
    """A row of a dossier section; never deleted, superseded by corrections."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


def _period_ordered(
    name: str, start: str = "from_date", end: str = "to_date"
) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}), name=name
    )


class Training(SectionRow):
    """Item 27 and 15.2–15.6 (NĐ 27 group 5): training, fostering, political theory, …"""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trainings")
    kind = models.CharField("Loại", max_length=32)
    institution = models.CharField("Tên trường, cơ sở đào tạo", max_length=300)
    field_of_study = models.CharField("Ngành học", max_length=200, blank=True)
    from_date = models.DateField("Từ")
    to_date = models.DateField("Đến", null=True, blank=True)
    mode = models.CharField("Hình thức", max_length=32, blank=True)
    qualification = models.CharField("Văn bằng, trình độ", max_length=32, blank=True)
    diploma = models.CharField("Văn bằng, chứng chỉ", max_length=200, blank=True)

    class Meta:
        ordering = ["person", "from_date"]
        constraints = [_period_ordered("training_period_ordered")]


class WorkHistory(SectionRow):
    """Item 28 (NĐ 27 groups 4, 6): where and as what the person worked, from–to."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="work_history")
    from_date = models.DateField("Từ")
    to_date = models.DateField("Đến", null=True, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="Đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    unit_name = models.CharField("Đơn vị công tác", max_length=300)
    title = models.CharField("Chức danh, chức vụ", max_length=200)

    class Meta:
        ordering = ["person", "from_date"]
        constraints = [_period_ordered("work_period_ordered")]


class PositionAssignment(SectionRow):
    """Item 12 (NĐ 27 groups 4, 6): leadership positions and job positions, main or concurrent."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positions")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="Đơn vị", on_delete=models.PROTECT
    )
    position_code = models.CharField("Chức vụ", max_length=32, blank=True)
    job_position = models.ForeignKey(
        "orgs.JobPosition",
        verbose_name="Vị trí việc làm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    is_main = models.BooleanField("Chức vụ chính", default=True)
    from_date = models.DateField("Từ")
    to_date = models.DateField("Đến", null=True, blank=True)
    decision_number = models.CharField("Số quyết định", max_length=64, blank=True)

    class Meta:
        ordering = ["person", "from_date"]
        constraints = [
            _period_ordered("position_period_ordered"),
            # The law allows one current main position; concurrent ones are `is_main=False`.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_main=True, to_date__isnull=True),
                name="one_current_main_position",
            ),
        ]


class SalaryHistory(SectionRow):
    """Items 14 and 31 (NĐ 27 group 6): rank, step, coefficient and allowances from a date."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="salary_history")
    from_date = models.DateField("Hưởng từ ngày")
    rank_code = models.CharField("Mã ngạch", max_length=32)
    step = models.PositiveSmallIntegerField("Bậc lương")
    coefficient = models.DecimalField("Hệ số lương", max_digits=5, decimal_places=2)
    over_frame_percent = models.PositiveSmallIntegerField(
        "Phụ cấp thâm niên vượt khung (%)", default=0
    )
    position_allowance = models.DecimalField(
        "Phụ cấp chức vụ", max_digits=4, decimal_places=2, default=0
    )
    other_allowances = models.CharField("Phụ cấp khác", max_length=200, blank=True)
    decision_number = models.CharField("Số quyết định", max_length=64, blank=True)

    class Meta:
        ordering = ["person", "from_date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "from_date"], name="salary_one_per_date")
        ]


class Award(SectionRow):
    """Items 19, 21 (NĐ 27 group 6)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="awards")
    award_date = models.DateField("Ngày khen thưởng")
    form_code = models.CharField("Hình thức", max_length=32)
    reason = models.CharField("Nội dung", max_length=300, blank=True)
    decision_number = models.CharField("Số quyết định", max_length=64, blank=True)
    issuer = models.CharField("Cấp quyết định", max_length=200, blank=True)

    class Meta:
        ordering = ["person", "award_date"]


class Discipline(SectionRow):
    """Item 22 (NĐ 27 group 6) and the period the sanction restricts (R-APPOINT-SAFE)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disciplines")
    decision_date = models.DateField("Ngày quyết định")
    form_code = models.CharField("Hình thức kỷ luật", max_length=32)
    reason = models.CharField("Lý do", max_length=300)
    decision_number = models.CharField("Số quyết định", max_length=64, blank=True)
    issuer = models.CharField("Cấp quyết định", max_length=200, blank=True)
    effect_from = models.DateField("Có hiệu lực từ")
    effect_to = models.DateField("Hết hiệu lực", null=True, blank=True)

    class Meta:
        ordering = ["person", "decision_date"]
        constraints = [_period_ordered("discipline_period_ordered", "effect_from", "effect_to")]


class Evaluation(SectionRow):
    """Yearly evaluation and grading (R-CAREER, NĐ 27 group 6)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField("Năm")
    grade_code = models.CharField("Xếp loại", max_length=16)
    score = models.DecimalField("Điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField("Ghi chú", max_length=300, blank=True)

    class Meta:
        ordering = ["person", "year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="evaluation_per_year")
        ]


class PartyMembership(SectionRow):
    """Item 16 (NĐ 27 group 7)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="party_memberships")
    admission_date = models.DateField("Ngày vào Đảng")
    official_date = models.DateField("Ngày chính thức", null=True, blank=True)
    left_date = models.DateField("Ngày ra khỏi Đảng", null=True, blank=True)
    card_number = models.CharField("Số thẻ đảng viên", max_length=32, blank=True)

    class Meta:
        ordering = ["person", "admission_date"]
        constraints = [
            _period_ordered("party_official_after_admission", "admission_date", "official_date"),
            _period_ordered("party_left_after_admission", "admission_date", "left_date"),
        ]


class OrgMembership(SectionRow):
    """Item 17 (NĐ 27 group 7): socio-political organizations."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="org_memberships")
    org_code = models.CharField("Tổ chức", max_length=32)
    role = models.CharField("Chức vụ trong tổ chức", max_length=200, blank=True)
    from_date = models.DateField("Ngày tham gia")
    to_date = models.DateField("Đến", null=True, blank=True)

    class Meta:
        ordering = ["person", "from_date"]
        constraints = [_period_ordered("orgmembership_period_ordered")]


class MilitaryService(SectionRow):
    """Item 18 (NĐ 27 group 8): armed-forces service."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="military_service")
    from_date = models.DateField("Ngày nhập ngũ")
    to_date = models.DateField("Ngày xuất ngũ", null=True, blank=True)
    highest_rank_code = models.CharField("Quân hàm cao nhất", max_length=32, blank=True)
    unit_name = models.CharField("Đơn vị", max_length=200, blank=True)

    class Meta:
        ordering = ["person", "from_date"]
        constraints = [_period_ordered("military_period_ordered")]


class HealthRecord(SectionRow):
    """Item 23 (NĐ 27 group 10): health status, height, weight, blood group."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="health_records")
    exam_date = models.DateField("Ngày khám")
    status = EncryptedField("Tình trạng sức khỏe")
    height_cm = EncryptedField("Chiều cao (cm)", kind="int", null=True)
    weight_kg = EncryptedField("Cân nặng (kg)", kind="int", null=True)
    blood_group = EncryptedField("Nhóm máu")
    conditions = EncryptedField("Bệnh mãn tính")

    class Meta:
        ordering = ["person", "exam_date"]


class PersonalHistory(SectionRow):
    """Item 29 (NĐ 27 group 3): the person's own declarations on their history."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="personal_history")
    arrests = EncryptedField("Bị bắt, bị tù (từ ngày, tháng, năm nào; ở đâu)")
    former_regime = EncryptedField("Làm việc trong chế độ cũ")
    foreign_organizations = EncryptedField("Tham gia hoặc có quan hệ với tổ chức ở nước ngoài")
    relatives_abroad = EncryptedField("Thân nhân ở nước ngoài")
    declared_on = models.DateField("Ngày khai")


class FamilyMember(SectionRow):
    """Item 30 (NĐ 27 group 2): own family (a) and the spouse's family (b)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="family")
    side = models.CharField("Bên", max_length=8, choices=FamilySide.choices)
    relation_code = models.CharField("Quan hệ", max_length=32)
    full_name = models.CharField("Họ và tên", max_length=120)
    birth_year = models.PositiveSmallIntegerField("Năm sinh", null=True, blank=True)
    death_year = models.PositiveSmallIntegerField("Năm mất", null=True, blank=True)
    personal_id = models.CharField("Số định danh cá nhân", max_length=12, blank=True)
    home_town = models.CharField("Quê quán", max_length=300, blank=True)
    occupation = models.CharField("Nghề nghiệp", max_length=200, blank=True)
    workplace = models.CharField("Chức danh, chức vụ, đơn vị công tác", max_length=300, blank=True)
    residence = models.CharField("Nơi ở", max_length=300, blank=True)
    memberships = models.CharField(
        "Thành viên các tổ chức chính trị - xã hội", max_length=300, blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["person", "side", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(death_year__isnull=True)
                | Q(birth_year__isnull=True)
                | Q(death_year__gte=F("birth_year")),
                name="family_death_after_birth",
            )
        ]


class AssetDeclaration(SectionRow):
    """NĐ 27 group 9: assets and income, one declaration per year."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="asset_declarations")
    year = models.PositiveSmallIntegerField("Năm kê khai")
    declared_on = models.DateField("Ngày kê khai")
    income = EncryptedField("Tổng thu nhập (đồng)", kind="decimal", null=True)
    houses = EncryptedField("Nhà ở, công trình xây dựng")
    land = EncryptedField("Quyền sử dụng đất")
    other_assets = EncryptedField("Tài sản khác")

    class Meta:
        ordering = ["person", "year"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="asset_per_year")]


class CareerEvent(SectionRow):
    """NĐ 27 group 4: recruitment, election, appointment, planning, transfer, rotation,
    secondment, resignation, retirement — each from a personnel decision."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="career_events")
    decision_type = models.CharField("Loại quyết định", max_length=32)
    decision_number = models.CharField("Số quyết định", max_length=64)
    signed_date = models.DateField("Ngày ký")
    issuer = models.CharField("Cơ quan ban hành", max_length=200)
    effective_date = models.DateField("Ngày hiệu lực")
    summary = models.CharField("Trích yếu", max_length=300, blank=True)

    class Meta:
        ordering = ["person", "effective_date"]
        constraints = [
            _period_ordered("career_effective_after_signed", "signed_date", "effective_date")
        ]


class Assessment(SectionRow):
    """Item 32: the agency's assessment of the person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField("Ngày nhận xét")
    text = models.TextField("Nhận xét, đánh giá của cơ quan")
    assessor = models.CharField("Thủ trưởng cơ quan", max_length=120, blank=True)

    class Meta:
        ordering = ["person", "assessed_on"]


class LegalRecord(SectionRow):
    """Sentences, convictions, disciplinary reviews and investigations (R-APPOINT-SAFE, issue
    12): what the eligibility engine must see although the résumé has no item for it.
    Criminal data is sensitive personal data (Luật BVDLCN 91/2025/QH15): encrypted at rest."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legal_records")
    kind = EncryptedField("Loại")
    from_date = models.DateField("Từ ngày")
    to_date = models.DateField("Đến ngày", null=True, blank=True)
    authority = EncryptedField("Tòa án, cơ quan")
    document_number = EncryptedField("Số bản án, văn bản")
    note = EncryptedField("Ghi chú")

    class Meta:
        ordering = ["person", "from_date"]
        constraints = [_period_ordered("legal_record_period_ordered")]


class PlanningMembership(SectionRow):
    """Succession planning (quy hoạch, NĐ 27 group 4): in the plan of a term for a post."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plannings")
    term = models.CharField("Nhiệm kỳ", max_length=9)
    position_code = models.CharField("Chức danh quy hoạch", max_length=32)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="Đơn vị", on_delete=models.PROTECT
    )
    from_date = models.DateField("Từ ngày")
    to_date = models.DateField("Đến ngày", null=True, blank=True)
    decision_number = models.CharField("Số quyết định", max_length=64, blank=True)
    removal_reason = models.CharField("Lý do đưa ra khỏi quy hoạch", max_length=300, blank=True)

    class Meta:
        ordering = ["person", "from_date"]
        constraints = [_period_ordered("planning_period_ordered")]
