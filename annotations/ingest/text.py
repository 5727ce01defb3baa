"""Turning uploaded or file bytes into article text, or a clear refusal.

No Django import: the import commands, the upload forms, the JSONL batch parser, the services
and the ``preannotate`` command all read text through here, so the same bad file gets the same
message everywhere.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_MAX_BYTES = 2_000_000


class TextInputError(ValueError):
    """Input that cannot become article text; the message is meant for the user."""


def decode_text(data: bytes, *, label: str = "input", max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode strict UTF-8, refusing empty, oversized and binary input.

    A leading byte-order mark is dropped (editors on Windows add one); everything else is kept
    exactly, newlines included, because stored offsets index into this string.
    """
    if len(data) > max_bytes:
        raise TextInputError(
            f"{label} is {len(data):,} bytes; the limit is {max_bytes:,} bytes"
            " (FACTCHECK_MAX_TEXT_BYTES)"
        )
    if b"\x00" in data:
        raise TextInputError(f"{label} looks binary (it contains NUL bytes), not UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextInputError(
            f"{label} is not valid UTF-8 (bad byte at position {exc.start})"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return check_text(text, label=label, max_bytes=max_bytes)


def check_text(text: object, *, label: str = "input", max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Validate text that is already a ``str`` (pasted into a form, or from JSON)."""
    if not isinstance(text, str):
        raise TextInputError(f"{label} must be text, got {type(text).__name__}")
    if not text.strip():
        raise TextInputError(f"{label} is empty")
    if len(text) * 4 > max_bytes and len(text.encode("utf-8")) > max_bytes:
        raise TextInputError(f"{label} is larger than the limit of {max_bytes:,} bytes")
    if "\x00" in text:
        raise TextInputError(f"{label} contains NUL characters")
    bad = [ch for ch in text[:10_000] if ord(ch) < 32 and ch not in "\n\r\t\f\v"]
    if len(bad) > 10:
        raise TextInputError(f"{label} looks binary (control characters), not text")
    return text


def read_text_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise TextInputError(f"{path}: no such file") from None
    if path.is_dir():
        raise TextInputError(f"{path}: is a directory")
    if size > max_bytes:
        raise TextInputError(
            f"{path} is {size:,} bytes; the limit is {max_bytes:,} bytes (FACTCHECK_MAX_TEXT_BYTES)"
        )
    return decode_text(path.read_bytes(), label=str(path), max_bytes=max_bytes)
