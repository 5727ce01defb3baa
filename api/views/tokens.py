"""The signed-in person's API token, on a page of its own: make one (shown this once),
replace it, or revoke it. Plain forms that POST with the CSRF token."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from annotations.views.access import reviewer_required
from annotations.views.htmx import AuthenticatedHttpRequest

from .. import selectors, services

TOKEN = "api/token.html"


@reviewer_required
@require_http_methods(["GET", "POST"])
def api_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET shows whether a token exists (never the key); POST makes a new one and shows its
    key in the answer, once. The answer is not cached, so Back does not show it again."""
    if request.method == "POST":
        token = services.token_create(user=request.user)
        response = render(request, TOKEN, {"token": token, "key": token.key}, status=201)
    else:
        response = render(request, TOKEN, {"token": selectors.token_of(user=request.user)})
    response["Cache-Control"] = "no-store"
    return response


@reviewer_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    if services.token_revoke(user=request.user):
        messages.success(request, "Your API token is revoked: it no longer works.")
    else:
        messages.info(request, "You had no API token.")
    return redirect("api:token")
