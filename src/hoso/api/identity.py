"""/api/v1/identity/{personal_id}: what a personal identification number says (pure)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router

from hoso import identity
from hoso.api.schemas import ErrorOut, IdentityOut

router = Router(tags=["identity"])


@router.get("/identity/{personal_id}", response={200: IdentityOut, 401: ErrorOut})
def identity_decode(
    request: HttpRequest, personal_id: str, birth_date: date | None = None, sex: str | None = None
) -> dict:
    return identity.decode(personal_id, birth_date=birth_date, sex=sex).as_dict()
