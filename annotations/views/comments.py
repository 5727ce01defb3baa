"""Comments on a claim or an article, and the signed-in person's mentions.

A thread is one fragment (``#comments-claim-<id>`` or ``#comments-article-<id>``): htmx
gets it back after every action; a plain POST redirects to where the thread is shown. A
refusal answers with the thread and the reason (400 bad input, 403 not yours, 409 changed
since it was opened, with the current text).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors, services
from ..models import Comment
from ..selectors import comments as comment_reads
from .access import reviewer_required
from .double_review import blind_redirect
from .htmx import AuthenticatedHttpRequest, review_url

COMMENTS = "annotations/comments.html"
MENTIONS = "annotations/mentions.html"
HISTORY_LIST = "annotations/_history_list.html"


def _thread_context(
    request: AuthenticatedHttpRequest, *, article_id: int, claim_id: int | None, **extra: Any
) -> dict[str, Any]:
    thread = comment_reads.comment_thread(
        article_id=article_id, claim_id=claim_id, user=request.user
    )
    return {"thread": thread, "typed": "", "comment_error": "", "conflict": None, **extra}


def _thread_response(
    request: AuthenticatedHttpRequest,
    *,
    article_id: int,
    claim_id: int | None,
    status: int = 200,
    changed: bool = False,
    **extra: Any,
) -> HttpResponse:
    context = _thread_context(request, article_id=article_id, claim_id=claim_id, **extra)
    if request.htmx:
        response = render(request, COMMENTS + "#comment-thread", context, status=status)
        if changed and claim_id is not None:
            response.content += _claim_history(request, claim_id)
        return response
    article = selectors.article_or_404(article_id)
    claim = selectors.claim_or_404(claim_id) if claim_id is not None else None
    context.update(article=article, claim=claim, standalone=True)
    return render(request, COMMENTS, context, status=status)


def _claim_history(request: AuthenticatedHttpRequest, claim_id: int) -> bytes:
    """The claim panel's history, out of band: the comment just made is its newest line."""
    history = selectors.claim_panel(claim_id=claim_id).history
    html = render_to_string(HISTORY_LIST, {"history": history}, request)
    return f'<div id="claim-history" hx-swap-oob="true">{html}</div>'.encode()


def _where(comment_article_id: int, claim_id: int | None) -> str:
    if claim_id is None:
        return reverse("annotations:article_comments", args=[comment_article_id])
    return review_url(comment_article_id, claim_id)


def _add(
    request: AuthenticatedHttpRequest, *, article_id: int, claim_id: int | None
) -> HttpResponse:
    article = selectors.article_or_404(article_id)
    claim = selectors.claim_or_404(claim_id) if claim_id is not None else None
    body = request.POST.get("body", "")
    try:
        services.comment_add(article=article, claim=claim, body=body, actor=request.user)
    except (PermissionDenied, ValidationError) as exc:
        if isinstance(exc, PermissionDenied):
            error, status = str(exc), 403
        else:
            error, status = " ".join(exc.messages), 400
        return _thread_response(
            request,
            article_id=article_id,
            claim_id=claim_id,
            status=status,
            comment_error=error,
            typed=body,
        )
    if not request.htmx:
        return redirect(_where(article_id, claim_id))
    return _thread_response(request, article_id=article_id, claim_id=claim_id, changed=True)


@reviewer_required
@require_http_methods(["GET", "POST"])
def claim_comments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_location_or_404(pk)
    if (blind := blind_redirect(request, claim.article_id)) is not None:
        return blind  # colleagues' notes would show the first review's reasoning
    if request.method == "POST":
        return _add(request, article_id=claim.article_id, claim_id=claim.pk)
    return _thread_response(request, article_id=claim.article_id, claim_id=claim.pk)


@reviewer_required
@require_http_methods(["GET", "POST"])
def article_comments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_or_404(pk)
    if (blind := blind_redirect(request, article.pk)) is not None:
        return blind
    if request.method == "POST":
        return _add(request, article_id=article.pk, claim_id=None)
    return _thread_response(request, article_id=article.pk, claim_id=None)


def _version(request: AuthenticatedHttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _change(request: AuthenticatedHttpRequest, comment: Comment, *, delete: bool) -> HttpResponse:
    article_id, claim_id = comment.article_id, comment.claim_id
    body = request.POST.get("body", "")
    version = _version(request)
    if version is None:
        return _thread_response(
            request,
            article_id=article_id,
            claim_id=claim_id,
            status=400,
            comment_error="The comment's version is missing.",
        )
    try:
        if delete:
            services.comment_delete(comment_id=comment.pk, actor=request.user, version=version)
        else:
            services.comment_edit(
                comment_id=comment.pk, body=body, actor=request.user, version=version
            )
    except services.CommentConflict as exc:
        return _thread_response(
            request, article_id=article_id, claim_id=claim_id, status=409, conflict=exc, typed=body
        )
    except PermissionDenied as exc:
        return _thread_response(
            request, article_id=article_id, claim_id=claim_id, status=403, comment_error=str(exc)
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        return _thread_response(
            request,
            article_id=article_id,
            claim_id=claim_id,
            status=400,
            comment_error=error,
            typed=body,
        )
    if not request.htmx:
        return redirect(_where(comment.article_id, comment.claim_id))
    return _thread_response(request, article_id=article_id, claim_id=claim_id, changed=True)


@reviewer_required
@require_POST
def comment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _change(request, comment_reads.comment_or_404(pk), delete=False)


@reviewer_required
@require_POST
def comment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _change(request, comment_reads.comment_or_404(pk), delete=True)


@reviewer_required
@require_GET
def mentions(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = comment_reads.mentions_for(request.user)
    unread = sum(1 for item in items if item.mention.read_at is None)
    return render(request, MENTIONS, {"items": items, "unread": unread})


@reviewer_required
@require_POST
def mentions_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark one mention read and open its comment (``mention``), or mark them all read."""
    raw = request.POST.get("mention", "")
    if raw.isdigit():
        item = comment_reads.mention_or_404(int(raw), user=request.user)
        services.mentions_mark_read(user=request.user, mention_ids=[item.pk])
        comment = item.comment
        target = _where(comment.article_id, comment.claim_id)
        return redirect(target if comment.claim_id else target + f"#comment-{comment.pk}")
    services.mentions_mark_read(user=request.user)
    return redirect("annotations:mentions")
