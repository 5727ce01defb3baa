"""The queue: every article with its status, counts and pre-annotation progress."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import forms, roles, selectors
from .access import reviewer_required
from .htmx import AuthenticatedHttpRequest

QUEUE = "annotations/queue.html"


@reviewer_required
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
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
