"""Find the ClaimReview records in a document and validate them one by one.

Why apart from the checker: real inputs come as a single object, a list, an ``@graph``, a
schema.org DataFeed (items directly or wrapped in DataFeedItem) or JSON Lines, and an
import or a ``validate_claimreview`` run must report each record with where it was, and
read a large JSONL file without holding it in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checker import Issue, types_of, validate_claim_review


@dataclass(slots=True)
class RecordResult:
    """The verdict for one record of a document (object, list item, feed item, line)."""

    index: int
    location: str
    node: Any
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One candidate record of a document, before validation.

    ``parse_error`` is set (and ``node`` is ``None``) for a JSONL line that is not JSON.
    """

    index: int
    location: str
    node: Any
    context: Any = None
    parse_error: str | None = None


def _looks_like_claim_review(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    types = types_of(node) or ([node["type"]] if isinstance(node.get("type"), str) else [])
    return "ClaimReview" in types or "claimReviewed" in node


def _is_feed(node: dict[str, Any]) -> bool:
    return "DataFeed" in types_of(node) or "dataFeedElement" in node


def _is_lines(doc: Any) -> bool:
    """An open JSONL file or its lines."""
    return hasattr(doc, "readline") or (
        isinstance(doc, list) and bool(doc) and all(isinstance(line, str) for line in doc)
    )


def iter_jsonl_records(lines: Iterable[str], *, start: int = 0) -> Iterator[SourceRecord]:
    """Records from JSON Lines, one per non-blank line, streaming."""
    index = start
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            node = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SourceRecord(index, f"line {number}", None, parse_error=f"invalid JSON: {exc}")
        else:
            yield SourceRecord(index, f"line {number}", node)
        index += 1


def _list_records(doc: list[Any]) -> Iterator[SourceRecord]:
    """A top-level list: its ClaimReviews, and the records of any feed inside it."""
    index = 0
    for i, node in enumerate(doc):
        if isinstance(node, dict) and _is_feed(node):
            for rec in iter_records(node):
                yield SourceRecord(index, f"$[{i}]{rec.location[1:]}", rec.node, rec.context)
                index += 1
        elif _looks_like_claim_review(node) or not isinstance(node, dict):
            yield SourceRecord(index, f"$[{i}]", node)
            index += 1


def _feed_element_nodes(element: Any, where: str) -> Iterator[tuple[str, Any]]:
    """(location, node) of what one feed element carries: a DataFeedItem's item(s), or
    the element itself."""
    if not (isinstance(element, dict) and "DataFeedItem" in types_of(element)):
        yield where, element
        return
    items = element.get("item")
    if isinstance(items, list):
        for j, item in enumerate(items):
            yield f"{where}.item[{j}]", item
    else:
        yield f"{where}.item", items


def _feed_records(doc: dict[str, Any]) -> Iterator[SourceRecord]:
    context = doc.get("@context")
    elements = doc.get("dataFeedElement") or []
    if isinstance(elements, dict):
        elements = [elements]
    index = 0
    for i, element in enumerate(elements):
        for location, node in _feed_element_nodes(element, f"$.dataFeedElement[{i}]"):
            yield SourceRecord(index, location, node, context)
            index += 1


def _graph_records(doc: dict[str, Any]) -> Iterator[SourceRecord]:
    context = doc.get("@context")
    index = 0
    for i, node in enumerate(doc["@graph"]):
        if _looks_like_claim_review(node):
            yield SourceRecord(index, f"$.@graph[{i}]", node, context)
            index += 1


def iter_records(doc: Any) -> Iterator[SourceRecord]:
    """Every ClaimReview candidate in a single object, a list, an ``@graph``, a DataFeed
    (items directly or wrapped in DataFeedItem) or JSON Lines text."""
    if isinstance(doc, bytes):
        doc = doc.decode("utf-8-sig")
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except json.JSONDecodeError:
            yield from iter_jsonl_records(doc.splitlines())
            return
    if _is_lines(doc):
        yield from iter_jsonl_records(doc)
    elif isinstance(doc, list):
        yield from _list_records(doc)
    elif not isinstance(doc, dict):
        yield SourceRecord(0, "$", doc)
    elif _is_feed(doc):
        yield from _feed_records(doc)
    elif isinstance(doc.get("@graph"), list):
        yield from _graph_records(doc)
    else:
        yield SourceRecord(0, "$", doc)


def validate_record(record: SourceRecord, *, site_domain: str | None = None) -> RecordResult:
    if record.parse_error is not None:
        issue = Issue("error", "$", record.parse_error, "invalid-json")
        return RecordResult(record.index, record.location, None, [issue])
    issues = validate_claim_review(
        record.node, site_domain=site_domain, inherited_context=record.context
    )
    return RecordResult(record.index, record.location, record.node, issues)


def iter_validate_document(doc: Any, *, site_domain: str | None = None) -> Iterator[RecordResult]:
    for record in iter_records(doc):
        yield validate_record(record, site_domain=site_domain)


def validate_document(doc: Any, *, site_domain: str | None = None) -> list[RecordResult]:
    """Per-record results for a single object, a list, a DataFeed, an ``@graph`` or JSON
    Lines (given as text). A document with no ClaimReview in it yields one error result,
    so "nothing to check" never passes as "all valid"."""
    results = list(iter_validate_document(doc, site_domain=site_domain))
    if not results:
        issue = Issue("error", "$", "no ClaimReview found in the document", "no-records")
        results.append(RecordResult(0, "$", doc, [issue]))
    return results


def iter_file_records(path: str | Path, *, stdin: Any = None) -> Iterator[SourceRecord]:
    """Records of a file holding a single object, a list, a DataFeed, an ``@graph`` or JSON
    Lines. ``.jsonl``/``.ndjson`` files (and anything that is not one JSON value) are read
    line by line, so a large JSONL export is never held in memory; ``-`` reads ``stdin``."""
    if str(path) == "-":
        text = stdin.read()
        yield from iter_records(text)
        return
    path = Path(path)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8-sig") as lines:
            yield from iter_jsonl_records(lines)
        return
    with path.open(encoding="utf-8-sig") as fh:
        try:
            doc = json.load(fh)
        except json.JSONDecodeError:
            doc = None
    if doc is None:
        with path.open(encoding="utf-8-sig") as lines:
            yield from iter_jsonl_records(lines)
        return
    yield from iter_records(doc)
