"""Compare a claim with its evidence: figures, ranges, who is credited, dates, quote wording.

Each check is conservative by design: a flag asks a human to look, so a false flag costs the
reviewer's trust. Figures are compared as intervals (rounding as written, widened by the hedge:
see ``quantities.interval``) and only against same-kind, same-unit figures in the evidence; a
clash is reported only when the two figures plausibly measure the same thing (same counted
noun, or shared context words), because a source sentence usually carries several figures.

Who a claim is credited to comes from the attributions (speaker of the reporting verb whose
content covers the claim) and, for generic speakers ("the study", "the foundation's analysis"),
from the document's own creator phrases ("a study published by X", "authored by researcher Y
from Z", "A Friedrich Naumann Foundation study").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from annotations.nlp.quantities import interval, is_range
from annotations.nlp.types import Attribution, Entity, Evidence, Flag, Quantity

# A passage addresses a claim when it covers this share of the claim's weighted content, or
# FIGURE_ADDRESS_THRESHOLD when it also repeats one of the claim's figures (a shared figure is
# the strongest single sign two sentences report the same fact).
ADDRESS_THRESHOLD = 0.3
FIGURE_ADDRESS_THRESHOLD = 0.15
SUPPORTED_THRESHOLD = 0.45
DATE_CHECK_THRESHOLD = 0.35

STUDY_NOUNS = frozenset(
    [
        "study",
        "report",
        "analysis",
        "research",
        "survey",
        "paper",
        "poll",
        "investigation",
        "review",
        "assessment",
        "estimate",
        "estimates",
        "findings",
        "data",
        "article",
        "book",
        "document",
        "audit",
        "census",
    ]
)
CREATOR_VERBS = frozenset(
    [
        "publish",
        "author",
        "conduct",
        "write",
        "commission",
        "release",
        "produce",
        "prepare",
        "lead",
        "carry",
        "fund",
        "compile",
        "issue",
        "sponsor",
        "run",
    ]
)
NAME_LABELS = frozenset({"PERSON", "ORG", "FAC", "WORK_OF_ART", "GPE", "NORP", "LAW", "PRODUCT"})
WEAK_NAME_LABELS = frozenset({"GPE", "NORP"})
GENERIC_NAME_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "foundation",
        "university",
        "institute",
        "ministry",
        "department",
        "agency",
        "center",
        "centre",
        "council",
        "committee",
        "office",
        "group",
        "association",
        "news",
        "times",
        "post",
        "daily",
        "press",
        "journal",
        "studies",
        "study",
        "report",
        "research",
        "school",
        "college",
        "party",
        "government",
        "national",
        "international",
        "council",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "professor",
        "president",
        "general",
        "lieutenant",
        "secretary",
        "minister",
        "researcher",
        "analyst",
        "official",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chief",
        "head",
        "director",
        "senator",
        "leader",
    ]
)
_QUOTE_RE = re.compile(r"[\"“](?P<q>[^\"“”]{3,400})[\"”]")
_WORD_RE = re.compile(r"[A-Za-z0-9']+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "from",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "than",
        "more",
        "most",
        "less",
        "about",
        "some",
    ]
)


@dataclass(frozen=True)
class Credit:
    """Who something is credited to: the phrase as written and the names in it."""

    start: int
    end: int
    text: str
    names: tuple[str, ...]


@dataclass
class DocFacts:
    """What consistency checking needs to know about one text (article or source)."""

    text: str
    quantities: Sequence[Quantity] = ()
    attributions: Sequence[Attribution] = ()
    entities: Sequence[Entity] = ()
    creators: Sequence[Credit] = ()
    name: str | None = None
    date: str | None = None
    all_names: frozenset[str] = field(default_factory=frozenset)


# --- who is credited ------------------------------------------------------------------------


def _name_tokens(name: str) -> set[str]:
    return {
        w
        for w in (t.lower().strip("'’") for t in _WORD_RE.findall(name))
        if len(w) >= 3 and w not in GENERIC_NAME_WORDS
    }


def _acronym(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper() and w.lower() not in _STOP)


def same_party(a: str, b: str) -> bool:
    """Do two names denote the same person/body? Shared distinctive token, or an acronym."""
    if _name_tokens(a) & _name_tokens(b):
        return True
    ab, bb = a.replace(".", "").strip(), b.replace(".", "").strip()
    return (len(ab) >= 2 and ab.isupper() and ab == _acronym(b)) or (
        len(bb) >= 2 and bb.isupper() and bb == _acronym(a)
    )


def names_in(start: int, end: int, entities: Sequence[Entity]) -> tuple[str, ...]:
    """Names of people/bodies inside [start, end); places and nationalities only if alone."""
    inside = [e for e in entities if e.start >= start and e.end <= end and e.label in NAME_LABELS]
    strong = [e for e in inside if e.label not in WEAK_NAME_LABELS]
    chosen = strong or inside
    return tuple(dict.fromkeys(_clean_name(e.text) for e in chosen))


def _clean_name(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.I).rstrip("'’s").strip()


def document_creators(docs: Sequence[tuple[Doc, int]], entities: Sequence[Entity]) -> list[Credit]:
    """Creator phrases of studies/reports named in a text (``docs`` = line parses + offsets).

    "A new study published by Germany's Frankfurter Allgemeine Zeitung" → the agent phrase;
    "the study, authored by researcher Elena Guseynova from the Hankuk University …" → the
    agent with its affiliation; "A Friedrich Naumann Foundation study" → the name modifier.
    """
    out: list[Credit] = []
    for doc, base in docs:
        for tok in doc:
            if tok.lemma_.lower() not in STUDY_NOUNS or tok.pos_ != "NOUN":
                continue
            spans = []
            mods = [
                c for c in tok.children if c.dep_ in ("compound", "poss", "nmod") and c.i < tok.i
            ]
            if any(c.pos_ == "PROPN" for c in mods):
                spans.append((min(c.left_edge.i for c in mods), max(c.i for c in mods) + 1))
            for child in tok.children:
                if child.dep_ == "acl" and child.lemma_.lower() in CREATOR_VERBS:
                    for agent in child.children:
                        if agent.dep_ == "agent" or agent.lower_ == "by":
                            for pobj in agent.children:
                                if pobj.dep_ == "pobj":
                                    spans.append((pobj.left_edge.i, child.right_edge.i + 1))
            for s, e in spans:
                span = doc[s:e]
                start, end = base + span.start_char, base + span.end_char
                names = names_in(start, end, entities) or _propn_names(span)
                if names:
                    out.append(Credit(start, end, span.text, names))
    return out


def _propn_names(span) -> tuple[str, ...]:  # noqa: ANN001 - a spaCy Span
    runs, cur = [], []
    for t in span:
        if t.pos_ == "PROPN":
            cur.append(t.text)
        elif cur:
            runs.append(" ".join(cur))
            cur = []
    if cur:
        runs.append(" ".join(cur))
    return tuple(runs)


def _is_generic(names: tuple[str, ...]) -> bool:
    return not names


def is_study_credit(credits: Sequence[Credit]) -> bool:
    """Is something credited to a study/report (rather than to what a person said)?"""
    return any({w.lower() for w in _WORD_RE.findall(c.text)} & STUDY_NOUNS for c in credits)


def credits_for(facts: DocFacts, start: int, end: int, *, fallback: bool) -> list[Credit]:
    """Who [start, end) is credited to in ``facts``.

    Attributions whose content overlaps the span give their speaker; a speaker with no name
    ("the study", "the foundation's analysis") resolves to the document's creators whose names
    share its head words, else all of them. With ``fallback`` (sources), an unattributed
    passage of a text that reports a study is credited to that study's creators.
    """
    out: list[Credit] = []
    for a in facts.attributions:
        if a.speaker is None or not (a.content.start < end and start < a.content.end):
            continue
        sp = a.speaker
        names = names_in(sp.start, sp.end, facts.entities)
        if a.speaker_resolved:
            names = (*names, a.speaker_resolved)
        if names:
            out.append(Credit(sp.start, sp.end, sp.text, names))
            continue
        words = {w.lower() for w in _WORD_RE.findall(sp.text)}
        if words & STUDY_NOUNS or words & {"foundation", "institute", "university", "agency"}:
            matching = [
                c for c in facts.creators if words & {w.lower() for n in c.names for w in n.split()}
            ]
            out.extend(matching or facts.creators)
    if not out and fallback:
        out.extend(facts.creators)
    return out


def attribution_flag(
    claim_credits: Sequence[Credit], source: DocFacts, source_credits: Sequence[Credit]
) -> Flag | None:
    """The claim is credited to someone the source does not credit for it."""
    article_names = [n for c in claim_credits for n in c.names]
    source_names = [n for c in source_credits for n in c.names]
    if not article_names or not source_names:
        return None
    allowed = [*source_names, *([source.name] if source.name else [])]
    if any(same_party(a, s) for a in article_names for s in allowed):
        return None
    first = claim_credits[0]
    seen: dict[str, None] = {}
    for c in source_credits:
        seen.setdefault(c.text, None)
    return Flag(
        "attribution_mismatch",
        first.text,
        "; ".join(seen),
        f"article credits {', '.join(dict.fromkeys(article_names))}; "
        f"the source credits {', '.join(dict.fromkeys(source_names))}",
    )


# --- figures --------------------------------------------------------------------------------


def _context(text: str, start: int, end: int, width: int = 60) -> set[str]:
    window = text[max(0, start - width) : start] + " " + text[end : end + width]
    return {_stem(w) for w in _WORD_RE.findall(window.lower()) if w not in _STOP and len(w) > 2}


def _stem(w: str) -> str:
    return w[:-1] if w.endswith("s") and len(w) > 3 else w


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _comparable(a: Quantity, b: Quantity) -> bool:
    if a.kind != b.kind or a.kind == "date":
        return False
    if a.kind == "count":
        return a.unit is not None and a.unit == b.unit
    return a.unit == b.unit


def quantity_flags(
    claim_text: str,
    claim_offset: int,
    claim_qs: Sequence[Quantity],
    evidence: Sequence[tuple[Evidence, DocFacts]],
) -> tuple[list[Flag], int]:
    """Flags for the claim's figures, and how many figures found no counterpart at all."""
    flags: list[Flag] = []
    unmatched = 0
    for q in claim_qs:
        qi = interval(q)
        if qi is None:
            continue
        cands: list[tuple[Quantity, Evidence, DocFacts]] = []
        for ev, facts in evidence:
            for sq in facts.quantities:
                if ev.start <= sq.start and sq.end <= ev.end and _comparable(q, sq):
                    cands.append((sq, ev, facts))
        if not cands:
            unmatched += 1
            continue
        consistent = [c for c in cands if _overlap(qi, interval(c[0]) or (0, -1))]
        same_shape = [c for c in consistent if is_range(c[0]) == is_range(q)]
        if same_shape:
            continue
        if consistent:
            sq = consistent[0][0]
            flags.append(
                Flag(
                    "range_vs_point",
                    q.text,
                    sq.text,
                    "article gives a range, the source one figure"
                    if is_range(q)
                    else "article gives one figure, the source a range",
                )
            )
            continue
        qctx = _context(claim_text, q.start - claim_offset, q.end - claim_offset)
        best = max(
            cands,
            key=lambda c: len(qctx & _context(c[2].text, c[0].start, c[0].end)) + c[1].score,
        )
        sq, ev, facts = best
        shared = qctx & _context(facts.text, sq.start, sq.end)
        if q.kind == "count" or len(shared) >= 2 or (shared and ev.score >= SUPPORTED_THRESHOLD):
            flags.append(
                Flag(
                    "number_mismatch",
                    q.text,
                    sq.text,
                    f"article says {q.text}, the source {sq.text}",
                )
            )
    return flags, unmatched


def date_flags(
    claim_qs: Sequence[Quantity], evidence: Sequence[tuple[Evidence, DocFacts]]
) -> list[Flag]:
    """A dated claim whose best-matching passage gives only other dates."""
    dates = [q for q in claim_qs if q.kind == "date" and q.iso_date]
    strong = [(ev, f) for ev, f in evidence if ev.score >= DATE_CHECK_THRESHOLD]
    if not dates or not strong:
        return []
    ev, facts = strong[0]
    ev_dates = [
        q
        for q in facts.quantities
        if q.kind == "date" and q.iso_date and ev.start <= q.start and q.end <= ev.end
    ]
    if not ev_dates:
        return []
    for q in dates:
        if any(_dates_compatible(q.iso_date or "", s.iso_date or "") for s in ev_dates):
            return []
    return [
        Flag(
            "date_mismatch",
            dates[0].text,
            ev_dates[0].text,
            f"article dates it {dates[0].text}, the source {ev_dates[0].text}",
        )
    ]


def _dates_compatible(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


# --- quotes ---------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def quotes_in(text: str) -> list[str]:
    return [m.group("q") for m in _QUOTE_RE.finditer(text) if len(_words(m.group("q"))) >= 4]


def quote_flags(claim_text: str, sources: Sequence[DocFacts]) -> list[Flag]:
    """A direct quote whose closest source quote has different wording."""
    flags = []
    for quote in quotes_in(claim_text):
        qw = _words(quote)
        best, best_sim = None, 0.0
        for facts in sources:
            if " ".join(qw) in " ".join(_words(facts.text)):
                best, best_sim = None, 1.0
                break
            for sq in quotes_in(facts.text):
                sw = _words(sq)
                sim = len(set(qw) & set(sw)) / max(1, len(set(qw) | set(sw)))
                if sim > best_sim:
                    best, best_sim = sq, sim
        if best is not None and best_sim >= 0.4 and _words(best) != qw:
            flags.append(
                Flag("quote_mismatch", quote, best, "the quote's wording differs from the source's")
            )
    return flags


# --- verdict --------------------------------------------------------------------------------


def addresses(score: float, shares_figure: bool) -> bool:
    """Does a passage with this score address the claim at all?"""
    return score >= ADDRESS_THRESHOLD or (shares_figure and score >= FIGURE_ADDRESS_THRESHOLD)


def support_for(
    *,
    has_sources: bool,
    evidence: Sequence[Evidence],
    flags: Sequence[Flag],
    unmatched_figures: int,
    addressed: bool,
) -> str:
    """One of SUPPORT_VALUES, from the evidence strength and the flags found."""
    if not has_sources or not evidence or not addressed:
        return "not_found"
    types = {f.type for f in flags}
    if types & {"number_mismatch", "date_mismatch"}:
        return "contradicted"
    if types & {"range_vs_point", "attribution_mismatch", "quote_mismatch"} or unmatched_figures:
        return "partly_supported"
    return "supported" if evidence[0].score >= SUPPORTED_THRESHOLD else "partly_supported"
