"""The blind double review's screens: requiring it, handing in the first review, the second
reviewer's page, the editor's adjudication, and the desk's agreement figures.

Plain forms that POST and redirect; a refusal re-renders the page with the reason (400 bad
input, 403 not allowed, 409 someone changed it first), nothing stored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import roles, services
from ..models import Article, DoubleReview
from ..selectors import double_review as read
from ..services import double_review as dr
from .access import reviewer_required
from .htmx import AuthenticatedHttpRequest

SECOND = "annotations/second_review.html"
ADJUDICATE = "annotations/adjudicate.html"
AGREEMENT = "annotations/agreement.html"
REFUSED = "annotations/double_review_refused.html"
CHOOSE = "annotations/double_review_choose.html"


def _article(pk: int) -> Article:
    return get_object_or_404(Article, pk=pk)


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _status(exc: Exception) -> int:
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, services.ConflictError | dr.StaleReview):
        return 409
    return 400


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "Not allowed."


def _refused(request: AuthenticatedHttpRequest, article: Article, exc: Exception) -> HttpResponse:
    context = {"article": article, "error": _message(exc)}
    return render(request, REFUSED, context, status=_status(exc))


def _back(request: AuthenticatedHttpRequest, pk: int, text: str, *, error: bool) -> HttpResponse:
    (messages.error if error else messages.success)(request, text)
    return redirect("annotations:article_review", pk=pk)


@reviewer_required
@require_POST
def double_review_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An editor requires (or waives) a blind second review; back to the article."""
    article = _article(pk)
    required = request.POST.get("required") == "on"
    try:
        dr.double_review_set(
            article=article,
            required=required,
            actor=request.user,
            version=_int(request.POST.get("version")),
        )
    except (ValidationError, dr.StaleReview) as exc:
        return _refused(request, article, exc)
    text = (
        "A blind second review is now required before anything on this article is published."
        if required
        else "This article no longer needs a second review."
    )
    return _back(request, pk, text, error=False)


@reviewer_required
@require_POST
def review_pass_submit_first(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = _article(pk)
    try:
        dr.review_pass_submit_first(article=article, actor=request.user)
    except ValidationError as exc:
        return _refused(request, article, exc)
    return _back(
        request,
        pk,
        "Your review is in as the first review. It is compared with the second reviewer's "
        "once theirs is in.",
        error=False,
    )


# --- the second review ----------------------------------------------------------------------


OPENED_FIRST = (
    "You opened this article's first review, so yours would not be an independent second "
    "review: someone else must do it."
)


def _decisions(article: Article, data: QueryDict) -> list[dr.DecisionInput]:
    """The second review form: per claim ``accept-<id>`` (keep / reject), ``text-<id>``,
    ``rating-<id>``; per attribution ``attr-<claim>-<id>`` and ``speaker-<claim>-<id>``."""
    decisions = []
    for raw in data.getlist("claim"):
        claim_id = _int(raw)
        if claim_id is None:
            raise ValidationError("Decide only on this article's claims.")
        choice = data.get(f"accept-{claim_id}", "")
        accepted = {"keep": True, "reject": False}.get(choice)
        attributions = {}
        for key in data:
            prefix = f"attr-{claim_id}-"
            if key.startswith(prefix) and key[len(prefix) :].isdigit():
                aid = int(key[len(prefix) :])
                value = {"keep": True, "reject": False}.get(data.get(key, ""))
                attributions[aid] = dr.AttributionInput(
                    value, data.get(f"speaker-{claim_id}-{aid}", "")
                )
        decisions.append(
            dr.DecisionInput(
                claim_id,
                accepted,
                text=data.get(f"text-{claim_id}", ""),
                rating_id=_int(data.get(f"rating-{claim_id}")),
                attributions=attributions,
            )
        )
    return decisions


@reviewer_required
@require_http_methods(["GET", "POST"])
def second_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = _article(pk)
    error, status = "", 200
    if request.method == "POST" and _opened_first(request, pk):
        own = read.passes_of(article).get(2)
        if own is None or own.reviewer_id != request.user.pk:
            return _refused(request, article, PermissionDenied(OPENED_FIRST))
    if request.method == "POST":
        submit = "submit" in request.POST
        try:
            dr.second_review_save(
                article=article,
                actor=request.user,
                decisions=_decisions(article, request.POST),
                submit=submit,
                version=_int(request.POST.get("version")),
            )
        except (ValidationError, PermissionDenied, dr.StaleReview) as exc:
            error, status = _message(exc), _status(exc)
        else:
            messages.success(
                request,
                "Your second review is in. The editor now compares the two reviews."
                if submit
                else "Saved. Nobody else sees your decisions until both reviews are in.",
            )
            return redirect("annotations:second_review", pk=pk)
    page = read.second_review_page(article=article, user=request.user)
    if not page.refusal and page.review_pass is None and _opened_first(request, pk):
        page = replace(page, refusal=OPENED_FIRST)
    if error:
        page = _as_typed(page, request.POST)  # a refusal keeps what was typed in the form
    context = {"page": page, "article": article, "error": error}
    return render(request, SECOND, context, status=status)


def _as_typed(page: read.SecondReviewPage, data: QueryDict) -> read.SecondReviewPage:
    choice = {"keep": True, "reject": False}
    rows = []
    for row in page.rows:
        pk = row.claim.pk
        attributions = [
            replace(
                a,
                accepted=choice.get(data.get(f"attr-{pk}-{a.attribution.pk}", "")),
                speaker=data.get(f"speaker-{pk}-{a.attribution.pk}", a.speaker),
            )
            for a in row.attributions
        ]
        rows.append(
            replace(
                row,
                accepted=choice.get(data.get(f"accept-{pk}", "")),
                text=data.get(f"text-{pk}", row.text),
                rating_id=_int(data.get(f"rating-{pk}")),
                attributions=attributions,
            )
        )
    return replace(page, rows=rows)


# --- adjudication ---------------------------------------------------------------------------


def _editor(request: AuthenticatedHttpRequest) -> None:
    if not roles.is_editor(request.user):
        raise PermissionDenied("Only editors adjudicate between the two reviews.")


def _adjudication_page(
    request: AuthenticatedHttpRequest, article: Article, *, error: str = "", status: int = 200
) -> HttpResponse:
    state = read.adjudication(article=article)
    context = {
        "article": article,
        "state": state,
        "error": error,
        "failed": request.POST.get("key", "") if error else "",
        "Stage": DoubleReview.Stage,
    }
    return render(request, ADJUDICATE, context, status=status)


@reviewer_required
@require_http_methods(["GET", "POST"])
def adjudicate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    article = _article(pk)
    if request.method == "GET":
        return _adjudication_page(request, article)
    claim_id = _int(request.POST.get("claim"))
    if claim_id is None:
        return _adjudication_page(request, article, error="Choose a disagreement.", status=400)
    try:
        dr.adjudicate(
            article=article,
            claim_id=claim_id,
            aspect=request.POST.get("aspect", ""),
            choice=request.POST.get("choice", ""),
            actor=request.user,
            version=_int(request.POST.get("version")),
            typed=request.POST.get("typed", ""),
            rating_id=_int(request.POST.get("rating")),
        )
    except (ValidationError, PermissionDenied, services.ConflictError) as exc:
        text = _message(exc)
        if isinstance(exc, services.ConflictError):
            text = f"{text} The page below shows the record as it is now."
        return _adjudication_page(request, article, error=text, status=_status(exc))
    messages.success(request, "Settled. Your decision is written to the article's records.")
    return redirect(reverse("annotations:adjudicate", args=[pk]) + f"#claim-{claim_id}")


@reviewer_required
@require_POST
def adjudication_finish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    article = _article(pk)
    try:
        dr.adjudication_finish(
            article=article, actor=request.user, version=_int(request.POST.get("version"))
        )
    except (ValidationError, dr.StaleReview) as exc:
        return _adjudication_page(request, article, error=_message(exc), status=_status(exc))
    return _back(
        request,
        pk,
        "Adjudicated: the article's records are final and its verdicts may be published.",
        error=False,
    )


# --- the desk's agreement -------------------------------------------------------------------


def _date(raw: str | None) -> tuple[date | None, str]:
    raw = (raw or "").strip()
    if not raw:
        return None, ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return None, f"“{raw}” is not a date: use YYYY-MM-DD."


@reviewer_required
@require_GET
def agreement(request: AuthenticatedHttpRequest) -> HttpResponse:
    date_from, error_from = _date(request.GET.get("from"))
    date_to, error_to = _date(request.GET.get("to"))
    error = " ".join(filter(None, [error_from, error_to]))
    if not error and date_from and date_to and date_from > date_to:
        error = "The range ends before it starts."
    if error:
        context: dict[str, object] = {
            "error": error,
            "raw_from": request.GET.get("from", ""),
            "raw_to": request.GET.get("to", ""),
            "desk": None,
        }
        return render(request, AGREEMENT, context, status=400)
    desk = read.desk_agreement(date_from=date_from, date_to=date_to)
    context = {
        "desk": desk,
        "raw_from": date_from.isoformat() if date_from else "",
        "raw_to": date_to.isoformat() if date_to else "",
    }
    return render(request, AGREEMENT, context)


OPENED = "double_review_opened_first"  # session: articles whose first review this person saw


def _opened_first(request: AuthenticatedHttpRequest, article_id: int) -> bool:
    return article_id in request.session.get(OPENED, [])


def blind_redirect(request: AuthenticatedHttpRequest, article_id: int) -> HttpResponse | None:
    """Before the article page (or its history, or a claim panel) shows the first review's
    decisions while a blind second review is outstanding: the second reviewer is sent to
    their own page; anyone who might yet be the second reviewer is asked which review they
    are here for (opening the first review rules them out as its second reviewer).

    Most articles never have a double review: one query says so, and the caller's own
    lookup answers a missing article."""
    if not read.may_be_double_reviewed(article_id):
        return None
    try:
        article = Article.objects.only("pk", "assigned_to").get(pk=article_id)
    except Article.DoesNotExist:
        raise Http404("No such article") from None
    if read.must_stay_blind(article, request.user):
        messages.info(
            request,
            "You are this article's second reviewer: the first review stays hidden until "
            "both are in.",
        )
        return redirect("annotations:second_review", pk=article_id)
    if not read.second_review_outstanding(article):
        return None
    asked = request.GET.get("first") == "1" or _opened_first(request, article_id)
    if not asked and read.might_be_second(article, request.user):
        context = {"article": article_id, "title": read.article_title(article_id)}
        return render(request, CHOOSE, context)
    opened = request.session.get(OPENED, [])
    if article_id not in opened:
        request.session[OPENED] = [*opened, article_id][-200:]
    return None
