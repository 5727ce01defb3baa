"""Who may use the workbench: signed in, and a reviewer or an editor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .. import roles

type View = Callable[..., HttpResponse]


def reviewer_required(view: View) -> View:
    """Signed in *and* a reviewer or editor: an account without a role sees nothing."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles.is_reviewer(request.user):
            raise PermissionDenied("Your account has no reviewer or editor role.")
        return view(request, *args, **kwargs)

    return wrapped
