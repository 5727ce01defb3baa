"""The only code that writes the domain. Each function is keyword-only, transactional and
records an AuditEvent; views, tasks, commands and the admin call these."""

from .articles import (
    ArticleInput,
    BatchImportError,
    DuplicateArticle,
    SourceInput,
    article_assign,
    article_import,
    article_mark_reviewed,
    article_set_status,
    article_start_review,
    articles_import_batch,
)
from .errors import ConflictError, ServiceError
from .preannotation import preannotation_store, run_execute, run_queue
from .review import (
    attribution_add,
    attribution_confirm,
    attribution_correct,
    attribution_reject,
    claim_add,
    claim_confirm,
    claim_correct,
    claim_reject,
    claim_reopen,
    claim_set_statement,
    flag_dismiss,
)
from .verdicts import verdict_publish, verdict_save, verdict_unpublish

__all__ = [
    "ArticleInput",
    "BatchImportError",
    "ConflictError",
    "DuplicateArticle",
    "ServiceError",
    "SourceInput",
    "article_assign",
    "article_import",
    "article_mark_reviewed",
    "article_set_status",
    "article_start_review",
    "articles_import_batch",
    "attribution_add",
    "attribution_confirm",
    "attribution_correct",
    "attribution_reject",
    "claim_add",
    "claim_confirm",
    "claim_correct",
    "claim_reject",
    "claim_reopen",
    "claim_set_statement",
    "flag_dismiss",
    "preannotation_store",
    "run_execute",
    "run_queue",
    "verdict_publish",
    "verdict_save",
    "verdict_unpublish",
]
