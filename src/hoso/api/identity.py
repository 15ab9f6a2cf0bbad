"""/api/v1/identity/{personal_id}: what a personal identification number says (pure)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from hoso import identity
from hoso.api.params import OptDate, OptSex, responses
from hoso.api.schemas import IdentityOut

router = Router(tags=["Số định danh cá nhân"])


class IdentityHints(Schema):
    """The recorded facts to cross-check the number against, validated before decoding: a sex
    other than M/F or a date outside the API's range is a 422, never a server error."""

    birth_date: OptDate = None
    sex: OptSex = None


@router.get(
    "/identity/{personal_id}",
    response=responses({200: IdentityOut}),
    summary="Giải mã số định danh cá nhân và đối chiếu với ngày sinh, giới tính đã khai",
)
def identity_decode(request: HttpRequest, personal_id: str, hints: Query[IdentityHints]) -> dict:
    return identity.decode(personal_id, birth_date=hints.birth_date, sex=hints.sex).as_dict()
