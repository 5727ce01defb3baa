"""ClaimReview validation: Google's fact-check rules and the schema.org vocabulary.

Why a package: the per-record checker (:mod:`.checker`), reading documents into records
(:mod:`.documents`) and the stored vocabulary with its data files (:mod:`.vocabulary`)
change for different reasons. Callers import from here. Nothing in it touches Django, so
the export, the import, the validate command and the tests all run the same checks.
"""

from __future__ import annotations

from .checker import Issue, Level, validate_claim_review
from .documents import (
    RecordResult,
    SourceRecord,
    iter_file_records,
    iter_jsonl_records,
    iter_records,
    iter_validate_document,
    validate_document,
    validate_record,
)
from .vocabulary import (
    CONTEXT_PATH,
    SCHEMA_ORG_CONTEXTS,
    SCHEMA_PATH,
    TERMS_PATH,
    Vocabulary,
    context_is_schema_org,
    vocabulary,
)

__all__ = [
    "CONTEXT_PATH",
    "SCHEMA_ORG_CONTEXTS",
    "SCHEMA_PATH",
    "TERMS_PATH",
    "Issue",
    "Level",
    "RecordResult",
    "SourceRecord",
    "Vocabulary",
    "context_is_schema_org",
    "iter_file_records",
    "iter_jsonl_records",
    "iter_records",
    "iter_validate_document",
    "validate_claim_review",
    "validate_document",
    "validate_record",
    "vocabulary",
]
