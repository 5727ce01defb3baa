"""The review page and everything done from its claim panel: deciding on claims, correcting
and adding spans, attributions, flags and verdicts.

Each action validates its form, calls one service, and answers through ``claim_response``;
a refusal maps to a status the panel can show (400 bad input, 403 not allowed, 409 someone
else changed it first).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import forms, selectors, services
from ..models import Article, Attribution, Claim
from .access import reviewer_required
from .htmx import (
    REFUSALS,
    REVIEW,
    AuthenticatedHttpRequest,
    PanelUpdate,
    claim_response,
    flash,
    form_error,
    invalid_form,
    refused,
    review_context,
    review_url,
)

type Span = tuple[int, int]


def _claim_param(request: AuthenticatedHttpRequest) -> int | None:
    raw = request.GET.get("claim", "")
    return int(raw) if raw.isdigit() else None


@reviewer_required
@require_GET
def article_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.review_page(
            article_id=pk, claim_id=_claim_param(request), user=request.user
        )
    except Article.DoesNotExist:
        raise Http404("No such article") from None
    return render(request, REVIEW, review_context(request, page))


@reviewer_required
@require_GET
def claim_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_location_or_404(pk)
    if not request.htmx:
        return redirect(review_url(claim.article_id, claim.pk))
    return claim_response(request, claim)


# --- claims ---------------------------------------------------------------------------------


@reviewer_required
@require_POST
def claim_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_or_404(pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    try:
        services.claim_confirm(
            claim_id=pk, actor=request.user, version=form.cleaned_data["version"]
        )
    except REFUSALS as exc:
        return refused(request, claim, exc)
    return claim_response(request, claim, update=PanelUpdate.STATES, message="Claim confirmed.")


@reviewer_required
@require_POST
def claim_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_or_404(pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    try:
        services.claim_reject(claim_id=pk, actor=request.user, version=form.cleaned_data["version"])
    except REFUSALS as exc:
        return refused(request, claim, exc)
    return claim_response(request, claim, update=PanelUpdate.STATES, message="Claim rejected.")


@reviewer_required
@require_POST
def claim_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_or_404(pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    try:
        services.claim_reopen(claim_id=pk, actor=request.user, version=form.cleaned_data["version"])
    except REFUSALS as exc:
        return refused(request, claim, exc)
    return claim_response(request, claim, update=PanelUpdate.STATES, message="Claim reopened.")


@reviewer_required
@require_POST
def claim_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_or_404(pk)
    form = forms.SpanForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    data = form.cleaned_data
    try:
        services.claim_correct(
            claim_id=pk,
            start=data["start"],
            end=data["end"],
            actor=request.user,
            version=data["version"],
        )
    except REFUSALS as exc:
        return refused(request, claim, exc)
    return claim_response(request, claim, update=PanelUpdate.SPANS, message="Claim span corrected.")


@reviewer_required
@require_POST
def claim_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Answered like a panel action on success (the new claim's panel); a refusal has no
    panel to show in, so it goes to the page's message region."""
    article = selectors.article_or_404(pk)
    form = forms.ClaimAddForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_error(form))
        claim = services.claim_add(
            article=article,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            kinds=form.cleaned_data["kinds"],
            actor=request.user,
        )
    except PermissionDenied as exc:
        return _claim_add_refused(request, pk, str(exc), status=403)
    except ValidationError as exc:
        return _claim_add_refused(request, pk, " ".join(exc.messages), status=400)
    return claim_response(request, claim, update=PanelUpdate.SPANS, message="Claim added.")


def _claim_add_refused(
    request: AuthenticatedHttpRequest, article_id: int, text: str, *, status: int
) -> HttpResponse:
    if request.htmx:
        return flash(request, text, status=status)
    messages.error(request, text)
    return redirect(review_url(article_id))


# --- verdicts and flags ---------------------------------------------------------------------


def _verdict_input(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """What was typed, to show again after a refusal rather than losing a long rationale."""
    rating = request.POST.get("rating", "")
    return {
        "rating": int(rating) if rating.isdigit() else None,
        "rationale": request.POST.get("rationale", ""),
        "evidence": {int(e) for e in request.POST.getlist("evidence") if e.isdigit()},
    }


@reviewer_required
@require_POST
def claim_verdict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_or_404(pk)
    form = forms.VerdictForm(request.POST, claim=claim)
    verdict_input = _verdict_input(request)
    if not form.is_valid():
        return invalid_form(request, claim, form, verdict_input=verdict_input)
    data = form.cleaned_data
    try:
        services.verdict_save(
            claim=claim,
            rating=data["rating"],
            rationale=data["rationale"],
            evidence_ids=[e.pk for e in data["evidence"]],
            version=data["verdict_version"],
            actor=request.user,
        )
    except REFUSALS as exc:
        return refused(request, claim, exc, verdict_input=verdict_input)
    return claim_response(request, claim, update=PanelUpdate.STATES, message="Verdict saved.")


@reviewer_required
@require_POST
def verdict_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    verdict = selectors.verdict_or_404(pk)
    form = forms.ActionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, verdict.claim, form)
    try:
        services.verdict_publish(verdict=verdict, actor=request.user)
    except REFUSALS as exc:
        return refused(request, verdict.claim, exc)
    return claim_response(
        request, verdict.claim, update=PanelUpdate.STATES, message="Verdict published."
    )


@reviewer_required
@require_POST
def verdict_unpublish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    verdict = selectors.verdict_or_404(pk)
    form = forms.ActionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, verdict.claim, form)
    try:
        services.verdict_unpublish(verdict=verdict, actor=request.user)
    except REFUSALS as exc:
        return refused(request, verdict.claim, exc)
    return claim_response(
        request, verdict.claim, update=PanelUpdate.STATES, message="Verdict unpublished."
    )


@reviewer_required
@require_POST
def flag_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_or_404(pk)
    form = forms.FlagDismissForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, flag.claim, form)
    try:
        services.flag_dismiss(flag_id=pk, reason=form.cleaned_data["reason"], actor=request.user)
    except REFUSALS as exc:
        return refused(request, flag.claim, exc)
    return claim_response(request, flag.claim, update=PanelUpdate.FLAGS, message="Flag dismissed.")


# --- attributions ---------------------------------------------------------------------------


def _panel_claim(request: AuthenticatedHttpRequest, attribution: Attribution) -> Claim:
    """The panel the attribution was edited from (an attribution may overlap a claim without
    being linked to it); falls back to the linked claim."""
    raw = request.POST.get("claim", "")
    claim_id = int(raw) if raw.isdigit() else attribution.claim_id
    if claim_id is None:
        raise Http404("No claim to show this attribution with")
    return selectors.claim_or_404(claim_id, article_id=attribution.article_id)


def _edited_span(attribution: Attribution, data: dict[str, Any]) -> Span | None:
    """The new span of the edited part: cleared (speaker only), a suggested entity's, or
    the reviewer's selection."""
    if data.get("clear"):
        return None
    if data.get("entity"):
        entity = selectors.speaker_entity(attribution, data["entity"])
        if entity is None:
            raise services.ServiceError("That entity is not in this attribution's text.")
        return (entity.start, entity.end)
    return (data["start"], data["end"])


def _correct_part(
    request: AuthenticatedHttpRequest, attribution: Attribution, data: dict[str, Any]
) -> Attribution:
    span, pk, version = _edited_span(attribution, data), attribution.pk, data["version"]
    if data["part"] == "speaker":
        return services.attribution_correct(
            attribution_id=pk, actor=request.user, version=version, speaker=span
        )
    if data["part"] == "cue":
        return services.attribution_correct(
            attribution_id=pk, actor=request.user, version=version, cue=span
        )
    return services.attribution_correct(
        attribution_id=pk, actor=request.user, version=version, content=span
    )


@reviewer_required
@require_POST
def attribution_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attribution = selectors.attribution_or_404(pk)
    form = forms.AttributionEditForm(request.POST)
    claim = _panel_claim(request, attribution)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    try:
        _correct_part(request, attribution, form.cleaned_data)
    except REFUSALS as exc:
        return refused(request, claim, exc)
    return claim_response(
        request, claim, update=PanelUpdate.SPANS, message="Attribution corrected."
    )


@reviewer_required
@require_POST
def attribution_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attribution = selectors.attribution_or_404(pk)
    claim = _panel_claim(request, attribution)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    try:
        services.attribution_confirm(
            attribution_id=pk, actor=request.user, version=form.cleaned_data["version"]
        )
    except REFUSALS as exc:
        return refused(request, claim, exc)
    return claim_response(request, claim, message="Attribution confirmed.")


@reviewer_required
@require_POST
def attribution_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attribution = selectors.attribution_or_404(pk)
    claim = _panel_claim(request, attribution)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    try:
        services.attribution_reject(
            attribution_id=pk, actor=request.user, version=form.cleaned_data["version"]
        )
    except REFUSALS as exc:
        return refused(request, claim, exc)
    return claim_response(request, claim, update=PanelUpdate.SPANS, message="Attribution rejected.")


@reviewer_required
@require_POST
def attribution_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_or_404(pk)
    raw = request.POST.get("claim", "")
    claim = selectors.claim_or_404(int(raw) if raw.isdigit() else 0, article_id=article.pk)
    form = forms.AttributionAddForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    data = form.cleaned_data
    try:
        services.attribution_add(
            article=article,
            actor=request.user,
            speaker=form.span("speaker"),
            cue=(data["cue_start"], data["cue_end"]),
            content=(data["content_start"], data["content_end"]),
            direct=data["direct"],
            claim=claim,
        )
    except REFUSALS as exc:
        return refused(request, claim, exc)
    return claim_response(request, claim, update=PanelUpdate.SPANS, message="Attribution added.")
