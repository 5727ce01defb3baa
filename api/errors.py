"""The services' refusals as HTTP answers, the way the pages map them.

- ``ServiceError`` and any Django ``ValidationError`` (a span out of range, say): 400, with
  the messages under ``non_field_errors`` (or under their fields, when the error names them);
- ``ConflictError`` (someone changed the record since the caller read it): 409, with the
  current record so the caller can show it and try again;
- ``DraftVerdictExists`` (rejecting a claim with a draft verdict): 409, naming the verdict;
  the same request with ``"discard_draft": true`` rejects and discards;
- ``DuplicateArticle``: 409 naming the article already imported;
- Django's ``PermissionDenied`` and ``Http404``: 403 and 404, as DRF does.

Nothing here writes: a refused request stored nothing (the services validate before writing
and run in one transaction).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from annotations import services
from annotations.models import Attribution, Claim, Verdict


def _validation_body(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): [
                message for error in errors for message in error.messages
            ]
            for name, errors in exc.error_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}


def _current(record: Claim | Attribution | Verdict) -> dict[str, Any]:
    from . import serializers

    if isinstance(record, Claim):
        return dict(serializers.ClaimOut(record).data)
    if isinstance(record, Attribution):
        return dict(serializers.AttributionOut(record).data)
    return dict(serializers.VerdictOut(record).data)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, services.ConflictError):
        body = {
            "detail": str(exc),
            "code": "conflict",
            "your_version": exc.expected_version,
            "current_version": exc.current.version,
            "changed_by": exc.changed_by,
            "current": _current(exc.current),
        }
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, services.DraftVerdictExists):
        body = {
            "detail": " ".join(exc.messages),
            "code": "draft_verdict_exists",
            "verdict": exc.verdict.pk,
        }
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, services.DuplicateArticle):
        body = {"detail": exc.messages[0], "code": "duplicate", "existing": exc.existing.pk}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(_validation_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ObjectDoesNotExist):
        # A record deleted between the lookup and the service's locked read.
        exc = NotFound()
    return drf_exception_handler(exc, context)
