"""Turning uploaded or file bytes into article text, or a clear refusal.

No Django import: the import commands, the upload forms, the JSONL batch parser, the services,
the admin console and the ``preannotate`` command all read text through here, so the same bad
file gets the same message everywhere, and every text is stored with the same line endings.

Line endings are the one thing changed: CR LF (what browsers send for a textarea, and what
Windows files hold) and a lone CR become LF in ``check_text``, which every entry point calls.
Offsets are counted in the stored text, so they must never depend on how it travelled.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_MAX_BYTES = 2_000_000


class TextInputError(ValueError):
    """Input that cannot become article text; the message is meant for the user."""


def decode_text(data: bytes, *, label: str = "input", max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode strict UTF-8, refusing empty, oversized and binary input.

    A leading byte-order mark is dropped (editors on Windows add one) and line endings are
    normalised (``check_text``); everything else is kept exactly, because stored offsets
    index into this string.
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


def normalize_newlines(text: str) -> str:
    """CR LF and lone CR as LF. Idempotent, so a text checked twice is stored the same."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_text(text: object, *, label: str = "input", max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Validate text that is already a ``str`` (pasted into a form, or from JSON) and return it
    with normalised line endings: what comes back is what gets stored and indexed."""
    if not isinstance(text, str):
        raise TextInputError(f"{label} must be text, got {type(text).__name__}")
    text = normalize_newlines(text)
    if not text.strip():
        raise TextInputError(f"{label} is empty")
    if len(text) * 4 > max_bytes and len(text.encode("utf-8")) > max_bytes:
        raise TextInputError(f"{label} is larger than the limit of {max_bytes:,} bytes")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise TextInputError(
            f"{label} contains NUL characters (invisible \\x00, the first on line {line}), "
            "which text never has: part of a binary file or a PDF was probably copied in. "
            "Remove them, or paste the text again from a plain-text copy."
        )
    bad = [ch for ch in text[:10_000] if ord(ch) < 32 and ch not in "\n\t\f\v"]
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
