"""The schema.org vocabulary and JSON-LD keywords the validator checks keys against.

Why a stored subset: the checker runs on every exported record and must not touch the
network, and pyld's ``@vocab`` would silently accept any misspelt key. The terms file is
derived from a schema.org release by ``regenerate_from_schemaorg.py`` next to it; the
context file beside it is what the tests' offline JSON-LD expansion loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent
TERMS_PATH = DATA_DIR / "schemaorg-terms.json"
CONTEXT_PATH = DATA_DIR / "schemaorg-context.jsonld"
SCHEMA_PATH = DATA_DIR / "claimreview.schema.json"

SCHEMA_ORG_CONTEXTS = frozenset(
    {
        "https://schema.org",
        "https://schema.org/",
        "http://schema.org",
        "http://schema.org/",
        "https://schema.org/docs/jsonldcontext.jsonld",
        "https://schema.org/docs/jsonldcontext.json",
        "http://schema.org/docs/jsonldcontext.jsonld",
        "http://schema.org/docs/jsonldcontext.json",
    }
)
JSONLD_KEYWORDS = frozenset(
    {
        "@context",
        "@type",
        "@id",
        "@graph",
        "@value",
        "@language",
        "@list",
        "@set",
        "@reverse",
        "@index",
        "@direction",
        "@nest",
        "@included",
        "@json",
    }
)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Types, properties and the type hierarchy of the stored subset, indexed for lookups."""

    types: frozenset[str]
    properties: frozenset[str]
    parents: dict[str, tuple[str, ...]]
    own_properties: dict[str, frozenset[str]]
    folded: dict[str, str]  # casefold -> canonical, for types and properties

    ancestors: dict[str, frozenset[str]]  # type -> itself and every supertype

    def is_a(self, type_name: str, ancestor: str) -> bool:
        return ancestor in self.ancestors.get(type_name, ())

    def any_is_a(self, types: list[str], allowed: tuple[str, ...]) -> bool:
        ancestors = self.ancestors
        return any(a in ancestors.get(t, ()) for t in types for a in allowed)


@cache
def vocabulary() -> Vocabulary:
    """The stored schema.org subset (see regenerate_from_schemaorg.py in this folder)."""
    data = json.loads(TERMS_PATH.read_text(encoding="utf-8"))
    types = frozenset(data["types"])
    properties = frozenset(data["properties"])
    folded = {name.casefold(): name for name in properties}
    folded.update({name.casefold(): name for name in types})
    parents = {k: tuple(v["subTypeOf"]) for k, v in data["types"].items()}
    ancestors: dict[str, frozenset[str]] = {}
    for name in types:
        seen, pending = set(), [name]
        while pending:
            current = pending.pop()
            if current not in seen:
                seen.add(current)
                pending.extend(parents.get(current, ()))
        ancestors[name] = frozenset(seen)
    return Vocabulary(
        types=types,
        properties=properties,
        parents=parents,
        own_properties={k: frozenset(v["properties"]) for k, v in data["types"].items()},
        folded=folded,
        ancestors=ancestors,
    )


def context_is_schema_org(context: Any) -> bool:
    return isinstance(context, str) and context.strip() in SCHEMA_ORG_CONTEXTS
