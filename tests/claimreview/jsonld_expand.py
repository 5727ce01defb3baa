"""Expand ClaimReview JSON-LD offline and find keys that are not schema.org terms.

A test helper (it needs pyld, a dev-only dependency; nothing in the app uses it). Why:
expansion is how a JSON-LD consumer really reads our markup, so it is the test that
our keys mean what we think. Two traps shape this module:

* pyld fetches ``https://schema.org`` over the network by default; tests and servers
  must not, so the loader serves only the stored context and refuses every other URL;
* the schema.org context has ``"@vocab"``, so a misspelt key (``"Name"``) silently
  expands to ``http://schema.org/Name`` instead of being dropped. :func:`unknown_terms`
  compares every expanded IRI against the stored vocabulary to catch that.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.documentloader.frozen import FrozenDocumentLoader

from claimreview.validation import CONTEXT_PATH, SCHEMA_ORG_CONTEXTS, vocabulary

SCHEMA_ORG_PREFIXES = ("https://schema.org/", "http://schema.org/")


@cache
def _stored_context() -> dict[str, Any]:
    return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))


def offline_loader() -> FrozenDocumentLoader:
    """A pyld document loader that knows only the stored schema.org context."""
    context = _stored_context()
    # pyld mutates nothing it loads, but a copy per URL keeps that someone else's problem.
    return FrozenDocumentLoader(
        {url: copy.deepcopy(context) for url in sorted(SCHEMA_ORG_CONTEXTS)}
    )


def expand_offline(doc: Any) -> list[Any]:
    """``jsonld.expand`` with no network access.

    Raises ``pyld.jsonld.JsonLdError`` for a document whose context is anything other
    than schema.org's (that context cannot be loaded offline, and Google ignores it).
    A private context resolver keeps pyld's process-wide context cache out of it, so an
    earlier online expansion elsewhere cannot leak into this one.
    """
    loader = offline_loader()
    options = {
        "documentLoader": loader,
        "contextResolver": ContextResolver({}, loader),
    }
    return jsonld.expand(copy.deepcopy(doc), options)


def _local_name(iri: str) -> str | None:
    for prefix in SCHEMA_ORG_PREFIXES:
        if iri.startswith(prefix):
            return iri[len(prefix) :]
    return None


def expanded_terms(expanded: Any) -> list[str]:
    """Every property and type IRI in an expanded document, in document order."""
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        if "@value" in node:
            return  # a literal; its @type is a datatype (schema:Date), not a class
        for key, value in node.items():
            if key == "@type":
                found.extend(value if isinstance(value, list) else [value])
            elif key.startswith("@"):
                if key in ("@graph", "@list", "@set", "@included"):
                    visit(value)
                elif key == "@reverse":
                    for iri, reverse_value in value.items():
                        found.append(iri)
                        visit(reverse_value)
            else:
                found.append(key)
                visit(value)

    visit(expanded)
    return found


def unknown_terms(doc: Any) -> list[str]:
    """Keys and types of ``doc`` that expand to IRIs outside the stored schema.org
    vocabulary (or outside schema.org entirely), deduplicated, in document order."""
    unknown: dict[str, None] = {}
    vocab = vocabulary()
    known = vocab.types | vocab.properties
    for iri in expanded_terms(expand_offline(doc)):
        name = _local_name(iri)
        if name is None or name not in known:
            unknown[name or iri] = None
    return list(unknown)
