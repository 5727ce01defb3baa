"""Who may call the API: the workbench's own roles (``annotations.roles``), nothing new.

An anonymous caller is refused before any of these run (401, or 403 for a session without
credentials); a signed-in account without a role gets 403, as on the pages.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from annotations import roles


class IsReviewer(BasePermission):
    """A reviewer or an editor: reads, annotating, drafting and submitting verdicts."""

    message = "Your account has no reviewer or editor role."

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_reviewer(request.user)


class IsEditor(BasePermission):
    """An editor: publishing, sending back, withdrawing verdicts and dismissing flags.

    Checked before the request body is read, as the pages refuse a reviewer's publish
    before looking at the form."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not roles.is_reviewer(request.user):
            self.message = IsReviewer.message
            return False
        self.message = "Only editors can do this."
        return roles.is_editor(request.user)
