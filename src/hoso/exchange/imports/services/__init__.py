"""Import runs and the signed approval of a batch: the writers of `exchange.models`.

`runs` reads the files and hands chunks of dossiers to `chunks` (one transaction each, in
`--jobs` processes on PostgreSQL); `approval` approves a batch in one signed step.
"""

from hoso.exchange.imports.services.approval import batch_approve
from hoso.exchange.imports.services.chunks import content_sha256
from hoso.exchange.imports.services.runs import Outcome, import_run, open_batch

__all__ = ["Outcome", "batch_approve", "content_sha256", "import_run", "open_batch"]
