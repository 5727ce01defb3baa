"""What every API view shares: the signed-in user as the services want it, the schema's
error answers, and reading a request body through an input serializer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

# Ids in URLs: digits only, and few enough to fit a 64-bit integer column (a longer one is a
# 404 from the URL resolver, not an overflow in the database driver).
ID = "[0-9]{1,18}"


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()


class ConflictOut(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    current_version = serializers.IntegerField(required=False)
    your_version = serializers.IntegerField(required=False)
    changed_by = serializers.CharField(required=False, allow_null=True)
    current = serializers.DictField(required=False)
    verdict = serializers.IntegerField(required=False)
    existing = serializers.IntegerField(required=False)


BAD_INPUT = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="Bad input: the messages by field (`non_field_errors` for the rest). "
    "Nothing was stored.",
)
UNAUTHENTICATED = OpenApiResponse(ErrorOut, description="No credentials (or bad ones).")
FORBIDDEN = OpenApiResponse(ErrorOut, description="Your role does not allow this.")
NOT_FOUND = OpenApiResponse(ErrorOut, description="No such record.")
CONFLICT = OpenApiResponse(
    ConflictOut,
    description="Someone changed the record since you read it (the current one is in "
    "`current`), or the request would overwrite work (`code` says which). Nothing was stored.",
)
TOO_LARGE = OpenApiResponse(ErrorOut, description="The request body is too large.")

READ_ERRORS: dict[int, Any] = {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND}
WRITE_ERRORS: dict[int, Any] = {
    400: BAD_INPUT,
    **READ_ERRORS,
    409: CONFLICT,
    413: TOO_LARGE,
    415: OpenApiResponse(ErrorOut, description="The body must be JSON."),
}


def user_of(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # the permission classes let no one else through
        raise NotAuthenticated()
    return user


def read_body[S: serializers.Serializer](
    request: Request, serializer_class: type[S], **context: Any
) -> S:
    """The body checked by ``serializer_class``; bad input raises (a 400 with the fields)."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer


def read_query[S: serializers.Serializer](request: Request, serializer_class: type[S]) -> S:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer
