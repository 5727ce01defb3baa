"""Span validation shared by models, services and forms.

Kept free of the ORM so forms, services and the import commands all give the same message
for the same mistake.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class SpanError(ValidationError):
    """A span that does not fit the text it points into."""


def validate_span(
    text: str,
    start: int | None,
    end: int | None,
    expected: str | None = None,
    *,
    label: str = "span",
) -> str:
    """Check ``0 <= start < end <= len(text)`` and, if given, that ``expected`` is the slice.

    Returns the slice so callers store exactly what the offsets point at.
    """
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
        raise SpanError(f"{label}: start and end must be integers, got {start!r} and {end!r}")
    if start < 0 or end > len(text) or start >= end:
        raise SpanError(
            f"{label}: offsets {start}–{end} are out of range for a text of {len(text)} characters"
            " (need 0 <= start < end <= length)"
        )
    piece = text[start:end]
    if expected is not None and piece != expected:
        raise SpanError(
            f"{label}: text {expected[:60]!r} does not match the text at {start}–{end}: "
            f"{piece[:60]!r}"
        )
    return piece
