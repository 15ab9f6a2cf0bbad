"""`events_chained`: sent after the sequencer committed a batch of events to the chain
(`audit.services.chain_pending`), with `events` (the saved `AuditEvent`s in chain order).
The alert checks listen to it (`audit.alerts`), so they run off the appending request's
lock and once per batch, not once per event."""

from django.dispatch import Signal

events_chained = Signal()
