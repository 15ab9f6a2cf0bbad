"""Imports in chunks (issue 13, items 1 and 3; docs/decisions/0018): the same content hashes
from a workbook and from JSON lines, a workbook streamed when its sheets keep hoso's order,
a chunk journal that a rerun skips, ids repeated across chunks, the bulk approval signing
every version, and the bad input of the issue's list that earlier tests did not cover
(R-DIGITIZE, R-10D-CREATE, R-CORRECT)."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from openpyxl import load_workbook
from tests.exchange.import_helpers import jsonl_write, same_values, xlsx_write

from conftest import dossier
from hoso.access.system import system_dossier
from hoso.audit.purposes import Purpose
from hoso.audit.verify import chain_verify
from hoso.changes.models import ChangeSet, ChangeStatus, Obligation
from hoso.changes.signatures import approval_verify
from hoso.exchange.imports.layout import SHEETS
from hoso.exchange.imports.manifest import batch_verify
from hoso.exchange.imports.readers import read, read_xlsx, scan
from hoso.exchange.imports.services import batch_approve, content_sha256, import_run
from hoso.exchange.models import ImportChunk, ImportItem
from hoso.people.reference import load_reference
from hoso.people.selectors import person_by_id

TRAINING = next(s for s in SHEETS if s.section.key == "training")


def test_the_same_dossiers_hash_alike_from_a_workbook_and_from_json_lines(db, tmp_path) -> None:
    people = [dossier(full_name=f"Trần Thị Bình {i}", sex="F") for i in range(3)]
    ref = load_reference()
    book = {p.personal_id: p for p in read(xlsx_write(tmp_path / "a.xlsx", people), ref)}
    lines = {p.personal_id: p for p in read(jsonl_write(tmp_path / "a.jsonl", people), ref)}
    assert set(book) == set(lines) == {d["identity"]["personal_id"] for d in people}
    for pid, parsed in book.items():
        assert content_sha256(parsed.data) == content_sha256(lines[pid].data)
    other = dict(people[0], identity={**people[0]["identity"], "full_name": "Trần Thị Khác"})
    assert content_sha256(other) != content_sha256(people[0])


def test_a_workbook_in_hoso_order_streams_and_one_out_of_order_is_gathered(db, tmp_path) -> None:
    people = [dossier(full_name=f"Lê Văn An {i}") for i in range(3)]
    path = xlsx_write(tmp_path / "thu-tu.xlsx", people)
    ids, ordered = scan(path)
    assert ordered and ids == [d["identity"]["personal_id"] for d in people]
    ref = load_reference()
    streamed = list(read_xlsx(path, ref, ordered=True))
    gathered = list(read_xlsx(path, ref, ordered=False))
    assert [(p.personal_id, p.data, p.origin) for p in streamed] == [
        (p.personal_id, p.data, p.origin) for p in gathered
    ]
    # A training row of the first person added below the others: not hoso's order any more.
    book = load_workbook(path)
    sheet = book[TRAINING.name]
    first = [c.value for c in sheet[3]]
    sheet.append([*first[:1], *first[1:]])
    book.save(path)
    assert scan(path)[1] is False
    again = {p.personal_id: p for p in read_xlsx(path, ref, ordered=False)}
    pid = people[0]["identity"]["personal_id"]
    assert len(again[pid].data["training"]) == len(people[0]["training"]) + 1
    assert again[pid].origin[f"training[{len(people[0]['training'])}].from_date"][1] == (
        sheet.max_row
    )


def test_chunks_are_journaled_and_a_rerun_skips_those_that_landed_whole(
    personas, tmp_path, settings
) -> None:
    settings.HOSO_IMPORT_CHUNK = 2
    people = [dossier(full_name=f"Phạm Văn Dũng {i}") for i in range(5)]
    people[3]["training"][0]["to_date"] = "2002-06-30"  # ends before it starts: chunk 1
    path = jsonl_write(tmp_path / "dot.jsonl", people)
    first = import_run(acting_user=personas["nhaplieu"], paths=[path], dry_run=False)
    assert (first.read, first.imported, first.failed) == (5, 4, 1)
    chunks = list(ImportChunk.objects.order_by("number").values_list("number", "failed"))
    assert chunks == [(0, 0), (1, 1), (2, 0)]
    again = import_run(acting_user=personas["nhaplieu"], paths=[path], dry_run=False)
    # Chunks 0 and 2 are skipped unread; chunk 1 is checked again, its problem said again.
    assert (again.read, again.imported, again.unchanged, again.failed) == (5, 0, 4, 1)
    assert {i.personal_id for i in again.issues} == {people[3]["identity"]["personal_id"]}
    assert ImportItem.objects.count() == ChangeSet.objects.count() == 4


def test_an_id_repeated_in_another_chunk_or_file_refuses_every_copy(
    personas, tmp_path, settings
) -> None:
    settings.HOSO_IMPORT_CHUNK = 2
    people = [dossier(full_name=f"Võ Thị Em {i}", sex="F") for i in range(4)]
    twice = people[0]["identity"]["personal_id"]
    first = jsonl_write(tmp_path / "mot.jsonl", [*people, people[0]])  # chunks 0 and 2
    second = jsonl_write(tmp_path / "hai.jsonl", [people[1]])  # and in another file
    outcome = import_run(acting_user=personas["nhaplieu"], paths=[first, second], dry_run=False)
    repeated = [i for i in outcome.issues if i.code == "duplicate_in_file"]
    assert sorted(i.personal_id for i in repeated) == sorted(
        [twice, twice, people[1]["identity"]["personal_id"], people[1]["identity"]["personal_id"]]
    )
    assert "xuất hiện nhiều lần" in repeated[0].message
    assert (outcome.imported, outcome.failed) == (2, 4)
    assert not ChangeSet.objects.filter(personal_id__in=[twice]).exists()


def test_a_person_managed_elsewhere_on_the_node_is_refused_without_telling_where(
    personas, orgs, make_dossier, tmp_path
) -> None:
    elsewhere = make_dossier(full_name="Ở Nơi Khác", unit="B01.VP")
    data = dossier(full_name="Ở Nơi Khác")
    data["identity"]["personal_id"] = elsewhere.personal_id
    path = jsonl_write(tmp_path / "khac.jsonl", [data, dossier(full_name="Người Mới")])
    outcome = import_run(acting_user=personas["nhaplieu"], paths=[path], dry_run=False)
    [issue] = outcome.issues
    assert issue.code == "already_managed" and issue.personal_id == elsewhere.personal_id
    assert orgs["office"].name not in issue.message and orgs["office"].code not in issue.message
    assert (outcome.imported, outcome.failed) == (1, 1)
    assert not ChangeSet.objects.filter(personal_id=elsewhere.personal_id).exists()


def test_a_file_of_a_gigabyte_is_refused_by_its_size_before_it_is_read(personas, tmp_path):
    for name in ("lon.jsonl", "lon.xlsx"):
        big = tmp_path / name
        with big.open("wb") as handle:  # sparse: a gigabyte on paper, nothing on disk
            handle.write(b"PK\x03\x04" if name.endswith("xlsx") else b"{")
            handle.truncate(1024**3)
        began = time.perf_counter()
        outcome = import_run(acting_user=personas["nhaplieu"], paths=[big], dry_run=True)
        assert time.perf_counter() - began < 5  # refused from its size, not read
        assert [(i.file, i.code) for i in outcome.issues] == [(name, "too_big")]
        assert "1.073.741.824 byte" in outcome.issues[0].message
        assert "536.870.912 byte" in outcome.issues[0].message


def test_a_json_lines_file_cut_short_lands_its_whole_lines_and_says_where(personas, tmp_path):
    people = [dossier(full_name=f"Đặng Văn Phúc {i}") for i in range(3)]
    path = jsonl_write(tmp_path / "cut.jsonl", people)
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.rindex(b"\n", 0, len(raw) - 1) + 40])  # the third line cut
    outcome = import_run(acting_user=personas["nhaplieu"], paths=[path], dry_run=False)
    [issue] = outcome.issues
    assert (issue.code, issue.row) == ("truncated", 3)
    assert issue.message == "Dòng cuối bị cắt cụt: tệp không đầy đủ."
    assert outcome.imported == 2
    assert not ChangeSet.objects.filter(personal_id=people[2]["identity"]["personal_id"]).exists()


def test_a_formula_in_a_history_row_keeps_its_whole_dossier_out(personas, tmp_path) -> None:
    people = [dossier(full_name=f"Bùi Thị Giang {i}", sex="F") for i in range(2)]
    path = xlsx_write(tmp_path / "cong-thuc.xlsx", people)
    book = load_workbook(path)
    column = TRAINING.keys.index("institution") + 1
    book[TRAINING.name].cell(4, column, '=HYPERLINK("http://x","y")')  # the second person's
    book.save(path)
    outcome = import_run(acting_user=personas["nhaplieu"], paths=[path], dry_run=False)
    [issue] = outcome.issues
    assert (issue.code, issue.sheet, issue.row) == ("formula", TRAINING.name, 4)
    assert "công thức" in issue.message
    assert outcome.imported == 1
    assert not ChangeSet.objects.filter(personal_id=people[1]["identity"]["personal_id"]).exists()


def test_the_bulk_approval_signs_every_version_and_closes_the_deadlines(
    personas, tmp_path, settings
) -> None:
    settings.HOSO_IMPORT_CHUNK = 2
    people = [dossier(full_name=f"Hồ Văn Hải {i}") for i in range(3)]
    path = jsonl_write(tmp_path / "duyet.jsonl", people)
    outcome = import_run(acting_user=personas["nhaplieu"], paths=[path], dry_run=False)
    assert Obligation.objects.filter(done_at__isnull=True).count() == 3  # R-10D-CREATE
    batch = batch_approve(acting_user=personas["quanly"], batch_id=outcome.batch_id)
    assert batch_verify(batch).valid
    assert not Obligation.objects.filter(done_at__isnull=True).exists()
    for data in people:
        pid = data["identity"]["personal_id"]
        assert approval_verify(pid, 1).valid
        stored = system_dossier(purpose=Purpose.SYSTEM_CHANGE, person=person_by_id(pid))
        assert same_values(data, stored) == []
    assert set(ChangeSet.objects.values_list("status", flat=True)) == {ChangeStatus.APPLIED}
    assert chain_verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers need a server database")
def test_two_workers_import_the_same_as_one(personas_committed, tmp_path, settings) -> None:
    settings.HOSO_IMPORT_CHUNK = 2
    people = [dossier(full_name=f"Ngô Thị Lan {i}", sex="F") for i in range(7)]
    people[4]["identity"]["birth_date"] = "2020-02-31"
    path = jsonl_write(tmp_path / "song-song.jsonl", people)
    ticks: list[int] = []
    outcome = import_run(
        acting_user=personas_committed["nhaplieu"],
        paths=[path],
        dry_run=False,
        jobs=2,
        progress=ticks.append,
    )
    assert (outcome.read, outcome.imported, outcome.failed) == (7, 6, 1)
    assert sum(ticks) == 7 and len(ticks) == 4  # one tick a chunk, in the file's order
    assert ImportChunk.objects.count() == 4
    assert ImportItem.objects.count() == ChangeSet.objects.count() == 6
