"""The entry points: a parsed line in, frozen ``Attribution`` records out.

The rules work in one line's character offsets on mutable drafts; this is where drafts become
records in whole-text offsets, duplicates go, and lines are put together into one text.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from annotations.nlp.attributions.rules import run_rules
from annotations.nlp.attributions.speakers import resolve_speakers
from annotations.nlp.attributions.state import Draft
from annotations.nlp.lexicon import EVIDENCE_SOURCES, INTENTION_LEMMAS
from annotations.nlp.types import Attribution, Entity, Span


def report_kind(draft: Draft) -> str:
    """quote (direct speech), intention (a commitment: "vowed to", "plans to"), evidence (data or
    research as the source: "figures show", "according to the survey"), else paraphrase."""
    if draft.direct:
        return "quote"
    if draft.cue_lemma in INTENTION_LEMMAS:
        return "intention"
    if draft.speaker_head in EVIDENCE_SOURCES:
        return "evidence"
    return "paraphrase"


def extract_attributions(doc: Doc, base: int = 0) -> list[Attribution]:
    """Attributions in one parsed line/paragraph, offsets shifted by ``base``.

    ``id`` is a placeholder ("a?") and ``claim_id`` is None: the orchestrator numbers them and
    links claims. Every span's text is the exact slice of ``doc.text``.
    """
    if not doc.has_annotation("DEP"):
        return []  # every rule reads the parse; a blank pipeline has none
    text = doc.text

    def span(extent: tuple[int, int] | None) -> Span | None:
        if extent is None:
            return None
        return Span(extent[0] + base, extent[1] + base, text[extent[0] : extent[1]])

    out: list[Attribution] = []
    seen: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for d in run_rules(doc, text):
        key = (d.cue, d.content)
        if key in seen:
            continue
        seen.add(key)
        antecedent = span(d.antecedent)
        out.append(
            Attribution(
                id="a?",
                speaker=span(d.speaker),
                cue=Span(d.cue[0] + base, d.cue[1] + base, text[d.cue[0] : d.cue[1]]),
                content=Span(
                    d.content[0] + base, d.content[1] + base, text[d.content[0] : d.content[1]]
                ),
                direct=d.direct,
                claim_id=None,
                hedged=d.hedged,
                kind=report_kind(d),
                speaker_antecedent=antecedent,
                content_parts=tuple(s for s in map(span, d.parts) if s is not None),
            )
        )
    return out


def line_attributions(nlp: Language, text: str) -> list[Attribution]:
    """Attributions of ``text`` parsed one line at a time, speakers resolved over the whole.

    The reference way to run the extractor on its own (gold evaluation, tests): headline and
    masthead lines without final punctuation would otherwise merge into the next sentence.
    The pipeline gets the same effect from one parse with line-initial sentence starts.
    """
    found: list[Attribution] = []
    entities: list[Entity] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            doc = nlp(line)
            found += extract_attributions(doc, base=offset)
            entities += [
                Entity(e.start_char + offset, e.end_char + offset, e.text, e.label_)
                for e in doc.ents
            ]
        offset += len(line) + 1
    return resolve_speakers(found, text, entities)
