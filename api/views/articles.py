"""Articles: the list (the queue's filters, paginated), one article with its text and
sources, importing one with its sources (which queues pre-annotation, as the add page does),
and per article its claims (list, add), attributions, flags, verdicts and runs."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import services
from annotations.models import Article, ReviewState

from .. import selectors
from ..permissions import IsEditor
from ..serializers import (
    ArticleDetailOut,
    ArticleIn,
    ArticleOut,
    AttributionOut,
    ClaimAddIn,
    ClaimOut,
    FlagOut,
    NothingIn,
    RunOut,
    VerdictOut,
)
from .common import ID, READ_ERRORS, WRITE_ERRORS, read_body, read_query, user_of


class ArticleFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=Article.Status.choices, required=False)
    outlet = serializers.CharField(max_length=200, required=False)
    has_open_flags = serializers.BooleanField(required=False, default=False)
    assigned_to_me = serializers.BooleanField(required=False, default=False)
    search = serializers.CharField(
        max_length=200, required=False, help_text="In the title or the outlet."
    )


class ClaimFilters(serializers.Serializer):
    review_state = serializers.ChoiceField(choices=ReviewState.choices, required=False)


class FlagFilters(serializers.Serializer):
    dismissed = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Left out: both."
    )


class ArticleViewSet(viewsets.GenericViewSet[Article]):
    serializer_class = ArticleOut
    queryset = Article.objects.none()  # the selectors choose what is read
    lookup_value_regex = ID

    def _page(self, queryset: QuerySet, serializer: type[serializers.Serializer]) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer(page, many=True).data)

    @extend_schema(
        parameters=[ArticleFilters], responses={200: ArticleOut(many=True), **READ_ERRORS}
    )
    def list(self, request: Request) -> Response:
        filters = read_query(request, ArticleFilters).validated_data
        articles = selectors.articles(
            user=user_of(request),
            status=filters.get("status", ""),
            outlet=filters.get("outlet", ""),
            mine=filters["assigned_to_me"],
            flagged=filters["has_open_flags"],
            q=filters.get("search", ""),
        )
        return self._page(articles, ArticleOut)

    @extend_schema(responses={200: ArticleDetailOut, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        article = selectors.article_detail(user=user_of(request), pk=int(pk))
        return Response(ArticleDetailOut(article).data)

    @extend_schema(request=ArticleIn, responses={201: ArticleDetailOut, **WRITE_ERRORS})
    def create(self, request: Request) -> Response:
        """Import an article with its sources and queue its pre-annotation. The same text
        twice is a 409 naming the article already imported."""
        body = read_body(request, ArticleIn)
        user = user_of(request)
        article = services.article_import(data=body.article_input(), actor=user)
        detail = selectors.article_detail(user=user, pk=article.pk)
        data = dict(ArticleDetailOut(detail).data)
        data["notice"] = services.run_notice(article)
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        parameters=[ClaimFilters],
        responses={200: ClaimOut(many=True), **READ_ERRORS},
        summary="The article's claims, in text order",
    )
    @extend_schema(
        methods=["POST"],
        request=ClaimAddIn,
        responses={201: ClaimOut, **WRITE_ERRORS},
        summary="Add a claim the machine missed",
    )
    @action(detail=True, methods=["get", "post"])
    def claims(self, request: Request, pk: str) -> Response:
        user = user_of(request)
        article = selectors.article_for(user=user, pk=int(pk))
        if request.method == "POST":
            data = read_body(request, ClaimAddIn, text=article.body).validated_data
            claim = services.claim_add(
                article=article,
                start=data["start"],
                end=data["end"],
                kinds=data["kinds"],
                actor=user,
            )
            added = selectors.claim(user=user, pk=claim.pk)
            return Response(ClaimOut(added).data, status=status.HTTP_201_CREATED)
        state = read_query(request, ClaimFilters).validated_data.get("review_state", "")
        return self._page(selectors.claims(article_id=article.pk, review_state=state), ClaimOut)

    @extend_schema(responses={200: AttributionOut(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def attributions(self, request: Request, pk: str) -> Response:
        article = selectors.article_for(user=user_of(request), pk=int(pk))
        return self._page(selectors.attributions(article_id=article.pk), AttributionOut)

    @extend_schema(parameters=[FlagFilters], responses={200: FlagOut(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def flags(self, request: Request, pk: str) -> Response:
        article = selectors.article_for(user=user_of(request), pk=int(pk))
        dismissed = read_query(request, FlagFilters).validated_data["dismissed"]
        return self._page(selectors.flags(article_id=article.pk, dismissed=dismissed), FlagOut)

    @extend_schema(responses={200: VerdictOut(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def verdicts(self, request: Request, pk: str) -> Response:
        article = selectors.article_for(user=user_of(request), pk=int(pk))
        return self._page(selectors.verdicts(article_id=article.pk), VerdictOut)

    @extend_schema(responses={200: RunOut(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def runs(self, request: Request, pk: str) -> Response:
        """Pre-annotation runs, newest first: status, stage and progress (percent)."""
        article = selectors.article_for(user=user_of(request), pk=int(pk))
        return self._page(selectors.runs(article_id=article.pk), RunOut)

    @extend_schema(request=NothingIn, responses={201: RunOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def retry(self, request: Request, pk: str) -> Response:
        """Editors only: start the pre-annotation again after its latest run failed or got
        stuck (400 otherwise). The old run keeps its error; reviewer work is kept."""
        user = user_of(request)
        article = selectors.article_for(user=user, pk=int(pk))
        read_body(request, NothingIn)
        run = services.run_retry(article=article, actor=user)
        return Response(RunOut(selectors.run(pk=run.pk)).data, status=status.HTTP_201_CREATED)
