"""`hoso completeness refresh`: stored completeness follows the standard when its catalogs
change (R-COMPLETE), batched with progress, audited, content untouched."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from hoso.audit.models import AuditAction, AuditEvent
from hoso.catalog.selectors import clear_cache
from hoso.catalog.services import catalog_load_document
from hoso.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_catalog_cache():
    # The test loads a changed catalog inside its rolled-back transaction: the per-process
    # catalog cache (and the standard built from it) must not keep it for the next tests.
    clear_cache()
    yield
    clear_cache()


def test_refresh_recomputes_the_stored_values_after_the_standard_changes(make_dossier):
    people = [make_dossier(full_name=f"Lê Văn {n}", identity={"email": ""}) for n in "ABC"]
    assert all(p.missing_required == 0 for p in people)
    # The standard now requires the e-mail as well (a catalog update, as an operator loads).
    from hoso.catalog.services import builtin_files

    path = next(p for p in builtin_files() if p.stem == "required_field")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entries"].append(
        {
            "code": "identity.email",
            "name": "Thông tin chung: Thư điện tử",
            "attrs": {"group": 1, "form_item": "", "source": "cv_639"},
        }
    )
    catalog_load_document(doc=doc, source="required_field.json")
    clear_cache()
    out = io.StringIO()
    before = AuditEvent.objects.filter(action=AuditAction.DOSSIER_WRITE).count()
    call_command("completeness", "refresh", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert "Đã tính 2/3 hồ sơ (66%)" in text and "Đã tính 3/3 hồ sơ (100%)" in text
    assert "Xong: 3 hồ sơ thay đổi mức độ đầy đủ" in text
    for person in Person.objects.filter(pk__in=[p.pk for p in people]):
        assert person.missing_required == 1 and person.completeness < 1
    events = AuditEvent.objects.filter(action=AuditAction.DOSSIER_WRITE).order_by("seq")
    assert events.count() == before + 2  # one per batch that changed something
    assert events.last().detail["operation"] == "completeness_refresh"
    # Run again: nothing changes, nothing is written.
    again = io.StringIO()
    call_command("completeness", "refresh", stdout=again)
    assert "Xong: 0 hồ sơ" in again.getvalue()
    assert AuditEvent.objects.filter(action=AuditAction.DOSSIER_WRITE).count() == before + 2


def test_a_batch_read_gives_each_dossier_exactly_as_one_read_does(make_dossier):
    from hoso.people.selectors import _dossier_data, _dossier_data_many  # the write path's

    people = [
        make_dossier(),
        make_dossier(full_name="Trần Thị Bình", sex="F", health=[], personal_history=None),
        make_dossier(full_name="Lê Văn Cường", unit="T01.XA"),
    ]
    batch = _dossier_data_many(people)
    for person in people:
        assert batch[person.pk] == _dossier_data(person)


def test_the_demo_recomputes_when_loading_the_catalogs_changed_the_standard():
    from hoso.catalog.services import LoadReport
    from hoso.demo.node import standard_changed

    assert standard_changed([LoadReport("required_field", updated=1)])
    assert standard_changed([LoadReport("pay_group", versioned=2)])
    assert not standard_changed([LoadReport("required_field", unchanged=73)])
    assert not standard_changed([LoadReport("ethnicity", created=54)])
