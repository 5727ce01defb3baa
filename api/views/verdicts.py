"""Verdicts on their way to the public, through the same services as the review page, so
the editorial gate holds: reviewers save and submit, only editors publish, send back and
withdraw, and every step names the version the caller read (409 when stale). Runs: the
pre-annotation's status and progress."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import services
from annotations.models import AnnotationRun, Verdict

from .. import selectors
from ..permissions import IsEditor
from ..serializers import (
    RunOut,
    VerdictOut,
    VerdictPublishIn,
    VerdictReturnIn,
    VerdictWithdrawIn,
    VersionIn,
)
from .common import ID, READ_ERRORS, WRITE_ERRORS, read_body, read_query, user_of


class DiscardOut(serializers.Serializer):
    verdict = VerdictOut(allow_null=True, help_text="What is left: null if it was never public.")


class VerdictViewSet(viewsets.GenericViewSet[Verdict]):
    serializer_class = VerdictOut
    queryset = Verdict.objects.none()
    lookup_value_regex = ID

    def _verdict(self, request: Request, pk: str) -> Verdict:
        return selectors.verdict(user=user_of(request), pk=int(pk))

    def _answer(self, request: Request, pk: str) -> Response:
        return Response(VerdictOut(self._verdict(request, pk)).data)

    @extend_schema(responses={200: VerdictOut, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(request, pk)

    @extend_schema(request=VersionIn, responses={200: VerdictOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Ask an editor to publish the draft."""
        verdict = self._verdict(request, pk)
        version = read_body(request, VersionIn).validated_data["version"]
        services.verdict_submit(verdict=verdict, actor=user_of(request), version=version)
        return self._answer(request, pk)

    @extend_schema(request=VerdictReturnIn, responses={200: VerdictOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="return", permission_classes=[IsEditor])
    def send_back(self, request: Request, pk: str) -> Response:
        """Editors only: send a submitted verdict back to its reviewer with a note."""
        verdict = self._verdict(request, pk)
        data = read_body(request, VerdictReturnIn).validated_data
        services.verdict_return(
            verdict=verdict, actor=user_of(request), note=data["note"], version=data["version"]
        )
        return self._answer(request, pk)

    @extend_schema(request=VerdictPublishIn, responses={200: VerdictOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def publish(self, request: Request, pk: str) -> Response:
        """Editors only: publish a submitted verdict (or the editor's own draft). Publishing
        again after a change is a correction and needs a `note`, which the public sees."""
        verdict = self._verdict(request, pk)
        data = read_body(request, VerdictPublishIn).validated_data
        services.verdict_publish(
            verdict=verdict, actor=user_of(request), note=data["note"], version=data["version"]
        )
        return self._answer(request, pk)

    @extend_schema(request=VerdictWithdrawIn, responses={200: VerdictOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Editors only: take a published verdict off every public surface, with a reason
        the public notice shows."""
        verdict = self._verdict(request, pk)
        data = read_body(request, VerdictWithdrawIn).validated_data
        services.verdict_withdraw(
            verdict=verdict, actor=user_of(request), reason=data["reason"], version=data["version"]
        )
        return self._answer(request, pk)

    @extend_schema(request=VersionIn, responses={200: DiscardOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str) -> Response:
        """Throw away the draft: the whole verdict if the public never saw it, else the
        edits since its public revision."""
        verdict = self._verdict(request, pk)
        version = read_body(request, VersionIn).validated_data["version"]
        left = services.verdict_discard(verdict=verdict, actor=user_of(request), version=version)
        if left is None:
            return Response({"verdict": None})
        return Response({"verdict": VerdictOut(self._verdict(request, pk)).data})


class RunFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=AnnotationRun.Status.choices, required=False)


class RunViewSet(viewsets.GenericViewSet[AnnotationRun]):
    """Pre-annotation runs: status, stage (and its words), progress in percent, whether it
    looks stuck, and the error of a failed one."""

    serializer_class = RunOut
    queryset = AnnotationRun.objects.none()
    lookup_value_regex = ID

    @extend_schema(parameters=[RunFilters], responses={200: RunOut(many=True), **READ_ERRORS})
    def list(self, request: Request) -> Response:
        wanted = read_query(request, RunFilters).validated_data.get("status", "")
        page = self.paginate_queryset(selectors.runs(status=wanted))
        return self.get_paginated_response(RunOut(page, many=True).data)

    @extend_schema(responses={200: RunOut, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(RunOut(selectors.run(pk=int(pk))).data)
