"""Read ClaimReview markup back into flat records for import: the builder's inverse.

Why apart from the builder: other fact-checkers' markup comes in every legacy shape
(lists where one node is expected, ``itemReviewed`` as a CreativeWork, bare URL strings),
and tolerating those must not loosen what we emit. Only structure is read here; whether a
review is acceptable is :mod:`claimreview.validation`'s call, and placing it in our data
is :mod:`claimreview.services`'. No Django, like the builder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .builder import SpeakerKind, one_line, text_or_none

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
    """What an incoming ClaimReview says, flattened; the inverse of
    :class:`~claimreview.builder.ReviewRecord`.

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
    return one_line(value) if isinstance(value, str) else None


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
        return one_line(node), None, None
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
        return text_or_none(node), None, None, None
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
