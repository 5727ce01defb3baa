"""Check ClaimReview JSON-LD against Google's fact-check guidelines and schema.org.

Why our own validator: Google's Rich Results Test is online-only and reports one page at
a time, and JSON-LD processors accept nearly anything (an unknown key simply becomes a
schema.org IRI). Exports must be checked record by record before they leave, and imports
must report every bad record instead of storing it. Each :class:`Issue` carries a stable
``code`` so callers and tests can tell the rules apart.

Levels follow what Google does with the markup: ``error`` means the review would be
dropped or misread (missing required property, rating outside its scale, a context Google
does not process, a key it cannot match); ``warning`` means it is usable but below the
guidelines (missing recommended properties, a long ``claimReviewed``, legacy shapes).

Runs on every exported record, so it walks plain dicts and avoids pyld and jsonschema.
Reading documents (feeds, lists, JSON Lines) into records is :mod:`.documents`' job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from ..builder import (
    CLAIM_REVIEWED_SOFT_LIMIT,
    host_on_site,
    recurring_url_host,
    url_host,
)
from .vocabulary import JSONLD_KEYWORDS, context_is_schema_org, vocabulary

Level = Literal["error", "warning"]

# Keys that are JSON-LD keywords missing their "@" (seen in real De Facto/AFP records).
KEYWORDS_WITHOUT_AT = {"type": "@type", "id": "@id", "context": "@context", "graph": "@graph"}

# Google does not resolve redirects, so a review url on one of these never matches the page.
URL_SHORTENERS = frozenset(
    {
        "bit.ly",
        "bitly.com",
        "buff.ly",
        "cutt.ly",
        "dlvr.it",
        "fb.me",
        "g.co",
        "goo.gl",
        "is.gd",
        "lnkd.in",
        "ow.ly",
        "rebrand.ly",
        "shorturl.at",
        "t.co",
        "t.ly",
        "tiny.cc",
        "tinyurl.com",
        "trib.al",
        "v.gd",
        "wp.me",
        "youtu.be",
        "amzn.to",
        "rb.gy",
        "s.id",
    }
)

# Verdict words that in claimReviewed almost always mean the rating leaked into it.
VERDICT_PHRASES = (
    "untrue",
    "misleading",
    "mostly false",
    "mostly true",
    "half true",
    "half-true",
    "pants on fire",
    "misattributed",
    "unproven",
    "unsupported",
    "inaccurate",
    "debunked",
    "baseless",
    "our verdict",
    "fact check",
    "fact-check",
)
# Words that are only a verdict when they open the text as a label ("FALSE: ...").
_VERDICT_PREFIX = re.compile(
    r"^\W{0,3}(false|true|fake|wrong|correct|incorrect|misleading|untrue|mostly false|"
    r"mostly true|half true|unproven|misattributed|satire|hoax|partly false|partly true)"
    r"\W{0,3}\s*[:\-\u2013\u2014|\]\)]",
    re.IGNORECASE,
)
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2})?")

CLAIMREVIEW_REQUIRED = ("claimReviewed", "reviewRating", "url")
CLAIMREVIEW_RECOMMENDED = ("author", "datePublished", "itemReviewed")
CLAIM_RECOMMENDED = ("appearance", "author", "datePublished", "firstAppearance")
RATING_RECOMMENDED = ("bestRating", "name", "ratingValue", "worstRating")


@dataclass(frozen=True, slots=True)
class Issue:
    level: Level
    path: str
    message: str
    code: str = ""

    def __str__(self) -> str:
        return f"{self.level}: {self.path}: {self.message} [{self.code}]"


# --------------------------------------------------------------------------- helpers


def types_of(node: dict[str, Any]) -> list[str]:
    """The node's ``@type`` names as a list, whether it gives one or several."""
    value = node.get("@type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is list or kind is dict:
        return not value
    return False


def _untyped(node: dict[str, Any]) -> bool:
    """No ``@type`` and nothing else that identifies the node (a reference, a literal)."""
    return "@type" not in node and "type" not in node and "@id" not in node and "@value" not in node


def _missing(node: dict[str, Any], keys: Iterable[str]) -> list[str]:
    """Keys absent or empty in ``node`` (the export's hot path: no call per key)."""
    missing = []
    get = node.get
    for key in keys:
        value = get(key)
        if value is None:
            missing.append(key)
            continue
        kind = type(value)
        if (kind is str and (not value or value.isspace())) or (
            (kind is list or kind is dict) and not value
        ):
            missing.append(key)
    return missing


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return _PARTIAL_DATE.fullmatch(value) is not None
    return True


def _as_number(value: Any) -> tuple[float | None, str | None]:
    """(number, problem): Google wants numbers but accepts text that reads as one."""
    if isinstance(value, bool):
        return None, "is a boolean, not a number"
    if isinstance(value, int | float):
        return (float(value), None) if math.isfinite(value) else (None, "is not finite")
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None, f"{value!r} is not a number"
        if not math.isfinite(number):
            return None, f"{value!r} is not finite"
        return number, "text"
    return None, f"{value!r} is not a number"


@lru_cache(maxsize=256)
def _rating_words_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    """One search for the record's own labels and the usual verdict words."""
    phrases = sorted({*labels, *VERDICT_PHRASES}, key=len, reverse=True)
    alternatives = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class _Checker:
    """Collects the issues of one record; a class only to keep the path plumbing short."""

    def __init__(self, site_domain: str | None) -> None:
        self.issues: list[Issue] = []
        self.site_domain = site_domain
        self.vocab = vocabulary()

    def error(self, path: str, message: str, code: str) -> None:
        self.issues.append(Issue("error", path, message, code))

    def warning(self, path: str, message: str, code: str) -> None:
        self.issues.append(Issue("warning", path, message, code))

    # ---- generic JSON-LD / vocabulary walk

    def walk(self, node: dict[str, Any], path: str) -> None:
        """Vocabulary and JSON-LD syntax checks on every key of every nested node.

        The hot loop of an export: paths are only formatted when something is reported,
        and a known property with a non-blank text value (most keys) costs no call.
        """
        if "@type" not in node and path != "$" and _untyped(node):
            self.warning(path, "node has no @type", "node-without-type")
        properties = self.vocab.properties
        for key, value in node.items():
            if key not in properties and not self._check_key(key, value, path):
                continue
            if type(value) is not str or not value or value.isspace():
                self._check_value(key, value, path)

    def _check_key(self, key: str, value: Any, path: str) -> bool:
        """Report a key that is not a schema.org property; False when its value is not
        to be walked (``@context``, checked on its own)."""
        if key[:1] == "@":
            if key == "@context":
                return False
            if key == "@type":
                self._check_type_values(value, f"{path}.@type")
            elif key not in JSONLD_KEYWORDS:
                message = f"{key!r} is not a JSON-LD keyword"
                self.warning(f"{path}.{key}", message, "unknown-keyword")
        elif key in KEYWORDS_WITHOUT_AT:
            code = "type-without-at" if key == "type" else "keyword-without-at"
            self.error(
                f"{path}.{key}",
                f"{key!r} is not a keyword; write {KEYWORDS_WITHOUT_AT[key]!r} "
                "(Google ignores the node's type otherwise)",
                code,
            )
        elif key.casefold() in self.vocab.folded:
            right = self.vocab.folded[key.casefold()]
            self.error(
                f"{path}.{key}",
                f"JSON-LD keys are case-sensitive: {key!r} should be {right!r}",
                "property-case",
            )
        else:
            message = f"{key!r} is not a schema.org term we know"
            self.warning(f"{path}.{key}", message, "unknown-term")
        return True

    def _check_value(self, key: str, value: Any, path: str) -> None:
        """Walk into nested nodes and report empty values (a blank text arrives here too)."""
        kind = type(value)
        if kind is dict:
            if value:
                self.walk(value, f"{path}.{key}")
                return
        elif kind is list:
            for i, item in enumerate(value):
                if type(item) is dict:
                    self.walk(item, f"{path}.{key}[{i}]")
                elif _is_empty(item):
                    self.warning(f"{path}.{key}[{i}]", "empty value", "empty-value")
            if value:
                return
        elif kind is not str and value is not None:
            return
        message = "empty value; leave the property out instead"
        self.warning(f"{path}.{key}", message, "empty-value")

    def _check_type_values(self, value: Any, path: str) -> None:
        vocab = self.vocab
        if type(value) is str and value in vocab.types:
            return
        names = value if isinstance(value, list) else [value]
        for name in names:
            if not isinstance(name, str) or not name:
                self.error(path, f"@type must be a type name, got {name!r}", "type-invalid")
            elif name in vocab.types or name.startswith(("http://", "https://")):
                continue
            elif name.casefold() in vocab.folded:
                right = vocab.folded[name.casefold()]
                self.error(
                    path, f"types are case-sensitive: {name!r} should be {right!r}", "type-case"
                )
            else:
                self.warning(path, f"{name!r} is not a schema.org type we know", "unknown-type")

    # ---- Google's ClaimReview rules

    def context(self, node: dict[str, Any], inherited: Any) -> None:
        if "@context" in node:
            context, path, note = node["@context"], "$.@context", ""
        elif inherited is not None:
            context, path, note = inherited, "$.@context", " (inherited from the document)"
        else:
            if "context" not in node:
                self.error("$", "no @context; Google needs https://schema.org", "context-missing")
            return
        if context_is_schema_org(context):
            return
        if isinstance(context, dict) and str(context.get("@vocab", "")).rstrip("/") in {
            "https://schema.org",
            "http://schema.org",
        }:
            self.warning(
                path,
                "inline context; Google expects the string https://schema.org",
                "context-inline",
            )
            return
        if isinstance(context, list) and any(context_is_schema_org(c) for c in context):
            self.warning(
                path, "several contexts; Google processes only schema.org's", "context-list"
            )
            return
        self.error(
            path,
            f"@context {context!r}{note} is not schema.org; Google only processes "
            "JSON-LD that uses the schema.org context",
            "context-not-schema-org",
        )

    def root_type(self, node: dict[str, Any]) -> None:
        types = types_of(node)
        if "@type" not in node:
            if "type" not in node:  # "type" is reported by the walk
                self.error("$", "no @type; must be ClaimReview", "type-missing")
            return
        if "ClaimReview" not in types:
            self.error("$.@type", f"@type {node['@type']!r} is not ClaimReview", "wrong-type")
        elif len(types) > 1:
            self.warning(
                "$.@type",
                f"legacy multi-type {types!r}; use the single type ClaimReview",
                "legacy-type-list",
            )

    def required(self, node: dict[str, Any], keys: Iterable[str], path: str, what: str) -> None:
        for key in _missing(node, keys):
            self.error(f"{path}.{key}", f"{what} requires {key}", "missing-required")

    def recommended(self, node: dict[str, Any], keys: Iterable[str], path: str, what: str) -> None:
        for key in _missing(node, keys):
            self.warning(f"{path}.{key}", f"{what} should have {key}", "missing-recommended")

    def url(self, value: Any) -> None:
        if not isinstance(value, str) or _is_empty(value):
            return  # reported as missing or by the walk
        host = url_host(value.strip())
        if host is None:
            self.error("$.url", f"url {value!r} is not an absolute http(s) URL", "url-not-absolute")
            return
        bare = host.removeprefix("www.")
        if bare in URL_SHORTENERS:
            self.error(
                "$.url",
                f"{host} is a URL shortener; Google does not follow redirects, the url must be "
                "the fact check's own page",
                "url-shortener",
            )
        elif self.site_domain and not host_on_site(host, self.site_domain):
            self.error(
                "$.url",
                f"{host} is not {self.site_domain} or a subdomain; Google requires the "
                "page's own domain",
                "url-off-domain",
            )

    def url_against_author(self, node: dict[str, Any]) -> None:
        """Without the hosting site's domain the fact-checker's own url is the best guess."""
        if self.site_domain:
            return
        author, url = node.get("author"), node.get("url")
        if not (isinstance(author, dict) and isinstance(author.get("url"), str)):
            return
        host = url_host(url.strip()) if isinstance(url, str) else None
        if host is None:
            return
        site = (recurring_url_host(author["url"].strip()) or "").removeprefix("www.")
        if (
            site
            and host.removeprefix("www.") not in URL_SHORTENERS
            and not host_on_site(host, site)
        ):
            self.warning(
                "$.url",
                f"{host} is not on the author's site {site}; the url must be on the domain "
                "of the page carrying the markup",
                "url-off-author-domain",
            )

    def absolute_url(self, value: Any, path: str) -> None:
        if isinstance(value, str) and value and recurring_url_host(value.strip()) is None:
            self.error(path, f"{value!r} is not an absolute http(s) URL", "url-not-absolute")

    def date(self, node: dict[str, Any], key: str, path: str) -> None:
        value = node.get(key)
        if not _is_empty(value) and not _is_date(value):
            self.error(f"{path}.{key}", f"{value!r} is not an ISO 8601 date", "date-invalid")

    def claim_reviewed(self, node: dict[str, Any]) -> None:
        text = node.get("claimReviewed")
        if _is_empty(text):
            return
        if not isinstance(text, str):
            self.error("$.claimReviewed", "claimReviewed must be text", "wrong-value-type")
            return
        if len(text) > CLAIM_REVIEWED_SOFT_LIMIT:
            self.warning(
                "$.claimReviewed",
                f"{len(text)} characters; Google asks for fewer than "
                f"{CLAIM_REVIEWED_SOFT_LIMIT} so it fits on a phone",
                "claimReviewed-too-long",
            )
        rating = node.get("reviewRating")
        labels: tuple[str, ...] = ()
        if isinstance(rating, dict):
            labels = tuple(
                sorted(
                    {
                        label.strip()
                        for label in (rating.get("alternateName"), rating.get("name"))
                        if isinstance(label, str) and label.strip()
                    }
                )
            )
        found = [m.group(0) for m in _rating_words_pattern(labels).finditer(text)]
        prefix = _VERDICT_PREFIX.match(text)
        if prefix:
            found.append(prefix.group(1))
        if found:
            unique = list(dict.fromkeys(w.casefold() for w in found))
            self.warning(
                "$.claimReviewed",
                f"contains rating words {unique!r}; Google says to keep the rating out of "
                "claimReviewed and in reviewRating",
                "claimReviewed-contains-rating",
            )

    def author(self, value: Any, path: str, allowed: tuple[str, ...]) -> None:
        if _is_empty(value):
            return
        for i, author in enumerate(value if isinstance(value, list) else [value]):
            sub = f"{path}[{i}]" if isinstance(value, list) else path
            if not isinstance(author, dict):
                self.warning(
                    sub, "author should be an Organization or Person node", "author-not-node"
                )
                continue
            types = types_of(author)
            if types and not self.vocab.any_is_a(types, allowed):
                self.warning(
                    f"{sub}.@type",
                    f"author type {types!r} should be {' or '.join(allowed)}",
                    "author-type",
                )
            if _is_empty(author.get("name")) and _is_empty(author.get("url")):
                self.warning(sub, "author should have a name or a url", "author-incomplete")
            self.absolute_url(author.get("url"), f"{sub}.url")

    def rating(self, rating: Any) -> None:
        path = "$.reviewRating"
        if _is_empty(rating):
            return
        if isinstance(rating, list):
            self.error(path, "reviewRating must be one Rating, not a list", "wrong-value-type")
            return
        if not isinstance(rating, dict):
            self.error(path, "reviewRating must be a Rating node", "wrong-value-type")
            return
        types = types_of(rating)
        if types and not self.vocab.any_is_a(types, ("Rating",)):
            self.warning(f"{path}.@type", f"{types!r} should be Rating", "rating-type")
        self.required(rating, ("alternateName",), path, "Rating")
        label = rating.get("alternateName")
        if not _is_empty(label) and not isinstance(label, str):
            self.error(f"{path}.alternateName", "alternateName must be text", "wrong-value-type")
        self.recommended(rating, RATING_RECOMMENDED, path, "Rating")

        self.rating_scale(self.rating_numbers(rating, path), path)

    def rating_numbers(self, rating: dict[str, Any], path: str) -> dict[str, float]:
        """The rating's value and scale bounds that read as numbers, by key."""
        numbers: dict[str, float] = {}
        for key in ("ratingValue", "bestRating", "worstRating"):
            if _is_empty(rating.get(key)):
                continue
            number, problem = _as_number(rating[key])
            if number is None:
                self.error(f"{path}.{key}", f"{key} {problem}", "rating-not-a-number")
                continue
            if problem == "text":
                self.warning(
                    f"{path}.{key}",
                    f"{key} is text; state numeric ratings as numbers",
                    "rating-number-as-text",
                )
            numbers[key] = number
        return numbers

    def rating_scale(self, numbers: dict[str, float], path: str) -> None:
        """The value inside its scale, or inside schema.org's default one when unstated."""
        best, worst = numbers.get("bestRating"), numbers.get("worstRating")
        if best is not None and worst is not None and not worst < best:
            self.error(
                f"{path}.bestRating",
                f"bestRating {best:g} must be greater than worstRating {worst:g}",
                "rating-scale-inverted",
            )
            return
        value = numbers.get("ratingValue")
        if value is None:
            return
        if best is not None and worst is not None:
            if not worst <= value <= best:
                self.error(
                    f"{path}.ratingValue",
                    f"ratingValue {value:g} is outside [{worst:g}, {best:g}]",
                    "rating-out-of-range",
                )
            return
        # schema.org's defaults when the scale is not given: 1 (worst) to 5 (best).
        low = 1.0 if worst is None else worst
        high = 5.0 if best is None else best
        if not low <= value <= high:
            self.warning(
                f"{path}.ratingValue",
                f"ratingValue {value:g} is outside [{low:g}, {high:g}] (schema.org's default "
                "scale is used where bestRating/worstRating are missing)",
                "rating-out-of-default-range",
            )

    def appearance(self, value: Any, path: str) -> None:
        if _is_empty(value):
            return
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            sub = f"{path}[{i}]" if isinstance(value, list) else path
            if isinstance(item, str):
                self.absolute_url(item, sub)
            elif isinstance(item, dict):
                types = [t for t in types_of(item) if t in self.vocab.types]
                if types and not self.vocab.any_is_a(types, ("CreativeWork",)):
                    self.warning(
                        f"{sub}.@type", f"{types!r} is not a CreativeWork", "appearance-type"
                    )
                if _is_empty(item.get("url")):
                    self.warning(sub, "appearance should have a url", "missing-recommended")
                self.absolute_url(item.get("url"), f"{sub}.url")
                self.date(item, "datePublished", sub)
            else:
                self.error(sub, "must be a URL or a CreativeWork", "wrong-value-type")

    def item_reviewed(self, item: Any) -> None:
        path = "$.itemReviewed"
        if _is_empty(item):
            return
        if not isinstance(item, dict):
            self.error(path, "itemReviewed must be a Claim node", "wrong-value-type")
            return
        types = types_of(item)
        if types and "Claim" not in types:
            if "CreativeWork" in types or any(
                t in self.vocab.types and self.vocab.is_a(t, "CreativeWork") for t in types
            ):
                self.warning(
                    f"{path}.@type",
                    f"legacy itemReviewed type {types!r}; Google now expects Claim",
                    "legacy-itemReviewed-type",
                )
            else:
                self.warning(f"{path}.@type", f"{types!r} should be Claim", "itemReviewed-type")
        self.recommended(item, CLAIM_RECOMMENDED, path, "Claim")
        self.author(item.get("author"), f"{path}.author", ("Person", "Organization"))
        self.date(item, "datePublished", path)
        self.appearance(item.get("appearance"), f"{path}.appearance")
        self.appearance(item.get("firstAppearance"), f"{path}.firstAppearance")


def validate_claim_review(
    obj: Any, *, site_domain: str | None = None, inherited_context: Any = None
) -> list[Issue]:
    """All issues of one ClaimReview node, errors and warnings in document order.

    ``site_domain`` is the domain of the page or site that will carry the markup; when
    known, ``url`` must be on it. ``inherited_context`` is the ``@context`` of an enclosing
    feed or ``@graph`` for nodes that do not declare their own.
    """
    check = _Checker(site_domain)
    if not isinstance(obj, dict):
        check.error("$", "a ClaimReview must be a JSON object", "not-an-object")
        return check.issues
    check.context(obj, inherited_context)
    check.root_type(obj)
    check.walk(obj, "$")
    check.required(obj, CLAIMREVIEW_REQUIRED, "$", "ClaimReview")
    check.recommended(obj, CLAIMREVIEW_RECOMMENDED, "$", "ClaimReview")
    check.url(obj.get("url"))
    check.url_against_author(obj)
    check.claim_reviewed(obj)
    check.date(obj, "datePublished", "$")
    check.author(obj.get("author"), "$.author", ("Organization", "Person"))
    check.rating(obj.get("reviewRating"))
    check.item_reviewed(obj.get("itemReviewed"))
    return check.issues
