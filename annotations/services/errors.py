from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class ServiceError(ValidationError):
    """A request the domain refuses; the message is meant for the user."""


class ConflictError(Exception):
    """Someone changed the record since the editor loaded it.

    Carries the current record so the UI can show what it is now and who changed it,
    instead of silently overwriting their work.
    """

    def __init__(self, current, expected_version: int):
        self.current = current
        self.expected_version = expected_version
        who = (
            getattr(current.updated_by, "username", None)
            if hasattr(current, "updated_by")
            else None
        )
        self.changed_by = who
        super().__init__(
            f"This item was changed by {who or 'someone else'} since you opened it "
            f"(your version {expected_version}, now {current.version}). Review the current state "
            "and try again."
        )


__all__ = ["ConflictError", "PermissionDenied", "ServiceError"]
