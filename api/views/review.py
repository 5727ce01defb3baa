"""Claims, attributions and flags: read one, and the reviewer's decisions on it.

Each write checks the body, then calls the one service the review page calls, with the
version the caller read: a stale version is a 409 carrying the current record.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import services
from annotations.models import Attribution, Claim, Flag

from .. import selectors
from ..permissions import IsEditor
from ..serializers import (
    AttributionCorrectIn,
    AttributionOut,
    ClaimCorrectIn,
    ClaimOut,
    FlagDismissIn,
    FlagOut,
    RejectIn,
    VerdictIn,
    VerdictOut,
    VersionIn,
)
from .common import ID, READ_ERRORS, WRITE_ERRORS, read_body, user_of


class ClaimViewSet(viewsets.GenericViewSet[Claim]):
    serializer_class = ClaimOut
    queryset = Claim.objects.none()
    lookup_value_regex = ID

    def _answer(self, request: Request, pk: str) -> Response:
        return Response(ClaimOut(selectors.claim(user=user_of(request), pk=int(pk))).data)

    @extend_schema(responses={200: ClaimOut, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(request, pk)

    @extend_schema(request=VersionIn, responses={200: ClaimOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        user = user_of(request)
        claim = selectors.claim(user=user, pk=int(pk))
        version = read_body(request, VersionIn).validated_data["version"]
        services.claim_confirm(claim_id=claim.pk, actor=user, version=version)
        return self._answer(request, pk)

    @extend_schema(request=RejectIn, responses={200: ClaimOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """A claim with a draft verdict answers 409 (`draft_verdict_exists`); send
        `discard_draft: true` to reject it and discard the draft in one step. A published
        verdict must be withdrawn by an editor first (400)."""
        user = user_of(request)
        claim = selectors.claim(user=user, pk=int(pk))
        data = read_body(request, RejectIn).validated_data
        services.claim_reject(
            claim_id=claim.pk,
            actor=user,
            version=data["version"],
            discard_draft=data["discard_draft"],
        )
        return self._answer(request, pk)

    @extend_schema(request=VersionIn, responses={200: ClaimOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        user = user_of(request)
        claim = selectors.claim(user=user, pk=int(pk))
        version = read_body(request, VersionIn).validated_data["version"]
        services.claim_reopen(claim_id=claim.pk, actor=user, version=version)
        return self._answer(request, pk)

    @extend_schema(request=ClaimCorrectIn, responses={200: ClaimOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        """Move the claim's span (offsets in code points of the article text)."""
        user = user_of(request)
        claim = selectors.claim(user=user, pk=int(pk))
        data = read_body(request, ClaimCorrectIn, text=claim.article.body).validated_data
        services.claim_correct(
            claim_id=claim.pk,
            start=data["start"],
            end=data["end"],
            actor=user,
            version=data["version"],
        )
        return self._answer(request, pk)

    @extend_schema(
        methods=["GET"], responses={200: VerdictOut, **READ_ERRORS}, summary="The claim's verdict"
    )
    @extend_schema(
        methods=["POST"],
        request=VerdictIn,
        responses={200: VerdictOut, **WRITE_ERRORS},
        summary="Save the claim's verdict as a draft (and submit it)",
        description="Creates the verdict (`version` null) or edits it (`version` = the "
        "verdict's). Editing a published verdict drafts its next revision; the public keeps "
        "the published one until an editor publishes. With `submit`, the saved draft is also "
        "submitted for publication; if submitting is refused, the draft stays saved.",
    )
    @action(detail=True, methods=["get", "post"])
    def verdict(self, request: Request, pk: str) -> Response:
        user = user_of(request)
        if request.method == "GET":
            return Response(VerdictOut(selectors.claim_verdict(user=user, claim_id=int(pk))).data)
        claim = selectors.claim(user=user, pk=int(pk))
        body = read_body(request, VerdictIn)
        data = body.validated_data
        saved = services.verdict_save(
            claim=claim,
            rating=data["rating"],
            rationale=data["rationale"],
            evidence_ids=data["evidence"],
            version=data["version"],
            claim_reviewed=data["claim_reviewed"],
            claimant=body.claimant_choice(),
            actor=user,
        )
        if data["submit"]:
            services.verdict_submit(verdict=saved, actor=user, version=saved.version)
        return Response(VerdictOut(selectors.verdict(user=user, pk=saved.pk)).data)


class AttributionViewSet(viewsets.GenericViewSet[Attribution]):
    serializer_class = AttributionOut
    queryset = Attribution.objects.none()
    lookup_value_regex = ID

    def _answer(self, request: Request, pk: str) -> Response:
        found = selectors.attribution(user=user_of(request), pk=int(pk))
        return Response(AttributionOut(found).data)

    @extend_schema(responses={200: AttributionOut, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(request, pk)

    @extend_schema(request=VersionIn, responses={200: AttributionOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        user = user_of(request)
        found = selectors.attribution(user=user, pk=int(pk))
        version = read_body(request, VersionIn).validated_data["version"]
        services.attribution_confirm(attribution_id=found.pk, actor=user, version=version)
        return self._answer(request, pk)

    @extend_schema(request=VersionIn, responses={200: AttributionOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        user = user_of(request)
        found = selectors.attribution(user=user, pk=int(pk))
        version = read_body(request, VersionIn).validated_data["version"]
        services.attribution_reject(attribution_id=found.pk, actor=user, version=version)
        return self._answer(request, pk)

    @extend_schema(request=AttributionCorrectIn, responses={200: AttributionOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        """Correct any of speaker, cue and content (spans in the text the attribution is
        in: the article's, or its source's); `speaker: null` clears the speaker."""
        user = user_of(request)
        found = selectors.attribution(user=user, pk=int(pk))
        text = found.source.text if found.source_id and found.source else found.article.body
        data = read_body(request, AttributionCorrectIn, text=text).validated_data
        parts: dict[str, Any] = {}
        for part in ("speaker", "cue", "content"):
            if part in data:
                span = data[part]
                parts[part] = None if span is None else (span["start"], span["end"])
        services.attribution_correct(
            attribution_id=found.pk,
            actor=user,
            version=data["version"],
            direct=data["direct"],
            **parts,
        )
        return self._answer(request, pk)


class FlagViewSet(viewsets.GenericViewSet[Flag]):
    serializer_class = FlagOut
    queryset = Flag.objects.none()
    lookup_value_regex = ID

    @extend_schema(responses={200: FlagOut, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FlagOut(selectors.flag(user=user_of(request), pk=int(pk))).data)

    @extend_schema(request=FlagDismissIn, responses={200: FlagOut, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def dismiss(self, request: Request, pk: str) -> Response:
        """Editors only: dismiss a wrong or irrelevant flag, saying why."""
        user = user_of(request)
        flag = selectors.flag(user=user, pk=int(pk))
        reason = read_body(request, FlagDismissIn).validated_data["reason"]
        services.flag_dismiss(flag_id=flag.pk, reason=reason, actor=user)
        return Response(FlagOut(selectors.flag(user=user, pk=flag.pk)).data)
