"""Roles are Django groups holding explicit permissions, never a superuser flag.

A **reviewer** annotates and drafts verdicts (``annotations.review_article``). An **editor**
also publishes, corrects, sends back and withdraws verdicts (``annotations.publish_verdict``),
assigns articles to others and dismisses flags (``annotations.assign_article``), and, given
``is_staff``, uses the admin console through the model permissions below — articles,
sources, rating scales; annotations to view (and delete with a wrong article); verdicts,
their revisions, the corrections log and the audit trail to view only. Users and groups are
not among them: managing accounts is the install administrator's job (``create_editor``).

``ROLE_PERMISSIONS`` is the source of truth; the migration ``0004_publishing_chain`` gives
the groups these permissions and a test checks that the two agree.
"""

from __future__ import annotations

from typing import Any

REVIEWER = "reviewer"
EDITOR = "editor"

REVIEW = "annotations.review_article"
PUBLISH = "annotations.publish_verdict"
ASSIGN = "annotations.assign_article"

# Machine output and review work: shown, and deletable only as part of a wrong article.
_ANNOTATIONS = (
    "annotationrun",
    "claim",
    "attribution",
    "entity",
    "quantity",
    "evidencelink",
    "flag",
)
# The public record and the audit trail: shown only (and never deletable in the console).
_RECORD = ("verdict", "verdictrevision", "correctionnotice", "auditevent")
# The double review's record (passes, their decisions, the adjudication): shown only.
_DOUBLE_REVIEW = ("doublereview", "reviewpass", "passdecision", "adjudicationdecision")
_EDITOR_ADMIN = (
    *(f"annotations.{action}_article" for action in ("view", "change", "delete")),
    *(f"annotations.{action}_source" for action in ("view", "add", "change", "delete")),
    *(f"annotations.{action}_ratingscale" for action in ("view", "add", "change", "delete")),
    *(f"annotations.{action}_rating" for action in ("view", "add", "change", "delete")),
    *(f"annotations.{action}_{model}" for model in _ANNOTATIONS for action in ("view", "delete")),
    *(f"annotations.view_{model}" for model in _RECORD),
    *(f"annotations.view_{model}" for model in _DOUBLE_REVIEW),
)
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    REVIEWER: (REVIEW,),
    EDITOR: (REVIEW, PUBLISH, ASSIGN, *_EDITOR_ADMIN),
}


def _has(user: Any, permission: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.has_perm(permission))  # cached on the user object by the backend


def is_editor(user: Any) -> bool:
    """May publish, correct, send back and withdraw verdicts, assign, dismiss flags."""
    return _has(user, PUBLISH)


def is_reviewer(user: Any) -> bool:
    """May use the workbench at all: annotate, draft and submit verdicts."""
    return _has(user, REVIEW)


def can_assign(user: Any) -> bool:
    """May give an article to someone else (anyone may take a free one for themselves)."""
    return _has(user, ASSIGN)
