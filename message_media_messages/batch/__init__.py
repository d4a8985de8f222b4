"""Batch sending: `send_batch` and the result types it returns (journal, ledger, dry run)."""

from ._journal import completed as journal_completed, set_aside as set_journal_aside
from ._ledger import BatchRow
from ._results import BatchProgress, BatchResult
from ._sender import send_batch

__all__ = [
    "BatchProgress",
    "BatchResult",
    "BatchRow",
    "journal_completed",
    "send_batch",
    "set_journal_aside",
]
