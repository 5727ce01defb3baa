"""The htmx side of the views: the typed request, the flash message, and the claim panel's
answer with the out-of-band fragments an action changed.

Every action is a plain form POST that redirects (so the page works without JavaScript);
when htmx sends it, the same view answers with only the fragments that changed. Partial
names equal the id of the element they replace.
"""

from __future__ import annotations

from enum import Enum
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from .. import forms, roles, selectors, services
from ..models import Claim

REVIEW = "annotations/review.html"


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``HtmxMiddleware`` (django-htmx's typing idiom)."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """What a view behind ``reviewer_required`` receives: the user is signed in."""

    user: User


def flash(request: HttpRequest, message: str, *, status: int, level: str = "error") -> HttpResponse:
    """An htmx error that belongs to no fragment goes to the page's live message region."""
    html = render_to_string(
        "annotations/_flash.html", {"flash": message, "level": level}, request=request
    )
    return reswap(retarget(HttpResponse(html, status=status), "#flash"), "outerHTML")


def form_error(form: Form) -> str:
    """One line naming each bad field: the panel shows it next to the buttons, not per field."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = "" if field is None else f"{field.label or name.replace('_', ' ').capitalize()}: "
        parts += [f"{label}{message}" for message in errors]
    return " ".join(parts)


def review_url(article_id: int, claim_id: int | None = None) -> str:
    url = reverse("annotations:article_review", args=[article_id])
    return f"{url}?{urlencode({'claim': claim_id})}" if claim_id else url


def url_prefixes(article_id: int) -> dict[str, str]:
    """Prefixes for the claim list's links: reversing two URLs per claim would dominate the
    render time of a long article."""
    return {
        "review_url": reverse("annotations:article_review", args=[article_id]),
        "claims_url": reverse("annotations:claim_detail", args=[0]).removesuffix("0/"),
    }


def panel_context(
    panel: selectors.ClaimPanel | None,
    *,
    conflict: services.ConflictError | None = None,
    verdict_input: dict[str, Any] | None = None,
    offer_discard: bool = False,
) -> dict[str, Any]:
    """What the panel template needs beyond the selector: the verdict form's values (what
    was typed, after a refusal or a conflict, so nothing typed is lost; else the saved
    verdict), which kind of record conflicted, and whether rejecting may discard a draft."""
    values: dict[str, Any] = {"rating": None, "rationale": "", "evidence": set()}
    if panel is not None:
        values.update(claim_reviewed=panel.default_wording, claimant=panel.claimant_key)
    if verdict_input is not None:
        values = verdict_input
    elif panel is not None and panel.verdict is not None:
        values = {
            "rating": panel.verdict.rating_id,
            "rationale": panel.verdict.rationale,
            "evidence": {e.link.pk for e in panel.evidence if e.in_verdict},
            "claim_reviewed": panel.verdict.claim_reviewed,
            "claimant": panel.claimant_key,
        }
    return {
        "panel": panel,
        "conflict": conflict,
        "conflict_kind": conflict.current._meta.model_name if conflict else "",
        "verdict_values": values,
        "offer_discard": offer_discard,
        "attribution_parts": forms.PARTS,
    }


def flag_rows(flags: list[selectors.OpenFlag], prefixes: dict[str, str]) -> SafeString:
    """The open-flag list's rows (built in Python: a long article has hundreds)."""
    return mark_safe("".join(item.row(**prefixes) for item in flags))  # noqa: S308 - each escaped


def review_context(
    request: AuthenticatedHttpRequest,
    page: selectors.ReviewPage,
    *,
    conflict: services.ConflictError | None = None,
    verdict_input: dict[str, Any] | None = None,
    error: str = "",
) -> dict[str, Any]:
    prefixes = url_prefixes(page.article.pk)
    return {
        "article": page.article,
        "page": page,
        "text": page.text,
        "counts": page.counts,
        "claim_nav": page.text.nav(**prefixes),
        "flag_rows": flag_rows(page.flags, prefixes),
        "is_editor": roles.is_editor(request.user),
        "error": error,
        **prefixes,
        **panel_context(page.panel, conflict=conflict, verdict_input=verdict_input),
    }


class PanelUpdate(Enum):
    """What else on the page an answer from the claim panel redraws, out of band."""

    PANEL = "panel"  # nothing but the panel
    STATES = "states"  # the claim's text segments, its list entry and the counts
    FLAGS = "flags"  # as STATES, and the open-flag summary above the text
    SPANS = "spans"  # the whole marked-up text, the claim list and the counts


def claim_response(
    request: AuthenticatedHttpRequest,
    claim: Claim,
    *,
    status: int = 200,
    update: PanelUpdate = PanelUpdate.PANEL,
    error: str = "",
    conflict: services.ConflictError | None = None,
    verdict_input: dict[str, Any] | None = None,
    message: str = "",
    offer_discard: bool = False,
) -> HttpResponse:
    """The answer to anything done in the claim panel.

    htmx gets the panel plus out-of-band updates of what ``update`` names; after a conflict
    the whole text, since the other person may have moved spans. A plain POST gets a
    redirect on success and the full page with the message and status otherwise.
    """
    if not request.htmx:
        if status == 200:
            if message:
                messages.success(request, message)
            return redirect(review_url(claim.article_id, claim.pk))
        page = selectors.review_page(
            article_id=claim.article_id, claim_id=claim.pk, user=request.user
        )
        context = review_context(
            request, page, error=error, conflict=conflict, verdict_input=verdict_input
        )
        context["offer_discard"] = offer_discard
        return render(request, REVIEW, context, status=status)

    panel = selectors.claim_panel(claim_id=claim.pk)
    article = panel.claim.article
    context = {
        "article": article,
        "is_editor": roles.is_editor(request.user),
        "error": error,
        "oob": True,
        **url_prefixes(article.pk),
        **panel_context(
            panel, conflict=conflict, verdict_input=verdict_input, offer_discard=offer_discard
        ),
    }
    html: list[str] = [
        render_to_string(REVIEW + "#claim-panel", {**context, "oob": False}, request)
    ]
    if conflict is not None:
        update = PanelUpdate.SPANS
    if update is not PanelUpdate.PANEL:
        html += _out_of_band(request, context, panel, update)
    return HttpResponse("".join(html), status=status)


def _out_of_band(
    request: HttpRequest,
    context: dict[str, Any],
    panel: selectors.ClaimPanel,
    update: PanelUpdate,
) -> list[str]:
    """What else the action changed. A state or a verdict touches one claim: only its text
    segments, its list entry and the counts are read and redrawn (a 300-claim article costs
    what a 3-claim one does); a span change redraws the whole text and list."""
    article = context["article"]
    prefixes = url_prefixes(article.pk)
    html: list[str] = []
    if update is PanelUpdate.SPANS:
        text = selectors.article_text(article)
        context.update(
            text=text, claim_nav=text.nav(**prefixes), counts=selectors.review_counts(text.claims)
        )
        html += [render_to_string(REVIEW + p, context, request) for p in _SPAN_PARTIALS]
    else:
        region = selectors.claim_region(panel=panel)
        html += [s.oob for s in region.segments]
        html.append(selectors.claim_nav_item(region.claim, oob=True, **prefixes))
        context["counts"] = selectors.review_counts(panel.outline)
    if update is PanelUpdate.FLAGS:
        flags = selectors.article_open_flags(article_id=article.pk, order=panel.order)
        context.update(page={"flags": flags}, flag_rows=flag_rows(flags, prefixes))
        html.append(render_to_string(REVIEW + "#flag-summary", context, request))
    html.append(render_to_string(REVIEW + "#review-counts", context, request))
    return html


_SPAN_PARTIALS = ("#article-text", "#claim-nav")


# The refusals a service may answer with, and what the panel shows for each.
REFUSALS = (services.ConflictError, PermissionDenied, ValidationError)


def refused(
    request: AuthenticatedHttpRequest,
    claim: Claim,
    exc: services.ConflictError | PermissionDenied | ValidationError,
    *,
    verdict_input: dict[str, Any] | None = None,
) -> HttpResponse:
    """409 someone else changed it first (what was typed stays in the form), 403 not
    allowed, 400 bad input."""
    if isinstance(exc, services.ConflictError):
        return claim_response(request, claim, status=409, conflict=exc, verdict_input=verdict_input)
    if isinstance(exc, PermissionDenied):
        return claim_response(request, claim, status=403, error=str(exc) or "Not allowed.")
    return claim_response(
        request, claim, status=400, error=" ".join(exc.messages), verdict_input=verdict_input
    )


def invalid_form(
    request: AuthenticatedHttpRequest,
    claim: Claim,
    form: Form,
    *,
    verdict_input: dict[str, Any] | None = None,
) -> HttpResponse:
    return claim_response(
        request, claim, status=400, error=form_error(form), verdict_input=verdict_input
    )
