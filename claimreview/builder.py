"""Build schema.org ClaimReview JSON-LD from plain records, with no ORM in sight.

Why a pure module: the same markup goes into the public verdict page, the per-claim and
per-article endpoints, the streamed feed and the export command, and it has to be testable
without a database. Callers (:mod:`claimreview.records`) turn rows into
:class:`ReviewRecord` and this module owns every rule about the output (Google's fact-check
structured-data guidelines and schema.org):

* ``@context`` is ``https://schema.org`` and only that — Google ignores other contexts;
* ``url`` is absolute and on the fact-checker's own domain (Google does not follow
  redirects, so short links and other domains break the markup);
* ``claimReviewed`` never carries the verdict (Google shows the rating next to it);
* nothing is emitted as ``null`` or ``""``: absent data is left out, because an empty
  property is read as "present but wrong" by validators.

It imports nothing from Django (tests/claimreview/test_architecture.py keeps it so);
serialising lives in :mod:`claimreview.writers`, reading markup back in
:mod:`claimreview.parser`.
"""

from __future__ import annotations

import math
import re
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
        if not text_or_none(self.name):
            raise ClaimReviewInputError("org.name", "required")
        absolute_http(self.url, "org.url")
        absolute_http(self.logo_url, "org.logo_url")
        site = absolute_http(self.site_url, "org.site_url") or self.url.strip()
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
    organisation's url. ``speaker_*`` is the person or organisation who made the claim (the
    claimant a reviewer recorded on the verdict); when either part is unknown the article's
    outlet stands in as the claim's author, because a guessed Person/Organization type would
    be wrong data.
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
    # The article (``appearance``) is also the earliest appearance known: it becomes
    # ``firstAppearance`` unless an explicit first appearance is given.
    first_appearance_is_article: bool = False
    date_modified: DateLike | None = None
    identifier: str | int | None = None


# --------------------------------------------------------------------------- helpers


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def text_or_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def one_line(value: str | None) -> str | None:
    """Collapse the line breaks and runs of spaces a span copied out of an article carries."""
    if value is None:
        return None
    return " ".join(value.split()) or None


# Labels, outlets, headlines and speakers recur across the reviews of an export.
_recurring_line = lru_cache(maxsize=1024)(one_line)


def iso_date(value: DateLike | None, field: str) -> str | None:
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


def absolute_http(url: str | None, field: str) -> str | None:
    url = text_or_none(url)
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


# --------------------------------------------------------------------------- builder
#
# build_claim_review is the hot path of whole-site exports (100k reviews), so its parts
# fill nodes key by key rather than filtering a dict of candidates (four times cheaper).
# They run in the order the checks always ran, so a record with several problems still
# reports the same first one.


def _claim_reviewed(record: ReviewRecord, label: str) -> str:
    """The claim's wording for ``claimReviewed``: never carrying the verdict label."""
    claim_reviewed = one_line(record.claim_reviewed)
    if claim_reviewed is None:
        claim_text = one_line(record.claim_text)
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
    return claim_reviewed


def _review_url(record: ReviewRecord, org: FactCheckOrg) -> str:
    """The absolute url of the public verdict page, on the organisation's site."""
    public_url = text_or_none(record.public_url)
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
    return url


def _rating(record: ReviewRecord, label: str) -> dict[str, Any]:
    """The ``Rating`` node; a value outside its own scale is refused, not clipped."""
    value = _number(record.rating_value, "rating_value")
    best = _number(record.best_rating, "best_rating")
    worst = _number(record.worst_rating, "worst_rating")
    if best is not None and worst is not None and not worst < best:
        raise ClaimReviewInputError("best_rating", f"must be greater than worst_rating ({worst})")
    if value is not None and (
        (best is not None and value > best) or (worst is not None and value < worst)
    ):
        raise ClaimReviewInputError("rating_value", f"{value} is outside [{worst}, {best}]")
    rating: dict[str, Any] = {"@type": "Rating"}
    if value is not None:
        rating["ratingValue"] = value
    if best is not None:
        rating["bestRating"] = best
    if worst is not None:
        rating["worstRating"] = worst
    rating["alternateName"] = label
    rating["name"] = label  # Google falls back to alternateName but lists name as recommended
    explanation = one_line(record.rating_explanation)
    if explanation:
        rating["ratingExplanation"] = explanation
    return rating


def _claim_author(
    record: ReviewRecord, outlet_node: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Who made the claim; the outlet stands in unless both name and kind are known."""
    kind = record.speaker_type
    if kind is not None and kind not in SPEAKER_KINDS:
        raise ClaimReviewInputError("speaker_type", "must be Person, Organization or None")
    speaker = _recurring_line(record.speaker_name)
    return {"@type": kind, "name": speaker} if speaker and kind else outlet_node


def _appearance(
    record: ReviewRecord, article_date: str | None, outlet_node: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The article where the claim appeared, as a ``NewsArticle``; ``None`` if unknown."""
    appearance: dict[str, Any] = {"@type": "NewsArticle"}
    article_url = absolute_http(record.article_url, "article_url")
    if article_url:
        appearance["url"] = article_url
    headline = _recurring_line(record.article_headline)
    if headline:
        appearance["headline"] = headline
    if article_date:
        appearance["datePublished"] = article_date
    if outlet_node:
        appearance["publisher"] = outlet_node
    return appearance if len(appearance) > 1 else None


def _first_appearance(
    record: ReviewRecord, appearance: dict[str, Any] | None
) -> dict[str, Any] | None:
    """An explicit first appearance, else the article itself when it is the earliest known."""
    first: dict[str, Any] = {"@type": "CreativeWork"}
    first_url = absolute_http(record.first_appearance_url, "first_appearance_url")
    if first_url:
        first["url"] = first_url
    first_date = iso_date(record.first_appearance_date, "first_appearance_date")
    if first_date:
        first["datePublished"] = first_date
    if len(first) > 1:
        return first
    if record.first_appearance_is_article and appearance is not None:
        return dict(appearance)
    return None


def _claim(record: ReviewRecord) -> dict[str, Any] | None:
    """The ``Claim`` node (``itemReviewed``); ``None`` when nothing is known about it."""
    outlet = _recurring_line(record.outlet_name)
    # One node shared by the claim's author and the appearance's publisher.
    outlet_node = {"@type": "Organization", "name": outlet} if outlet else None
    author = _claim_author(record, outlet_node)
    article_date = iso_date(record.article_date, "article_date")
    appearance = _appearance(record, article_date, outlet_node)
    first = _first_appearance(record, appearance)
    item: dict[str, Any] = {"@type": "Claim"}
    if author:
        item["author"] = author
    if article_date:
        item["datePublished"] = article_date
    if appearance:
        item["appearance"] = appearance
    if first:
        item["firstAppearance"] = first
    return item if len(item) > 1 else None


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
    claim_reviewed = _claim_reviewed(record, label)
    url = _review_url(record, org)
    rating = _rating(record, label)
    item = _claim(record)

    review: dict[str, Any] = {"@context": SCHEMA_ORG} if with_context else {}
    review["@type"] = "ClaimReview"
    review["url"] = url
    review["claimReviewed"] = claim_reviewed
    published = iso_date(record.date_published, "date_published")
    if published:
        review["datePublished"] = published
    modified = iso_date(record.date_modified, "date_modified")
    if modified:
        review["dateModified"] = modified
    if record.identifier is not None:
        review["identifier"] = str(record.identifier)
    review["author"] = org._author_node.copy()
    review["reviewRating"] = rating
    if item:
        review["itemReviewed"] = item
    return review
