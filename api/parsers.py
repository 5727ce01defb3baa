"""JSON bodies, bounded.

DRF's JSONParser reads the whole stream whatever its size (Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` only guards ``request.body``), so a caller could post
gigabytes. The bound is the JSONL batch's: an article with its sources can never be larger
than a batch upload is allowed to be.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def _reject_constant(value: str) -> Any:
    raise ParseError(f"JSON parse error - {value} is not valid JSON")


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = int(settings.FACTCHECK_MAX_BATCH_BYTES)
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise BodyTooLarge(f"The request body is larger than {limit:,} bytes.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(data, encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"The request body is not valid {encoding} (bad byte at position {exc.start})"
            ) from None
        try:
            # NaN and Infinity are not JSON; Python's parser accepts them unless told.
            return json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
