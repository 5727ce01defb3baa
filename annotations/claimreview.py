"""Build schema.org ClaimReview JSON-LD from plain records, with no ORM in sight.

Why a pure module: the same markup goes into the public verdict page, the per-claim and
per-article endpoints, the streamed feed and the export command, and it has to be testable
without a database. Callers turn rows into :class:`ReviewRecord` and this module owns every
rule about the output (Google's fact-check structured-data guidelines and schema.org):

* ``@context`` is ``https://schema.org`` and only that — Google ignores other contexts;
* ``url`` is absolute and on the fact-checker's own domain (Google does not follow
  redirects, so short links and other domains break the markup);
* ``claimReviewed`` never carries the verdict (Google shows the rating next to it);
* nothing is emitted as ``null`` or ``""``: absent data is left out, because an empty
  property is read as "present but wrong" by validators.

Exports can be 100k records long, so the feed and JSONL writers are generators that hold
one record at a time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

SCHEMA_ORG = "https://schema.org"
CLAIM_REVIEWED_SOFT_LIMIT = 75  # Google: "try to keep this less than 75 characters"

SpeakerKind = Literal["Person", "Organization"]
SPEAKER_KINDS: frozenset[str] = frozenset({"Person", "Organization"})

Number = int | float
DateLike = date | datetime | str


class ClaimReviewInputError(ValueError):
    """The record cannot become valid ClaimReview markup; the message says which field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True, slots=True)
class FactCheckOrg:
    """The organisation publishing the fact checks (the ClaimReview ``author``) and the
    site that hosts the public verdict pages.

    ``site_url`` defaults to ``url``; every review ``url`` must be on its domain or a
    subdomain, because Google matches the markup to the page that carries it.
    """

    name: str
    url: str
    logo_url: str | None = None
    site_url: str | None = None
    domain: str = field(init=False, repr=False)
    _origin: str = field(init=False, repr=False)
    _base: str = field(init=False, repr=False)
    _author_node: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not _text(self.name):
            raise ClaimReviewInputError("org.name", "required")
        _absolute_http(self.url, "org.url")
        _absolute_http(self.logo_url, "org.logo_url")
        site = _absolute_http(self.site_url, "org.site_url") or self.url.strip()
        # Computed once: every review url in a 100k export is checked against them.
        object.__setattr__(self, "domain", site_host(site))
        object.__setattr__(self, "_origin", _origin(site))
        object.__setattr__(self, "_base", site)
        author = {"@type": "Organization", "name": " ".join(self.name.split())}
        author["url"] = self.url.strip()
        if self.logo_url and self.logo_url.strip():
            author["logo"] = self.logo_url.strip()
        object.__setattr__(self, "_author_node", author)


@dataclass(slots=True)
class ReviewRecord:
    """Everything the builder needs about one published verdict.

    Not frozen on purpose: a frozen dataclass's ``__init__`` goes through
    ``object.__setattr__`` per field, which made constructing a record cost as much as
    building half its review in a 100k-record export. Treat instances as read-only.

    ``public_url`` may be a path ("/factchecks/12/"); it is resolved against the
    organisation's url. ``speaker_*`` is the person or organisation who made the claim;
    when either part is unknown the article's outlet stands in as the claim's author,
    because a guessed Person/Organization type would be wrong data.
    """

    claim_text: str
    verdict_label: str
    public_url: str
    date_published: DateLike | None = None
    claim_reviewed: str | None = None
    rating_value: Number | None = None
    best_rating: Number | None = None
    worst_rating: Number | None = None
    rating_explanation: str | None = None
    speaker_name: str | None = None
    speaker_type: SpeakerKind | None = None
    article_url: str | None = None
    article_headline: str | None = None
    article_date: DateLike | None = None
    outlet_name: str | None = None
    first_appearance_url: str | None = None
    first_appearance_date: DateLike | None = None
    date_modified: DateLike | None = None
    identifier: str | int | None = None


# --------------------------------------------------------------------------- helpers


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _one_line(value: str | None) -> str | None:
    """Collapse the line breaks and runs of spaces a span copied out of an article carries."""
    if value is None:
        return None
    return " ".join(value.split()) or None


# Labels, outlets, headlines and speakers recur across the reviews of an export.
_recurring_line = lru_cache(maxsize=1024)(_one_line)


def _iso(value: DateLike | None, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):  # datetime is a date subclass
        return value.isoformat()
    text = value.strip()
    if not text:
        return None
    try:
        # fromisoformat accepts both dates and date-times (with offset) on 3.11+.
        datetime.fromisoformat(text)
    except ValueError:
        raise ClaimReviewInputError(field, f"not an ISO 8601 date: {value!r}") from None
    return text


def _number(value: Number | None, field: str) -> Number | None:
    if value is None or type(value) is int:
        return value
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        # Google recommends integer ratings; 2.0 from a FloatField is really 2.
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ClaimReviewInputError(field, f"must be a number, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ClaimReviewInputError(field, f"must be finite, got {value!r}")
        if value.is_integer():
            # Google recommends integer ratings; 2.0 from a FloatField is really 2.
            return int(value)
    return value


# A regex rather than urllib: urlsplit/urljoin cost more than the rest of a record's
# build, and a 100k-record export checks four URLs per record.
_HTTP_URL = re.compile(
    r"https?://(?:[^/?#\s@]*@)?(\[[0-9A-Fa-f:.]+\]|[^/?#\s:@\[\]]+)(?::\d*)?(?:[/?#]\S*)?",
    re.IGNORECASE,
)


def url_host(url: str) -> str | None:
    """Lower-case host of an absolute http(s) URL, or ``None`` if it is not one."""
    match = _HTTP_URL.fullmatch(url)
    return match.group(1).lower().rstrip(".") if match else None


# For urls that recur across records (the org's, an article's); review urls are unique and
# go through url_host directly so the cache never fills with them.
recurring_url_host = lru_cache(maxsize=256)(url_host)


def site_host(url: str) -> str:
    """Lower-case host of an absolute URL, without a leading ``www.``."""
    return (url_host(url) or "").removeprefix("www.")


def host_on_site(host: str, site_domain: str) -> bool:
    """True when ``host`` is the site's domain or one of its subdomains (Google's rule)."""
    host = host.lower().rstrip(".").removeprefix("www.")
    site = site_domain.lower().rstrip(".").removeprefix("www.")
    return bool(site) and (host == site or host.endswith("." + site))


def _absolute_http(url: str | None, field: str) -> str | None:
    url = _text(url)
    if url is None:
        return None
    if recurring_url_host(url) is None:
        raise ClaimReviewInputError(field, f"must be an absolute http(s) URL: {url!r}")
    return url


@lru_cache(maxsize=512)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase.casefold()) + r"(?!\w)")


def mentions_phrase(text: str, phrase: str) -> bool:
    """Case-insensitive whole-word search ("False" is in "FALSE: x", not in "falsehood")."""
    phrase = phrase.strip()
    if not phrase:
        return False
    return _phrase_pattern(phrase).search(text.casefold()) is not None


@lru_cache(maxsize=512)
def _label_prefix_pattern(label: str) -> re.Pattern[str]:
    label = re.escape(label)
    return re.compile(
        rf"^\s*(?:[\[(]\s*{label}\s*[\])]|{label}\s*[:\-\u2013\u2014|])\s*", re.IGNORECASE
    )


def _strip_label_prefix(text: str, label: str) -> str:
    """Drop a leading "FALSE:" / "[False]" style verdict prefix copied from a headline."""
    head = text[: len(label) + 4].casefold()
    if label.casefold() not in head:
        return text  # the common case, without a regex
    return _label_prefix_pattern(label).sub("", text, count=1).strip()


def _node(type_: str, props: dict[str, Any]) -> dict[str, Any] | None:
    """A typed node without its absent properties; ``None`` if nothing but the type is left.

    Every value reaching here went through ``_text``/``_one_line``/``_iso``/``_number`` or
    is a node built here, so "absent" is exactly ``None``.
    """
    node = {"@type": type_}
    for key, value in props.items():
        if value is not None:
            node[key] = value
    return node if len(node) > 1 else None


# --------------------------------------------------------------------------- builder


def build_claim_review(
    record: ReviewRecord, *, org: FactCheckOrg, with_context: bool = True
) -> dict[str, Any]:
    """Return one ClaimReview as a JSON-LD dict.

    Raises :class:`ClaimReviewInputError` instead of emitting markup Google would reject
    or that would misstate the verdict (label inside ``claimReviewed``, rating outside
    its scale, review url on another site). ``with_context=False`` is for nodes nested
    in a feed, which inherit the feed's context.
    """
    label = _recurring_line(record.verdict_label)
    if label is None:
        raise ClaimReviewInputError("verdict_label", "required")

    claim_reviewed = _one_line(record.claim_reviewed)
    if claim_reviewed is None:
        claim_text = _one_line(record.claim_text)
        if claim_text is None:
            raise ClaimReviewInputError("claim_text", "required")
        claim_reviewed = _strip_label_prefix(claim_text, label)
    if not claim_reviewed:
        raise ClaimReviewInputError("claim_reviewed", "empty once the verdict prefix is removed")
    if mentions_phrase(claim_reviewed, label):
        # Google shows the rating beside claimReviewed; repeating (or contradicting) it
        # there is against the guidelines. Only an editor can rephrase the claim.
        raise ClaimReviewInputError(
            "claim_reviewed",
            f"contains the verdict label {label!r}; set a short claim_reviewed without it",
        )

    public_url = _text(record.public_url)
    if public_url is None:
        raise ClaimReviewInputError("public_url", "required")
    if public_url.startswith("/") and not public_url.startswith("//"):
        url = org._origin + public_url
    elif public_url.startswith(("https://", "http://")):
        url = public_url
    else:
        url = urljoin(org._base, public_url)
    host = url_host(url)
    if host is None:
        raise ClaimReviewInputError("public_url", f"must resolve to an http(s) URL: {url!r}")
    if not host_on_site(host, org.domain):
        raise ClaimReviewInputError(
            "public_url", f"{url!r} is not on the organisation's domain {org.domain!r}"
        )

    value = _number(record.rating_value, "rating_value")
    best = _number(record.best_rating, "best_rating")
    worst = _number(record.worst_rating, "worst_rating")
    if best is not None and worst is not None and not worst < best:
        raise ClaimReviewInputError("best_rating", f"must be greater than worst_rating ({worst})")
    if value is not None and (
        (best is not None and value > best) or (worst is not None and value < worst)
    ):
        raise ClaimReviewInputError("rating_value", f"{value} is outside [{worst}, {best}]")

    # Nodes are filled key by key rather than filtered from a dict of candidates: four
    # times cheaper, and this runs once per review in whole-site exports.
    outlet = _recurring_line(record.outlet_name)
    outlet_node = {"@type": "Organization", "name": outlet} if outlet else None
    speaker = _recurring_line(record.speaker_name)
    kind = record.speaker_type
    if kind is not None and kind not in SPEAKER_KINDS:
        raise ClaimReviewInputError("speaker_type", "must be Person, Organization or None")
    claim_author = {"@type": kind, "name": speaker} if speaker and kind else outlet_node

    article_date = _iso(record.article_date, "article_date")
    appearance: dict[str, Any] = {"@type": "NewsArticle"}
    article_url = _absolute_http(record.article_url, "article_url")
    if article_url:
        appearance["url"] = article_url
    headline = _recurring_line(record.article_headline)
    if headline:
        appearance["headline"] = headline
    if article_date:
        appearance["datePublished"] = article_date
    if outlet_node:
        appearance["publisher"] = outlet_node

    first: dict[str, Any] = {"@type": "CreativeWork"}
    first_url = _absolute_http(record.first_appearance_url, "first_appearance_url")
    if first_url:
        first["url"] = first_url
    first_date = _iso(record.first_appearance_date, "first_appearance_date")
    if first_date:
        first["datePublished"] = first_date

    item: dict[str, Any] = {"@type": "Claim"}
    if claim_author:
        item["author"] = claim_author
    if article_date:
        item["datePublished"] = article_date
    if len(appearance) > 1:
        item["appearance"] = appearance
    if len(first) > 1:
        item["firstAppearance"] = first

    rating: dict[str, Any] = {"@type": "Rating"}
    if value is not None:
        rating["ratingValue"] = value
    if best is not None:
        rating["bestRating"] = best
    if worst is not None:
        rating["worstRating"] = worst
    rating["alternateName"] = label
    rating["name"] = label  # Google falls back to alternateName but lists name as recommended
    explanation = _one_line(record.rating_explanation)
    if explanation:
        rating["ratingExplanation"] = explanation

    review: dict[str, Any] = {"@context": SCHEMA_ORG} if with_context else {}
    review["@type"] = "ClaimReview"
    review["url"] = url
    review["claimReviewed"] = claim_reviewed
    published = _iso(record.date_published, "date_published")
    if published:
        review["datePublished"] = published
    modified = _iso(record.date_modified, "date_modified")
    if modified:
        review["dateModified"] = modified
    if record.identifier is not None:
        review["identifier"] = str(record.identifier)
    review["author"] = org._author_node.copy()
    review["reviewRating"] = rating
    if len(item) > 1:
        review["itemReviewed"] = item
    return review


# --------------------------------------------------------------------------- serialising

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
                "name": _one_line(name) or f"{_one_line(org.name)} fact checks",
                "url": _absolute_http(feed_url, "feed_url"),
                "dateModified": _iso(date_modified, "date_modified"),
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


# --------------------------------------------------------------------------- parsing

ORGANIZATION_TYPES = frozenset(
    {
        "Organization",
        "NewsMediaOrganization",
        "GovernmentOrganization",
        "Corporation",
        "NGO",
        "PoliticalParty",
        "EducationalOrganization",
        "MedicalOrganization",
        "ResearchOrganization",
    }
)


@dataclass(frozen=True, slots=True)
class ParsedReview:
    """What an incoming ClaimReview says, flattened; the inverse of :class:`ReviewRecord`.

    Only structure is read here: whether the review is acceptable is the validator's call.
    """

    claim_reviewed: str
    rating_label: str
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    rating_explanation: str | None = None
    url: str | None = None
    date_published: str | None = None
    author_name: str | None = None
    author_url: str | None = None
    speaker_name: str | None = None
    speaker_type: SpeakerKind | None = None
    claim_date: str | None = None
    appearance_url: str | None = None
    appearance_headline: str | None = None
    appearance_date: str | None = None
    outlet_name: str | None = None
    first_appearance_url: str | None = None
    first_appearance_date: str | None = None
    identifier: str | None = None


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _str(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return _one_line(value) if isinstance(value, str) else None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type", node.get("type"))
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _party(node: Any) -> tuple[str | None, SpeakerKind | None, str | None]:
    node = _first(node)
    if isinstance(node, str):
        return _one_line(node), None, None
    if not isinstance(node, dict):
        return None, None, None
    types = _types(node)
    kind: SpeakerKind | None = None
    if "Person" in types:
        kind = "Person"
    elif ORGANIZATION_TYPES.intersection(types):
        kind = "Organization"
    return _str(node.get("name")), kind, _str(node.get("url"))


def _work(node: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """(url, headline, date, publisher name) of an appearance given as URL or CreativeWork."""
    node = _first(node)
    if isinstance(node, str):
        return _text(node), None, None, None
    if not isinstance(node, dict):
        return None, None, None, None
    publisher, _kind, _url = _party(node.get("publisher"))
    headline = _str(node.get("headline")) or _str(node.get("name"))
    return _str(node.get("url")), headline, _str(node.get("datePublished")), publisher


def parse_claim_review(node: dict[str, Any]) -> ParsedReview:
    """Flatten one ClaimReview node, tolerating the legacy shapes the validator warns about
    (``itemReviewed`` as a CreativeWork whose own url is where the claim appeared)."""
    rating = _first(node.get("reviewRating"))
    rating = rating if isinstance(rating, dict) else {}
    item = _first(node.get("itemReviewed"))
    item = item if isinstance(item, dict) else {}
    author_name, _kind, author_url = _party(node.get("author"))
    speaker_name, speaker_type, _url = _party(item.get("author"))
    appearance_url, headline, appearance_date, outlet = _work(item.get("appearance"))
    if appearance_url is None and "Claim" not in _types(item):
        appearance_url = _str(item.get("url"))  # legacy CreativeWork shape
        headline = headline or _str(item.get("headline")) or _str(item.get("name"))
    first_url, _h, first_date, _p = _work(item.get("firstAppearance"))
    label = _str(rating.get("alternateName")) or _str(rating.get("name")) or ""
    return ParsedReview(
        claim_reviewed=_str(node.get("claimReviewed")) or "",
        rating_label=label,
        rating_value=_float(rating.get("ratingValue")),
        best_rating=_float(rating.get("bestRating")),
        worst_rating=_float(rating.get("worstRating")),
        rating_explanation=_str(rating.get("ratingExplanation")),
        url=_str(node.get("url")),
        date_published=_str(node.get("datePublished")),
        author_name=author_name,
        author_url=author_url,
        speaker_name=speaker_name,
        speaker_type=speaker_type if speaker_name else None,
        claim_date=_str(item.get("datePublished")),
        appearance_url=appearance_url,
        appearance_headline=headline,
        appearance_date=appearance_date,
        outlet_name=outlet,
        first_appearance_url=first_url,
        first_appearance_date=first_date,
        identifier=_str(node.get("identifier")),
    )
