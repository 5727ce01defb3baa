"""Serialise built ClaimReviews: the feed, JSON Lines, and JSON safe inside ``<script>``.

Why apart from the builder: these decide the shape of a whole document (a schema.org
``DataFeed``, one review per line) and how it is streamed, while the builder decides what
one review says. Exports can be 100k records long, so the feed and JSONL writers are
generators that hold one record (one batch of text) at a time. No Django here either:
a validator is passed in as a callable, so the writers never import the checker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .builder import (
    SCHEMA_ORG,
    ClaimReviewInputError,
    DateLike,
    FactCheckOrg,
    ReviewRecord,
    absolute_http,
    build_claim_review,
    iso_date,
    one_line,
)

Validator = Callable[[dict[str, Any]], Iterable[Any]]
OnError = Callable[[ReviewRecord, Exception], None]


class InvalidClaimReview(ValueError):
    """A built review that the validator passed to the writers rejected."""

    def __init__(self, issues: list[Any]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(issue) for issue in issues))


# One encoder for the module: json.dumps() builds a new one per call when given options.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(obj: Any) -> str:
    """Compact UTF-8 JSON; the one serialiser used by every writer so outputs match."""
    return _ENCODER.encode(obj)


def iter_claim_reviews(
    records: Iterable[ReviewRecord],
    *,
    org: FactCheckOrg,
    with_context: bool = True,
    validator: Validator | None = None,
    on_error: OnError | None = None,
) -> Iterator[tuple[ReviewRecord, dict[str, Any]]]:
    """Yield ``(record, claim_review)`` one at a time.

    ``validator`` returns issues for a built dict (anything with ``level == "error"``
    rejects it). A rejected or unbuildable record goes to ``on_error`` and is skipped;
    without ``on_error`` the exception propagates, so nothing invalid leaves silently.
    """
    for record in records:
        try:
            review = build_claim_review(record, org=org, with_context=with_context)
            if validator is not None:
                errors = [i for i in validator(review) if getattr(i, "level", "") == "error"]
                if errors:
                    raise InvalidClaimReview(errors)
        except (ClaimReviewInputError, InvalidClaimReview) as exc:
            if on_error is None:
                raise
            on_error(record, exc)
            continue
        yield record, review


def _node(type_: str, props: dict[str, Any]) -> dict[str, Any] | None:
    """A typed node without its absent properties; ``None`` if nothing but the type is left.

    Every value reaching here went through the builder's ``one_line``/``iso_date``/
    ``absolute_http`` or is a node built here, so "absent" is exactly ``None``.
    """
    node = {"@type": type_}
    for key, value in props.items():
        if value is not None:
            node[key] = value
    return node if len(node) > 1 else None


def _feed_item(record: ReviewRecord, review: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "DataFeedItem"}
    modified = review.get("dateModified") or review.get("datePublished")
    if modified:
        item["dateModified"] = modified
    item["item"] = review
    return item


def _feed_header(
    org: FactCheckOrg, feed_url: str | None, name: str | None, date_modified: DateLike | None
) -> dict[str, Any]:
    header: dict[str, Any] = {"@context": SCHEMA_ORG}
    header.update(
        _node(
            "DataFeed",
            {
                "name": one_line(name) or f"{one_line(org.name)} fact checks",
                "url": absolute_http(feed_url, "feed_url"),
                "dateModified": iso_date(date_modified, "date_modified"),
                "publisher": {
                    "@type": "Organization",
                    "name": org.name.strip(),
                    "url": org.url.strip(),
                },
            },
        )
        or {}
    )
    return header


def build_feed(
    records: Iterable[ReviewRecord],
    *,
    org: FactCheckOrg,
    feed_url: str | None = None,
    name: str | None = None,
    date_modified: DateLike | None = None,
    validator: Validator | None = None,
    on_error: OnError | None = None,
) -> dict[str, Any]:
    """A schema.org ``DataFeed`` of ``DataFeedItem``s wrapping ClaimReviews, in memory.

    Fine for a page or an article; for whole-site exports use :func:`iter_feed_chunks`,
    which produces exactly ``dumps(build_feed(...))`` without holding the list.
    """
    feed = _feed_header(org, feed_url, name, date_modified)
    feed["dataFeedElement"] = [
        _feed_item(record, review)
        for record, review in iter_claim_reviews(
            records, org=org, with_context=False, validator=validator, on_error=on_error
        )
    ]
    return feed


def iter_feed_chunks(
    records: Iterable[ReviewRecord],
    *,
    org: FactCheckOrg,
    feed_url: str | None = None,
    name: str | None = None,
    date_modified: DateLike | None = None,
    validator: Validator | None = None,
    on_error: OnError | None = None,
    batch_size: int = 200,
) -> Iterator[str]:
    """Stream the feed as text chunks whose concatenation is ``dumps(build_feed(...))``.

    Records are grouped ``batch_size`` to a chunk: one chunk per record would mean one
    socket write per record in a streamed response.
    """
    head = dumps(_feed_header(org, feed_url, name, date_modified))
    yield head[:-1] + ',"dataFeedElement":['
    buffer: list[str] = []
    separator = ""  # before a batch: nothing for the first, a comma after that
    for record, review in iter_claim_reviews(
        records, org=org, with_context=False, validator=validator, on_error=on_error
    ):
        buffer.append(dumps(_feed_item(record, review)))
        if len(buffer) >= batch_size:
            yield separator + ",".join(buffer)
            buffer.clear()
            separator = ","
    if buffer:
        yield separator + ",".join(buffer)
    yield "]}"


def iter_jsonl(
    records: Iterable[ReviewRecord],
    *,
    org: FactCheckOrg,
    validator: Validator | None = None,
    on_error: OnError | None = None,
) -> Iterator[str]:
    """One complete ClaimReview (with ``@context``) per line, newline-terminated."""
    for _record, review in iter_claim_reviews(
        records, org=org, validator=validator, on_error=on_error
    ):
        yield dumps(review) + "\n"


# --------------------------------------------------------------------------- embedding

_SCRIPT_ESCAPES = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def json_for_script_tag(obj: Any) -> str:
    """JSON safe to place inside ``<script type="application/ld+json">`` unescaped.

    The HTML parser ends a script element at ``</script`` and treats ``<!--`` specially
    whatever the JSON means, so every ``<``, ``>`` and ``&`` is written as a ``\\u`` escape
    (legal only inside JSON strings, which is the only place they can occur). U+2028/2029
    are escaped too for consumers that eval the block as JavaScript. Parsing the result
    gives back the same object.
    """
    return dumps(obj).translate(_SCRIPT_ESCAPES)
