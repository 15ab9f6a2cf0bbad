"""Citizens' ratings on a demo node (R-TRANSPARENT): enough answers about the unit of the demo's
procedures for its satisfaction to show on the public page and the leaders' dashboard, sent
through `procedures.services.feedback_submit` as a citizen's form would."""

from __future__ import annotations

import math
from typing import TextIO

from django.conf import settings

from hoso.procedures.models import Procedure, ServiceFeedback
from hoso.procedures.services import feedback_submit

ANSWERS = (
    ("5", "Cán bộ hướng dẫn tận tình, hồ sơ được giải quyết đúng hẹn."),
    ("4", "Thủ tục rõ ràng, tra cứu được tiến độ trên mạng."),
    ("4", ""),
    ("3", "Bước thẩm định còn chậm so với dự kiến."),
    ("5", "Hài lòng."),
)


def feedback_create(out: TextIO) -> int:
    """Send the demo's answers once (idempotent), each from its own documentation address
    (RFC 5737: only counted by the rate limit, never kept)."""
    unit = Procedure.objects.values_list("unit_code", flat=True).order_by("pk").first()
    if unit is None or ServiceFeedback.objects.exists():
        return 0
    out.write("Ghi các ý kiến đánh giá của người dân…\n")
    answers = ANSWERS * math.ceil(settings.HOSO_PUBLIC_MIN_COUNT / len(ANSWERS))
    for i, (rating, comment) in enumerate(answers):
        feedback_submit(address=f"192.0.2.{i + 1}", unit_code=unit, rating=rating, comment=comment)
    return len(answers)
