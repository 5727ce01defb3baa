"""The review page and everything done from its claim panel: deciding on claims, correcting
and adding spans, attributions, flags and verdicts.

Each action validates its form, calls one service, and answers through ``claim_response``;
a refusal maps to a status the panel can show (400 bad input, 403 not allowed, 409 someone
else changed it first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import forms, roles, selectors, services
from ..models import Article, Attribution, Claim, Verdict
from .access import reviewer_required
from .double_review import blind_redirect
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

REVISIONS = "annotations/verdict_revisions.html"


def _claim_param(request: AuthenticatedHttpRequest) -> int | None:
    raw = request.GET.get("claim", "")
    return int(raw) if raw.isdigit() else None


@reviewer_required
@require_GET
def article_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if (blind := blind_redirect(request, pk)) is not None:
        return blind  # the second reviewer, before both reviews are in
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
    if (blind := blind_redirect(request, claim.article_id)) is not None:
        return blind
    return claim_response(request, claim)


# --- claims ---------------------------------------------------------------------------------


@reviewer_required
@require_POST
def claim_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, selectors.claim_location_or_404(pk), form)
    try:  # the service reads (and locks) the claim: no lookup of our own before it
        claim = services.claim_confirm(
            claim_id=pk, actor=request.user, version=form.cleaned_data["version"]
        )
    except Claim.DoesNotExist:
        raise Http404("No such claim") from None
    except REFUSALS as exc:
        return refused(request, selectors.claim_location_or_404(pk), exc)
    return claim_response(request, claim, update=PanelUpdate.STATES, message="Claim confirmed.")


@reviewer_required
@require_POST
def claim_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Reject; with a draft verdict on the claim, the answer asks whether to discard it and
    offers that as the next click (``discard_draft``), instead of a dead end."""
    claim = selectors.claim_location_or_404(pk)  # the service reads the claim itself
    form = forms.RejectForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    try:
        services.claim_reject(
            claim_id=pk,
            actor=request.user,
            version=form.cleaned_data["version"],
            discard_draft=form.cleaned_data["discard_draft"],
        )
    except services.DraftVerdictExists as exc:
        return claim_response(
            request, claim, status=409, error=" ".join(exc.messages), offer_discard=True
        )
    except REFUSALS as exc:
        return refused(request, claim, exc)
    message = "Claim rejected."
    if form.cleaned_data["discard_draft"]:
        message = "Claim rejected and its draft verdict discarded."
    return claim_response(request, claim, update=PanelUpdate.STATES, message=message)


@reviewer_required
@require_POST
def claim_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_location_or_404(pk)  # the service reads the claim itself
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
    form = forms.SpanForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, selectors.claim_location_or_404(pk), form)
    data = form.cleaned_data
    try:  # the service reads (and locks) the claim: no lookup of our own before it
        claim = services.claim_correct(
            claim_id=pk,
            start=data["start"],
            end=data["end"],
            actor=request.user,
            version=data["version"],
        )
    except Claim.DoesNotExist:
        raise Http404("No such claim") from None
    except REFUSALS as exc:
        return refused(request, selectors.claim_location_or_404(pk), exc)
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
    """What was typed, to show again after a refusal or a conflict rather than losing it."""
    rating = request.POST.get("rating", "")
    return {
        "rating": int(rating) if rating.isdigit() else None,
        "rationale": request.POST.get("rationale", ""),
        "evidence": {int(e) for e in request.POST.getlist("evidence") if e.isdigit()},
        "claim_reviewed": request.POST.get("claim_reviewed", ""),
        "claimant": request.POST.get("claimant", ""),
    }


@reviewer_required
@require_POST
def claim_verdict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save the verdict as a draft; its second button also submits it for publication."""
    claim = selectors.claim_or_404(pk)
    form = forms.VerdictForm(request.POST, claim=claim)
    verdict_input = _verdict_input(request)
    if not form.is_valid():
        return invalid_form(request, claim, form, verdict_input=verdict_input)
    data = form.cleaned_data
    try:
        verdict = services.verdict_save(
            claim=claim,
            rating=data["rating"],
            rationale=data["rationale"],
            evidence_ids=[e.pk for e in data["evidence"]],
            version=data["verdict_version"],
            claim_reviewed=data["claim_reviewed"],
            claimant=data["claimant"],
            actor=request.user,
        )
    except REFUSALS as exc:
        return refused(request, claim, exc, verdict_input=verdict_input)
    message = _saved_message(verdict)
    if data["submit_for_publication"]:
        try:
            services.verdict_submit(verdict=verdict, actor=request.user, version=verdict.version)
        except REFUSALS as exc:
            # Saved, but not submitted: say why, with the saved draft on screen.
            return refused(request, claim, exc)
        message = "Verdict saved and submitted: an editor will publish it or send it back."
    return claim_response(request, claim, update=PanelUpdate.STATES, message=message)


def _saved_message(verdict: Verdict) -> str:
    if verdict.has_pending_revision and verdict.is_published:
        return (
            "Saved as a new draft revision. The public still sees the published one until "
            "an editor publishes this."
        )
    if verdict.state == Verdict.State.PUBLISHED:
        return "Saved: no change from the published revision."
    return "Verdict saved as a draft."


def _verdict_step(
    request: AuthenticatedHttpRequest,
    pk: int,
    form_class: type[forms.VerdictVersionForm],
    step: Callable[[Verdict, dict[str, Any]], object],
    message: str,
    *,
    editors_only: str = "",
) -> HttpResponse:
    """One step of a verdict's way to the public: check the form, call the service with the
    version the person saw, answer with the claim panel. ``editors_only`` names the action
    when only editors may take it: anyone else is refused before their input is read."""
    verdict = selectors.verdict_or_404(pk)
    claim = verdict.claim
    if editors_only and not roles.is_editor(request.user):
        return refused(request, claim, PermissionDenied(f"Only editors can {editors_only}."))
    form = form_class(request.POST)
    if not form.is_valid():
        return invalid_form(request, claim, form)
    try:
        step(verdict, form.cleaned_data)
    except REFUSALS as exc:
        return refused(request, claim, exc)
    return claim_response(request, claim, update=PanelUpdate.STATES, message=message)


@reviewer_required
@require_POST
def verdict_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _verdict_step(
        request,
        pk,
        forms.VerdictVersionForm,
        lambda verdict, data: services.verdict_submit(
            verdict=verdict, actor=request.user, version=data["verdict_version"]
        ),
        "Submitted for publication: an editor will publish it or send it back.",
    )


@reviewer_required
@require_POST
def verdict_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _verdict_step(
        request,
        pk,
        forms.VerdictReturnForm,
        lambda verdict, data: services.verdict_return(
            verdict=verdict, actor=request.user, note=data["note"], version=data["verdict_version"]
        ),
        "Sent back to the reviewer with your note.",
        editors_only="send back verdicts",
    )


@reviewer_required
@require_POST
def verdict_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _verdict_step(
        request,
        pk,
        forms.VerdictPublishForm,
        lambda verdict, data: services.verdict_publish(
            verdict=verdict, actor=request.user, note=data["note"], version=data["verdict_version"]
        ),
        "Published: the public page, its ClaimReview and the feed show this revision now.",
        editors_only="publish verdicts",
    )


@reviewer_required
@require_POST
def verdict_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _verdict_step(
        request,
        pk,
        forms.VerdictWithdrawForm,
        lambda verdict, data: services.verdict_withdraw(
            verdict=verdict,
            actor=request.user,
            reason=data["reason"],
            version=data["verdict_version"],
        ),
        "Withdrawn: its public page now answers 410 Gone with your reason.",
        editors_only="withdraw verdicts",
    )


@reviewer_required
@require_POST
def verdict_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _verdict_step(
        request,
        pk,
        forms.VerdictVersionForm,
        lambda verdict, data: services.verdict_discard(
            verdict=verdict, actor=request.user, version=data["verdict_version"]
        ),
        "Draft discarded.",
    )


@reviewer_required
@require_GET
def verdict_revisions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every published revision and the pending draft, each beside what changed."""
    verdict = selectors.verdict_or_404_with_revisions(pk)
    context = {
        "verdict": verdict,
        "claim": verdict.claim,
        "article": verdict.claim.article,
        "revisions": selectors.verdict_revisions(verdict),
        "notices": selectors.verdict_notices(verdict),
    }
    return render(request, REVISIONS, context)


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


# --- undo -----------------------------------------------------------------------------------


@reviewer_required
@require_POST
def article_undo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ctrl+Z: take back the reviewer's own last change on this article. Answered with the
    panel of the claim it concerned; a refusal with nothing to show in a panel goes to the
    page's message region (400 nothing to undo, 409 someone else changed it since)."""
    from ..services.undo import undo_last

    if (blind := blind_redirect(request, pk)) is not None:
        return blind  # the answer is a claim panel: not for a blind second reviewer
    article = selectors.article_or_404(pk)
    try:
        undone = undo_last(user=request.user, article=article)
    except services.ConflictError as exc:
        current = exc.current
        claim = current if isinstance(current, Claim) else current.claim
        if claim is None:
            return _claim_add_refused(request, pk, str(exc), status=409)
        return refused(request, claim, exc)
    except PermissionDenied as exc:
        return _claim_add_refused(request, pk, str(exc), status=403)
    except ValidationError as exc:
        return _claim_add_refused(request, pk, " ".join(exc.messages), status=400)
    message = f"Undone: you {undone.label}."
    if undone.claim is None:
        if request.htmx:
            return flash(request, message, status=200, level="success")
        messages.success(request, message)
        return redirect(review_url(pk))
    return claim_response(request, undone.claim, update=PanelUpdate.SPANS, message=message)
