from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from ..models import Attribution, Claim, Verdict


class ServiceError(ValidationError):
    """A request the domain refuses; the message is meant for the user."""


class ConflictError(Exception):
    """Someone changed the record since the editor loaded it.

    Carries the current record so the UI can show what it is now and who changed it,
    instead of silently overwriting their work.
    """

    def __init__(
        self,
        current: Claim | Attribution | Verdict,
        expected_version: int,
        *,
        changed_by: User | None = None,
    ):
        self.current = current
        self.expected_version = expected_version
        if changed_by is None and not isinstance(current, Verdict):
            changed_by = current.updated_by
        who = changed_by.username if changed_by is not None else None
        self.changed_by = who
        super().__init__(
            f"This item was changed by {who or 'someone else'} since you opened it "
            f"(your version {expected_version}, now {current.version}). Review the current state "
            "and try again."
        )


__all__ = ["ConflictError", "PermissionDenied", "ServiceError"]
