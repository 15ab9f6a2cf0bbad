"""Processing a component after it is kept: the PDF/A-2b copy with its text layer (`ocr`),
the index of the words read, then the consistency check. Run by the task
`services.tasks.process_component` (which imports this module; `services.components`
enqueues that task on commit, so nothing here imports back and there is no loop).

When OCR fails the component waits for a person (status NEEDS_REVIEW, the reason in
`status_note`): the original is never touched, nothing is lost.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from hoso.core import crypto
from hoso.documents import ocr
from hoso.documents.errors import StorageError
from hoso.documents.models import (
    Component,
    ComponentStatus,
    ComponentTerm,
    PreservationEventType,
    PreservationOutcome,
)
from hoso.documents.selectors.components import TERM_PURPOSE, words
from hoso.documents.services.consistency import component_check
from hoso.documents.services.preservation import HOSO_AGENT, component_event_add
from hoso.documents.storage import Stored, chunks_of, storage

log = logging.getLogger(__name__)


def _set_progress(component_id: int, percent: int) -> None:
    # Its own short write (autocommit outside a transaction): a poller sees it at once.
    Component.objects.filter(pk=component_id).update(progress=max(0, min(100, percent)))


@transaction.atomic
def _claim(component_id: int) -> Component | None:
    component = Component.objects.select_for_update().filter(pk=component_id).first()
    if component is None or component.status == ComponentStatus.READY:
        return None
    component.status = ComponentStatus.PROCESSING
    component.status_note = ""
    component.progress = 5
    component.save(update_fields=["status", "status_note", "progress"])
    return component


def component_process(*, component_id: int) -> Component | None:
    """Make a component's PDF/A-2b copy with its text layer and index its words.

    Invariants:
    - idempotent: a READY component is left as it is; a run that finds another run has
      finished first keeps that run's result;
    - the original is only read, never changed;
    - on success, in one transaction: the copy's key, SHA-256, size and pages, the encrypted
      OCR text, one `ComponentTerm` per distinct normalized word (as a keyed blind index),
      the normalization and text-extraction events, status READY, progress 100;
    - on failure (timeout, missing language, unreadable file): status NEEDS_REVIEW with the
      reason, a failure event; nothing else changes and nothing is lost;
    - `progress` is written in short transactions of its own as pages are done.
    Not one atomic block: OCR takes seconds per page, and progress must be visible meanwhile.
    """
    component = _claim(component_id)
    if component is None:
        return Component.objects.filter(pk=component_id).first()
    last_percent = [5]

    def progress(done: int, total: int) -> None:
        percent = 5 + (85 * done) // max(total, 1)
        if percent != last_percent[0]:
            last_percent[0] = percent
            _set_progress(component_id, percent)

    try:
        with (
            storage_copy(component.original_key) as source,
            ocr.preservation_copy(source, component.media_type, progress=progress) as made,
        ):
            _set_progress(component_id, 95)
            with open(made.pdf_path, "rb") as handle:
                stored = storage().put(chunks_of(handle))
            ready = _component_ready(component_id, made, stored)
    except (ocr.OcrFailed, StorageError, OSError) as exc:
        reason = exc.reason if isinstance(exc, ocr.OcrFailed) else f"Lỗi đọc, ghi tệp: {exc}"
        log.warning("component %s needs review: %s", component_id, reason)
        return _component_needs_review(component_id, reason)
    _consistency_check(ready)
    return ready


def _consistency_check(component: Component) -> None:
    """Compare what the scan says with the e-dossier (findings for a person to confirm).
    A failure here must not undo preservation: the copy is kept, the error logged."""
    try:
        component_check(component=component)
    except Exception:  # noqa: BLE001 (preservation stands whatever the check does)
        log.exception("consistency check of component %s failed", component.pk)


@contextlib.contextmanager
def storage_copy(key: str) -> Iterator[Path]:
    """The plaintext of a stored object in a private temporary file, for tools that need a
    path; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="hoso-plain-") as tmp:
        path = Path(tmp) / "original"
        with open(path, "xb") as out:
            for block in storage().open(key):
                out.write(block)
        yield path


@transaction.atomic
def _component_ready(component_id: int, made: ocr.OcrResult, stored: Stored) -> Component:
    component = Component.objects.select_for_update().get(pk=component_id)
    if component.status == ComponentStatus.READY:  # another run finished first
        return component
    component.pdfa_key = stored.key
    component.pdfa_sha256 = stored.sha256
    component.pdfa_size = stored.size
    component.pages = made.pages
    component.ocr_text = made.text
    component.status = ComponentStatus.READY
    component.status_note = ""
    component.progress = 100
    component.save()
    terms = {crypto.blind_index(word, TERM_PURPOSE) for word in words(made.text)}
    ComponentTerm.objects.bulk_create(
        [ComponentTerm(component=component, term=t) for t in sorted(terms)],
        batch_size=500,
        ignore_conflicts=True,
    )
    modes = {
        "ocr": "nhận dạng chữ các trang ảnh",
        "skip_text": "giữ lớp chữ sẵn có, nhận dạng các trang chỉ có ảnh",
        "redo_ocr": "nhận dạng lại lớp chữ cũ",
        "force_ocr": "chuyển mọi trang thành ảnh rồi nhận dạng chữ",
    }
    component_event_add(
        component,
        PreservationEventType.NORMALIZATION,
        detail=(
            f"Tạo bản PDF/A-2b ({made.pages} trang, {stored.size} byte, SHA-256 "
            f"{stored.sha256}); cách làm: {modes.get(made.mode, made.mode)}."
        ),
        agent=made.agent,
    )
    component_event_add(
        component,
        PreservationEventType.TEXT_EXTRACTION,
        detail=f"Nhận dạng chữ (OCR): {len(made.text)} ký tự, {len(terms)} từ được lập chỉ mục.",
        agent=made.agent,
    )
    return component


@transaction.atomic
def _component_needs_review(component_id: int, reason: str) -> Component:
    component = Component.objects.select_for_update().get(pk=component_id)
    if component.status == ComponentStatus.READY:
        return component
    component.status = ComponentStatus.NEEDS_REVIEW
    component.status_note = reason[:500]
    component.progress = 0
    component.save(update_fields=["status", "status_note", "progress"])
    component_event_add(
        component,
        PreservationEventType.NORMALIZATION,
        outcome=PreservationOutcome.FAILURE,
        detail=f"Không tạo được bản PDF/A có lớp chữ; bản gốc vẫn được giữ nguyên. {reason}",
        agent=HOSO_AGENT,
    )
    return component
