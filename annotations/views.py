"""The reviewer workbench: queue, article review page and the actions on it.

Views are thin: parse with a form, call one service or selector, render. Every action is a
plain form POST that redirects (so the page works without JavaScript); when htmx sends it,
the same view returns only the fragments that changed. Partial names equal the id of the
element they replace.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from . import forms, roles, selectors, services
from .models import Article, Attribution, Claim, Entity, Flag, Verdict

QUEUE = "annotations/queue.html"
REVIEW = "annotations/review.html"
ADD = "annotations/article_add.html"
HISTORY = "annotations/history.html"


def reviewer_required(view: Callable) -> Callable:
    """Signed in *and* a reviewer or editor: an account without a role sees nothing."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles.is_reviewer(request.user):
            raise PermissionDenied("Your account has no reviewer or editor role.")
        return view(request, *args, **kwargs)

    return wrapped


def _form_error(form) -> str:
    """One line naming each bad field: the panel shows it next to the buttons, not per field."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = "" if field is None else f"{field.label or name.replace('_', ' ').capitalize()}: "
        parts += [f"{label}{message}" for message in errors]
    return " ".join(parts)


def _flash(request: HttpRequest, message: str, *, status: int, level: str = "error"):
    """An htmx error that belongs to no fragment goes to the page's live message region."""
    html = render_to_string(
        "annotations/_flash.html", {"flash": message, "level": level}, request=request
    )
    return reswap(retarget(HttpResponse(html, status=status), "#flash"), "outerHTML")


def _review_url(article_id: int, claim_id: int | None = None) -> str:
    url = reverse("annotations:article_review", args=[article_id])
    return f"{url}?{urlencode({'claim': claim_id})}" if claim_id else url


# --- queue ----------------------------------------------------------------------------------


@reviewer_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = forms.QueueFilterForm(request.GET)
    filters = form.filters()
    status = filters.pop("status", "")
    base = selectors.queue_base(user=request.user, **filters)
    articles = selectors.queue_articles(user=request.user, status=status, **filters)
    page = Paginator(articles, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("status", None)
    context = {
        "form": form,
        "page": page,
        "status": status,
        "status_counts": selectors.status_counts(base),
        "outlets": selectors.outlets(),
        "query": query.urlencode(),
        "is_editor": roles.is_editor(request.user),
    }
    template = QUEUE
    if request.htmx and request.htmx.target == "queue-results":
        template += "#queue-results"
    return render(request, template, context)


@reviewer_required
@require_GET
def article_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the queue while a run is queued or running; the finished fragment has no
    trigger, so the swap itself stops the polling."""
    article = get_object_or_404(Article.objects.only("pk", "status", "title"), pk=pk)
    run = selectors.latest_run(article)
    if request.htmx and run is not None and run.status not in selectors.RUNNING:
        # Finished: refresh the whole row (status, claim and flag counts), not just the bar.
        row = selectors.queue_row(article_id=pk, user=request.user)
        response = render(request, QUEUE + "#article-row", {"article": row, "just_finished": True})
        return reswap(retarget(response, f"#article-row-{pk}"), "outerHTML")
    return render(request, QUEUE + "#run-progress", {"article": article, "run": run})


@reviewer_required
@require_POST
def article_assign(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return _flash(request, _form_error(form), status=400)
    assignee_id = form.cleaned_data["assignee"]
    assignee = (
        get_object_or_404(selectors.assignable_users(), pk=assignee_id) if assignee_id else None
    )
    try:
        services.article_assign(article=article, assignee=assignee, actor=request.user)
    except PermissionDenied as exc:
        if request.htmx:
            return _flash(request, str(exc), status=403)
        raise
    if not request.htmx:
        who = assignee.get_username() if assignee else "nobody"
        messages.success(request, f"“{article.title}” is now assigned to {who}.")
        next_url = request.POST.get("next", "")
        return redirect(next_url if next_url.startswith("/") else "annotations:queue")
    if (request.htmx.target or "").startswith("article-row"):
        row = selectors.queue_row(article_id=pk, user=request.user)
        return render(request, QUEUE + "#article-row", {"article": row})
    return _header_response(request, pk)


# --- adding articles ------------------------------------------------------------------------


@reviewer_required
def article_add(request: HttpRequest) -> HttpResponse:
    form = forms.ArticleForm(request.POST or None, request.FILES or None)
    sources = forms.SourceFormSet(request.POST or None, request.FILES or None, prefix="sources")
    batch = forms.BatchForm(prefix="batch")
    status = 200
    if request.method == "POST":
        if form.is_valid() and sources.is_valid():
            try:
                article = services.article_import(
                    data=forms.article_input(form, sources), actor=request.user
                )
            except services.DuplicateArticle as exc:
                form.add_error(None, exc.messages[0])
                form.duplicate = exc.existing
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Imported “{article.title}”; pre-annotation queued.")
                return redirect("annotations:article_review", pk=article.pk)
        status = 400
    return render(request, ADD, {"form": form, "sources": sources, "batch": batch}, status=status)


@reviewer_required
@require_POST
def article_batch(request: HttpRequest) -> HttpResponse:
    batch = forms.BatchForm(request.POST, request.FILES, prefix="batch")
    if batch.is_valid():
        try:
            created = services.articles_import_batch(
                items=batch.cleaned_data["file"], actor=request.user
            )
        except ValidationError as exc:
            batch.add_error(None, exc)
        else:
            messages.success(request, f"Imported {len(created)} article(s); pre-annotation queued.")
            return redirect("annotations:queue")
    context = {
        "form": forms.ArticleForm(),
        "sources": forms.SourceFormSet(prefix="sources"),
        "batch": batch,
    }
    return render(request, ADD, context, status=400)


# --- review page ----------------------------------------------------------------------------


def _claim_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("claim", "")
    return int(raw) if raw.isdigit() else None


def _url_prefixes(article_id: int) -> dict[str, str]:
    """Prefixes for the claim list's links: reversing two URLs per claim would dominate the
    render time of a long article."""
    return {
        "review_url": reverse("annotations:article_review", args=[article_id]),
        "claims_url": reverse("annotations:claim_detail", args=[0]).removesuffix("0/"),
    }


def _panel_context(
    panel: selectors.ClaimPanel | None,
    *,
    conflict: services.ConflictError | None = None,
    verdict_input: dict | None = None,
) -> dict:
    """What the panel template needs beyond the selector: the verdict form's values (what
    was typed, after a refusal; else the saved verdict) and which kind of record conflicted."""
    values: dict[str, Any] = {"rating": None, "rationale": "", "evidence": set()}
    if verdict_input is not None:
        values = verdict_input
    elif panel is not None and panel.verdict is not None:
        values = {
            "rating": panel.verdict.rating_id,
            "rationale": panel.verdict.rationale,
            "evidence": {e.link.pk for e in panel.evidence if e.in_verdict},
        }
    return {
        "panel": panel,
        "conflict": conflict,
        "conflict_kind": conflict.current._meta.model_name if conflict else "",
        "verdict_values": values,
        "attribution_parts": forms.PARTS,
    }


def _review_context(
    request: HttpRequest,
    page: selectors.ReviewPage,
    *,
    conflict: services.ConflictError | None = None,
    verdict_input: dict | None = None,
    error: str = "",
) -> dict:
    return {
        "article": page.article,
        "page": page,
        "text": page.text,
        "counts": page.counts,
        "is_editor": roles.is_editor(request.user),
        "error": error,
        **_url_prefixes(page.article.pk),
        **_panel_context(page.panel, conflict=conflict, verdict_input=verdict_input),
    }


@reviewer_required
@require_GET
def article_review(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.review_page(
            article_id=pk, claim_id=_claim_param(request), user=request.user
        )
    except Article.DoesNotExist:
        raise Http404("No such article") from None
    return render(request, REVIEW, _review_context(request, page))


def _header_response(
    request: HttpRequest, pk: int, *, status: int = 200, error: str = "", message: str = ""
):
    article = get_object_or_404(Article.objects.select_related("assigned_to"), pk=pk)
    claims = selectors.claims_for_article(article)
    context = {
        "article": article,
        "counts": selectors.review_counts(claims),
        "page": {
            "assignees": selectors.assignable_users() if roles.is_editor(request.user) else []
        },
        "is_editor": roles.is_editor(request.user),
        "header_error": error,
        "header_message": message,
    }
    return render(request, REVIEW + "#article-header", context, status=status)


def _reviewed_message(article: Article) -> str:
    if article.status == Article.Status.PUBLISHED:
        return (
            "Review complete: every claim is decided. The article stays Published, because a "
            "verdict on it is already public."
        )
    return "Review complete: every claim is decided and the article is marked Reviewed."


@reviewer_required
@require_POST
def article_mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    try:
        article = services.article_mark_reviewed(article=article, actor=request.user)
    except ValidationError as exc:
        if request.htmx:
            return _header_response(request, pk, status=400, error=" ".join(exc.messages))
        messages.error(request, " ".join(exc.messages))
        return redirect(_review_url(pk))
    if request.htmx:
        return _header_response(request, pk, message=_reviewed_message(article))
    messages.success(request, _reviewed_message(article))
    return redirect(_review_url(pk))


@reviewer_required
@require_GET
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    return render(
        request,
        HISTORY,
        {"article": article, "history": selectors.article_history(article)},
    )


# --- claim panel and claim actions ----------------------------------------------------------


@reviewer_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.only("pk", "article_id"), pk=pk)
    if not request.htmx:
        return redirect(_review_url(claim.article_id, claim.pk))
    return _claim_response(request, claim)


def _claim_response(
    request: HttpRequest,
    claim: Claim,
    *,
    status: int = 200,
    changed: str = "",
    error: str = "",
    conflict: services.ConflictError | None = None,
    verdict_input: dict | None = None,
    message: str = "",
) -> HttpResponse:
    """The answer to anything done in the claim panel.

    htmx gets the panel plus out-of-band updates of what else changed: the claim's text
    segments and list entry for a state change (``changed="states"``; ``"flags"`` also
    refreshes the open-flag summary above the text), the whole marked-up
    text and claim list when spans moved (``changed="spans"``, also after a conflict, since
    the other person may have moved them). A plain POST gets a redirect on success and the
    full page with the message and status otherwise.
    """
    if not request.htmx:
        if status == 200:
            if message:
                messages.success(request, message)
            return redirect(_review_url(claim.article_id, claim.pk))
        page = selectors.review_page(
            article_id=claim.article_id, claim_id=claim.pk, user=request.user
        )
        context = _review_context(
            request, page, error=error, conflict=conflict, verdict_input=verdict_input
        )
        return render(request, REVIEW, context, status=status)

    panel = selectors.claim_panel(claim_id=claim.pk)
    article = panel.claim.article
    context = {
        "article": article,
        "is_editor": roles.is_editor(request.user),
        "error": error,
        "oob": True,
        **_url_prefixes(article.pk),
        **_panel_context(panel, conflict=conflict, verdict_input=verdict_input),
    }
    html = [render_to_string(REVIEW + "#claim-panel", {**context, "oob": False}, request)]
    if conflict is not None:
        changed = "spans"
    if changed:
        text = selectors.article_text(article)
        context.update(text=text, counts=selectors.review_counts(text.claims))
        if changed == "spans":
            html.append(render_to_string(REVIEW + "#article-text", context, request))
            html.append(render_to_string(REVIEW + "#claim-nav", context, request))
        else:
            current = next(c for c in text.claims if c.pk == claim.pk)
            context["segments"] = selectors.segments_in(text, current.start, current.end)
            context["claim"] = current
            html.append(render_to_string(REVIEW + "#oob-segments", context, request))
            html.append(render_to_string(REVIEW + "#nav-item", context, request))
        if changed == "flags":
            context["page"] = {"flags": selectors.open_flags(text.claims)}
            html.append(render_to_string(REVIEW + "#flag-summary", context, request))
        html.append(render_to_string(REVIEW + "#review-counts", context, request))
    return HttpResponse("".join(html), status=status)


def _claim_action(
    request: HttpRequest,
    claim: Claim,
    form,
    call: Callable[[dict], object],
    *,
    changed: str = "states",
    message: str = "",
    verdict_input: dict | None = None,
) -> HttpResponse:
    """Validate, call one service, and map its refusals to statuses the UI can show:
    400 bad input, 403 not allowed, 409 someone else changed it first."""
    if not form.is_valid():
        return _claim_response(
            request, claim, status=400, error=_form_error(form), verdict_input=verdict_input
        )
    try:
        call(form.cleaned_data)
    except services.ConflictError as exc:
        return _claim_response(request, claim, status=409, conflict=exc)
    except PermissionDenied as exc:
        return _claim_response(request, claim, status=403, error=str(exc) or "Not allowed.")
    except ValidationError as exc:
        return _claim_response(
            request,
            claim,
            status=400,
            error=" ".join(exc.messages),
            verdict_input=verdict_input,
        )
    return _claim_response(request, claim, changed=changed, message=message)


def _claim(pk: int) -> Claim:
    return get_object_or_404(Claim.objects.select_related("article"), pk=pk)


@reviewer_required
@require_POST
def claim_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_action(
        request,
        _claim(pk),
        forms.VersionForm(request.POST),
        lambda d: services.claim_confirm(claim_id=pk, actor=request.user, version=d["version"]),
        message="Claim confirmed.",
    )


@reviewer_required
@require_POST
def claim_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_action(
        request,
        _claim(pk),
        forms.VersionForm(request.POST),
        lambda d: services.claim_reject(claim_id=pk, actor=request.user, version=d["version"]),
        message="Claim rejected.",
    )


@reviewer_required
@require_POST
def claim_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_action(
        request,
        _claim(pk),
        forms.VersionForm(request.POST),
        lambda d: services.claim_reopen(claim_id=pk, actor=request.user, version=d["version"]),
        message="Claim reopened.",
    )


@reviewer_required
@require_POST
def claim_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_action(
        request,
        _claim(pk),
        forms.SpanForm(request.POST),
        lambda d: services.claim_correct(
            claim_id=pk, start=d["start"], end=d["end"], actor=request.user, version=d["version"]
        ),
        changed="spans",
        message="Claim span corrected.",
    )


@reviewer_required
@require_POST
def claim_add(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    form = forms.ClaimAddForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_error(form))
        claim = services.claim_add(
            article=article,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            kinds=form.cleaned_data["kinds"],
            actor=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        status = 403 if isinstance(exc, PermissionDenied) else 400
        text = str(exc) if status == 403 else " ".join(exc.messages)
        if request.htmx:
            return _flash(request, text, status=status)
        messages.error(request, text)
        return redirect(_review_url(pk))
    return _claim_response(request, claim, changed="spans", message="Claim added.")


@reviewer_required
@require_POST
def claim_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = forms.VerdictForm(request.POST, claim=claim)
    rating = request.POST.get("rating", "")
    verdict_input = {
        "rating": int(rating) if rating.isdigit() else None,
        "rationale": request.POST.get("rationale", ""),
        "evidence": {int(e) for e in request.POST.getlist("evidence") if e.isdigit()},
    }

    def save(d: dict) -> Verdict:
        return services.verdict_save(
            claim=claim,
            rating=d["rating"],
            rationale=d["rationale"],
            evidence_ids=[e.pk for e in d["evidence"]],
            version=d["verdict_version"],
            actor=request.user,
        )

    return _claim_action(
        request, claim, form, save, message="Verdict saved.", verdict_input=verdict_input
    )


def _verdict_action(request: HttpRequest, pk: int, service: Callable, message: str):
    verdict = get_object_or_404(Verdict.objects.select_related("claim"), pk=pk)
    return _claim_action(
        request,
        verdict.claim,
        forms.ActionForm(request.POST),
        lambda d: service(verdict=verdict, actor=request.user),
        message=message,
    )


@reviewer_required
@require_POST
def verdict_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _verdict_action(request, pk, services.verdict_publish, "Verdict published.")


@reviewer_required
@require_POST
def verdict_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _verdict_action(request, pk, services.verdict_unpublish, "Verdict unpublished.")


@reviewer_required
@require_POST
def flag_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(Flag.objects.select_related("claim"), pk=pk)
    return _claim_action(
        request,
        flag.claim,
        forms.FlagDismissForm(request.POST),
        lambda d: services.flag_dismiss(flag_id=pk, reason=d["reason"], actor=request.user),
        changed="flags",
        message="Flag dismissed.",
    )


# --- attributions ---------------------------------------------------------------------------


def _panel_claim(request: HttpRequest, attribution: Attribution) -> Claim:
    """The panel the attribution was edited from (an attribution may overlap a claim without
    being linked to it); falls back to the linked claim."""
    raw = request.POST.get("claim", "")
    claim_id = int(raw) if raw.isdigit() else attribution.claim_id
    if claim_id is None:
        raise Http404("No claim to show this attribution with")
    return get_object_or_404(Claim, pk=claim_id, article_id=attribution.article_id)


@reviewer_required
@require_POST
def attribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    attribution = get_object_or_404(Attribution, pk=pk)
    form = forms.AttributionEditForm(request.POST)

    def correct(d: dict) -> Attribution:
        if d.get("clear"):
            span = None
        elif d.get("entity"):
            entity = Entity.objects.filter(
                pk=d["entity"], article_id=attribution.article_id, source_id=attribution.source_id
            ).first()
            if entity is None:
                raise services.ServiceError("That entity is not in this attribution's text.")
            span = (entity.start, entity.end)
        else:
            span = (d["start"], d["end"])
        return services.attribution_correct(
            attribution_id=pk, actor=request.user, version=d["version"], **{d["part"]: span}
        )

    return _claim_action(
        request,
        _panel_claim(request, attribution),
        form,
        correct,
        changed="spans",
        message="Attribution corrected.",
    )


@reviewer_required
@require_POST
def attribution_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    attribution = get_object_or_404(Attribution, pk=pk)
    return _claim_action(
        request,
        _panel_claim(request, attribution),
        forms.VersionForm(request.POST),
        lambda d: services.attribution_confirm(
            attribution_id=pk, actor=request.user, version=d["version"]
        ),
        changed="",
        message="Attribution confirmed.",
    )


@reviewer_required
@require_POST
def attribution_reject(request: HttpRequest, pk: int) -> HttpResponse:
    attribution = get_object_or_404(Attribution, pk=pk)
    return _claim_action(
        request,
        _panel_claim(request, attribution),
        forms.VersionForm(request.POST),
        lambda d: services.attribution_reject(
            attribution_id=pk, actor=request.user, version=d["version"]
        ),
        changed="spans",
        message="Attribution rejected.",
    )


@reviewer_required
@require_POST
def attribution_add(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    raw = request.POST.get("claim", "")
    claim = get_object_or_404(Claim, pk=int(raw) if raw.isdigit() else 0, article=article)
    form = forms.AttributionAddForm(request.POST)
    return _claim_action(
        request,
        claim,
        form,
        lambda d: services.attribution_add(
            article=article,
            actor=request.user,
            speaker=form.span("speaker"),
            cue=form.span("cue"),
            content=form.span("content"),
            direct=d["direct"],
            claim=claim,
        ),
        changed="spans",
        message="Attribution added.",
    )
