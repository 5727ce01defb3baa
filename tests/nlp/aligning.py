"""Test helper: align a claim's figures and dates with one source text, as the judge does."""

from __future__ import annotations

from annotations.nlp.alignment import SourceFigures, TextKeys, align_claim, comparison_flags
from annotations.nlp.quantities import extract_quantities
from annotations.nlp.types import Comparison, Flag


def compare(nlp, claim: str, source: str, ref_date: str | None = None) -> list[Comparison]:
    """Comparisons of every figure/date of ``claim`` with ``source`` (IDF 1 everywhere);
    ``ref_date`` dates the source ("last year", "9 June")."""
    source_doc = nlp(source)
    figures = SourceFigures.build(
        "s1",
        source,
        TextKeys.from_docs([(source_doc, 0)]),
        extract_quantities(source, doc=source_doc, ref_date=ref_date),
    )
    claim_doc = nlp(claim)
    return align_claim(
        extract_quantities(claim, doc=claim_doc),
        TextKeys.from_docs([(claim_doc, 0)]),
        (0, len(claim)),
        [figures],
        lambda key: 1.0,
    )


def clashes(nlp, claim: str, source: str, ref_date: str | None = None) -> list[Flag]:
    return comparison_flags(compare(nlp, claim, source, ref_date))
