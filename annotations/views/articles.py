"""Adding articles (one, or a JSONL batch) and the article-level actions: assignment, the
pre-annotation progress bar, the history, and marking the review done."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from .. import forms, roles, selectors, services
from ..models import Article
from .access import reviewer_required
from .double_review import blind_redirect
from .htmx import REVIEW, AuthenticatedHttpRequest, flash, form_error, review_url
from .queue import QUEUE

ADD = "annotations/article_add.html"
HISTORY = "annotations/history.html"
TAKEOVER = "annotations/assign_confirm.html"


@reviewer_required
def article_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.ArticleForm(request.POST or None, request.FILES or None)
    sources = forms.SourceFormSet(request.POST or None, request.FILES or None, prefix="sources")
    batch = forms.BatchForm(prefix="batch")
    duplicate: Article | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid() and sources.is_valid():
            try:
                article = services.article_import(
                    data=forms.article_input(form, sources), actor=request.user
                )
            except services.DuplicateArticle as exc:
                form.add_error(None, exc.messages[0])
                duplicate = exc.existing
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                notice = services.run_notice(article)
                messages.success(request, f"Imported “{article.title}”; {notice}")
                return redirect("annotations:article_review", pk=article.pk)
        status = 400
    context = {"form": form, "sources": sources, "batch": batch, "duplicate": duplicate}
    return render(request, ADD, context, status=status)


@reviewer_required
@require_POST
def article_batch(request: AuthenticatedHttpRequest) -> HttpResponse:
    batch = forms.BatchForm(request.POST, request.FILES, prefix="batch")
    if batch.is_valid():
        try:
            created = services.articles_import_batch(
                items=batch.cleaned_data["file"], actor=request.user
            )
        except ValidationError as exc:
            batch.add_error(None, exc)
        else:
            notice = services.run_notice(created[0]) if created else "nothing to queue."
            messages.success(request, f"Imported {len(created)} article(s); {notice}")
            return redirect("annotations:queue")
    context = {
        "form": forms.ArticleForm(),
        "sources": forms.SourceFormSet(prefix="sources"),
        "batch": batch,
    }
    return render(request, ADD, context, status=400)


@reviewer_required
@require_GET
def article_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Polled by the queue and the article page while a run is queued or running.

    In the queue the finished run's whole row comes back (status, claim and flag counts) with
    the status tabs out of band, counted under the filters the poll sends along; the finished
    fragment has no trigger, so the swap itself stops the polling. On the article page
    (``?on=article``) a finished run reloads the page, which then shows its claims.
    """
    article = selectors.progress_article_or_404(pk)
    run = selectors.latest_run(article)
    finished = run is not None and run.status not in selectors.RUNNING
    on_article = request.GET.get("on") == "article"
    if request.htmx and finished and on_article:
        return HttpResponseClientRefresh()
    context = {"article": article, "run": run, "is_editor": roles.is_editor(request.user)}
    if request.htmx and finished:
        row = selectors.queue_row(article_id=pk, user=request.user)
        response = render(
            request, QUEUE + "#article-row", {**context, "article": row, "just_finished": True}
        )
        response.content += _status_tabs(request)
        return reswap(retarget(response, f"#article-row-{pk}"), "outerHTML")
    return render(request, QUEUE + "#run-progress", {**context, "on_article": on_article})


def _status_tabs(request: AuthenticatedHttpRequest, data: QueryDict | None = None) -> bytes:
    """The queue's status tabs, recounted under the queue's filters (sent along by the row's
    request), to swap in out of band beside a row whose status changed."""
    data = request.GET if data is None else data
    form = forms.QueueFilterForm(data)
    filters = form.filters()
    status = filters.pop("status", "")
    query = data.copy()
    for key in ("page", "status", "on", "csrfmiddlewaretoken", "next"):
        query.pop(key, None)
    base = selectors.queue_base(user=request.user, **filters)
    context = {
        "status_counts": selectors.status_counts(base),
        "status": status,
        "query": query.urlencode(),
        "oob": True,
    }
    return render_to_string(QUEUE + "#status-tabs", context, request).encode()


@reviewer_required
@require_POST
def article_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An editor starts a failed or stuck pre-annotation again: a new run; the old one keeps
    its error. From the queue the row comes back, from the article page its progress bar."""
    article = selectors.article_or_404(pk)
    try:
        run = services.run_retry(article=article, actor=request.user)
    except PermissionDenied as exc:
        if request.htmx:
            return flash(request, str(exc), status=403)
        raise
    except ValidationError as exc:
        if request.htmx:
            return flash(request, " ".join(exc.messages), status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect(_next_url(request, default=review_url(pk)))
    notice = services.run_notice(article)
    if not request.htmx:
        messages.success(request, f"Pre-annotation started again (run {run.pk}); {notice}")
        return redirect(_next_url(request, default=review_url(pk)))
    context = {"article": article, "run": run, "is_editor": True}
    if (request.htmx.target or "").startswith("article-row"):
        row = selectors.queue_row(article_id=pk, user=request.user)
        response = render(request, QUEUE + "#article-row", {**context, "article": row})
        response.content += _status_tabs(request, request.POST)
        return response
    return render(request, QUEUE + "#run-progress", {**context, "on_article": True})


@reviewer_required
@require_POST
def article_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_or_404(pk)
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return flash(request, form_error(form), status=400)
    assignee_id = form.cleaned_data["assignee"]
    assignee = selectors.assignee_or_404(assignee_id) if assignee_id else None
    try:
        article = services.article_assign(
            article=article,
            assignee=assignee,
            actor=request.user,
            takeover=form.cleaned_data["takeover"],
        )
    except services.TakeoverNeedsConfirmation as exc:
        return _confirm_takeover(request, exc)
    except PermissionDenied as exc:
        if request.htmx:
            return flash(request, str(exc), status=403)
        raise
    if not request.htmx:
        who = assignee.get_username() if assignee else "nobody"
        messages.success(request, f"“{article.title}” is now assigned to {who}.")
        return redirect(_next_url(request))
    if (request.htmx.target or "").startswith("article-row"):
        row = selectors.queue_row(article_id=pk, user=request.user)
        context = {"article": row, "is_editor": roles.is_editor(request.user)}
        response = render(request, QUEUE + "#article-row", context)
    else:
        response = _header_response(request, pk)
    if form.cleaned_data["takeover"]:
        # The confirmation was asked in the message region: answered, it goes.
        response.content += b'<div id="flash" class="flash" role="alert" hx-swap-oob="true"></div>'
    return response


def _next_url(request: AuthenticatedHttpRequest, *, default: str = "") -> str:
    next_url = request.POST.get("next", "")
    # Only a path on this site: "//evil.example" is another host to a browser.
    if next_url.startswith("/") and not next_url.startswith("//"):
        return next_url
    return default or reverse("annotations:queue")


def _confirm_takeover(
    request: AuthenticatedHttpRequest, exc: services.TakeoverNeedsConfirmation
) -> HttpResponse:
    """Ask before taking an article from the person assigned to it: with htmx in the page's
    message region (the same form, confirmed, updates what the first click aimed at),
    without it on a page of its own. 409: nothing was changed yet."""
    context = {
        "article": exc.article,
        "holder": exc.holder,
        "next": _next_url(request),
        "target": request.htmx.target if request.htmx else "",
    }
    if request.htmx:
        response = render(request, TAKEOVER + "#takeover-confirm", context, status=409)
        return reswap(retarget(response, "#flash"), "outerHTML")
    return render(request, TAKEOVER, context, status=409)


def _header_response(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    status: int = 200,
    error: str = "",
    message: str = "",
) -> HttpResponse:
    header = selectors.article_header(article_id=pk, user=request.user)
    context = {
        "article": header.article,
        "counts": header.counts,
        "page": header,
        "is_editor": roles.is_editor(request.user),
        "header_error": error,
        "header_message": message,
    }
    return render(request, REVIEW + "#article-header", context, status=status)


def _reviewed_message(article: Article) -> str:
    if article.status == Article.Status.PUBLISHED:
        return (
            "Review complete: every claim is decided and every verdict is public, so the "
            "article is Published."
        )
    return (
        "Review complete: every claim is decided and the article is marked Reviewed. It "
        "becomes Published when an editor has published a verdict on every claim kept."
    )


@reviewer_required
@require_POST
def article_mark_reviewed(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_or_404(pk)
    try:
        article = services.article_mark_reviewed(article=article, actor=request.user)
    except ValidationError as exc:
        if request.htmx:
            return _header_response(request, pk, status=400, error=" ".join(exc.messages))
        messages.error(request, " ".join(exc.messages))
        return redirect(review_url(pk))
    if request.htmx:
        return _header_response(request, pk, message=_reviewed_message(article))
    messages.success(request, _reviewed_message(article))
    return redirect(review_url(pk))


@reviewer_required
@require_GET
def article_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if (blind := blind_redirect(request, pk)) is not None:
        return blind  # the history would show the first review's decisions
    article = selectors.article_or_404(pk)
    return render(
        request,
        HISTORY,
        {"article": article, "history": selectors.article_history(article)},
    )
