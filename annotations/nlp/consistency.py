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

from spacy.tokens import Doc, Span, Token

from annotations.nlp.lexicon import (
    CREATOR_VERBS,
    CREDIT_FILLER,
    CREDITED_BODIES,
    GENERIC_NAME_WORDS,
    PRONOUNS,
    STOPWORDS,
    STUDY_NOUNS,
    VAGUE_CREDIT_WORDS,
)
from annotations.nlp.quantities import DateParts, date_parts, interval, is_range
from annotations.nlp.types import Attribution, Entity, Evidence, Flag, Quantity

# A passage addresses a claim when it covers this share of the claim's weighted content, or
# FIGURE_ADDRESS_THRESHOLD when it also repeats one of the claim's figures (a shared figure is
# the strongest single sign two sentences report the same fact).
#
# With the anchors known (see ``addresses``): a passage sharing a distinctive name, figure or
# date needs ANCHORED_ADDRESS_THRESHOLD, one sharing none LEXICAL_ADDRESS_THRESHOLD. These and
# SUPPORTED_THRESHOLD were calibrated on the first half (by claim id) of WiCE dev, support
# macro-F1, within the limits the hand-made gold sets (bench/quality.py --wice-part tune):
# WiCE claims cite the page they came from, so almost every claim is addressed there, while a
# news source may well not address a claim on the same topic.
ADDRESS_THRESHOLD = 0.3
ANCHORED_ADDRESS_THRESHOLD = 0.15
FIGURE_ADDRESS_THRESHOLD = 0.15
LEXICAL_ADDRESS_THRESHOLD = 0.35
SUPPORTED_THRESHOLD = 0.45
DATE_CHECK_THRESHOLD = 0.35

NAME_LABELS = frozenset({"PERSON", "ORG", "FAC", "WORK_OF_ART", "GPE", "NORP", "LAW", "PRODUCT"})
WEAK_NAME_LABELS = frozenset({"GPE", "NORP"})
_POSSESSIVE_RE = re.compile(r"['’]s?$|^['’]")
_QUOTE_RE = re.compile(r"[\"“](?P<q>[^\"“”]{3,400})[\"”]")
_WORD_RE = re.compile(r"[A-Za-z0-9']+")


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
    return "".join(w[0] for w in name.split() if w[:1].isupper() and w.lower() not in STOPWORDS)


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
    """Drop a leading article and a trailing possessive ("the FAZ's" -> "FAZ"), nothing more:
    a name may end in "s" ("Hankuk University of Foreign Studies")."""
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.I)
    return re.sub(r"['’]s?$", "", text).strip()


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
            for s, e in _creator_spans(tok):
                span = doc[s:e]
                start, end = base + span.start_char, base + span.end_char
                names = names_in(start, end, entities) or _propn_names(span)
                if names:
                    out.append(Credit(start, end, span.text, names))
    return out


def _creator_spans(study: Token) -> list[tuple[int, int]]:
    """Token ranges that name who made a study: a proper-noun modifier ("A Friedrich Naumann
    Foundation study"), then the by-agent of each creator verb ("published by X")."""
    spans = []
    mods = [c for c in study.children if c.dep_ in ("compound", "poss", "nmod") and c.i < study.i]
    if any(c.pos_ == "PROPN" for c in mods):
        spans.append((min(c.left_edge.i for c in mods), max(c.i for c in mods) + 1))
    for child in study.children:
        if child.dep_ == "acl" and child.lemma_.lower() in CREATOR_VERBS:
            spans.extend(_agent_spans(child))
    return spans


def _agent_spans(verb: Token) -> list[tuple[int, int]]:
    """From each by-agent's object to the end of the verb's phrase (the agent's affiliation)."""
    return [
        (pobj.left_edge.i, verb.right_edge.i + 1)
        for agent in verb.children
        if agent.dep_ == "agent" or agent.lower_ == "by"
        for pobj in agent.children
        if pobj.dep_ == "pobj"
    ]


def _propn_names(span: Span) -> tuple[str, ...]:
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
        resolved: list[Credit] = []
        if words & STUDY_NOUNS or words & CREDITED_BODIES:
            matching = [
                c for c in facts.creators if words & {w.lower() for n in c.names for w in n.split()}
            ]
            resolved = matching or list(facts.creators)
        # a description with no name ("independent auditors", "a report by the regional water
        # board") is still a credit: attribution_flag compares it by its words
        out.extend(resolved or [Credit(sp.start, sp.end, sp.text, ())])
    if not any(c.names for c in out) and fallback and facts.creators:
        out.extend(facts.creators)
    return out


def _description_words(credit: Credit) -> set[str]:
    """Content words of a credit phrase, singular, without determiners, pronouns or study
    nouns: "a report by the regional water board" -> {regional, water, board}."""
    return {
        _stem(w)
        for w in (_POSSESSIVE_RE.sub("", t.lower()) for t in _WORD_RE.findall(credit.text))
        if len(w) > 2
        and w not in STOPWORDS
        and w not in PRONOUNS
        and w not in STUDY_NOUNS
        and w not in CREDIT_FILLER
    }


def _description_flag(
    claim_credits: Sequence[Credit], source: DocFacts, source_credits: Sequence[Credit]
) -> Flag | None:
    """Credits compared by their words when one side has no name.

    Conservative, because a description may denote a named party ("the treasurer" = "Olga
    Brandt"): flagged only when the two phrases share no content word, neither is vague
    ("officials", a pronoun), and, for a named article credit, the source never mentions the
    name at all. An article description against a named source credit is never flagged ("the
    company" may well be "Lakeside Motors").
    """
    article_named = any(c.names for c in claim_credits)
    source_named = any(c.names for c in source_credits)
    if source_named and not article_named:
        return None
    article_words = set().union(*(_description_words(c) for c in claim_credits))
    source_words = set().union(*(_description_words(c) for c in source_credits))
    for c in (*claim_credits, *source_credits):
        if not c.names and not (_description_words(c) - VAGUE_CREDIT_WORDS):
            return None
    if not article_words or not source_words or article_words & source_words:
        return None
    if article_named:
        source_text = {_stem(w) for w in _words(source.text)}
        names = {t for c in claim_credits for n in c.names for t in _name_tokens(n)}
        if not names or {_stem(t) for t in names} & source_text:
            return None
        if source.name and any(same_party(n, source.name) for c in claim_credits for n in c.names):
            return None
    first = claim_credits[0]
    return Flag(
        "attribution_mismatch",
        first.text,
        "; ".join(dict.fromkeys(c.text for c in source_credits)),
        f"article credits {first.text}; the source credits "
        f"{', '.join(dict.fromkeys(c.text for c in source_credits))}",
    )


def attribution_flag(
    claim_credits: Sequence[Credit],
    source: DocFacts,
    source_credits: Sequence[Credit],
    *,
    same_fact: bool = True,
) -> Flag | None:
    """The claim is credited to someone the source does not credit for it.

    ``same_fact`` is False when the passage states a different figure or date: then
    "organisers said 38,000" against "police estimated 31,000" are two parties' own claims, and
    credits by description alone are not compared.
    """
    article_names = [n for c in claim_credits for n in c.names]
    source_names = [n for c in source_credits for n in c.names]
    if not claim_credits or not source_credits:
        return None
    if not article_names or not source_names:
        return _description_flag(claim_credits, source, source_credits) if same_fact else None
    source_credits = [c for c in source_credits if c.names]
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
    return {_stem(w) for w in _WORD_RE.findall(window.lower()) if w not in STOPWORDS and len(w) > 2}


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
    claim_qs: Sequence[Quantity],
    evidence: Sequence[tuple[Evidence, DocFacts]],
    *,
    claim_text: str | None = None,
    claim_offset: int = 0,
) -> list[Flag]:
    """A dated claim whose matching passage dates the same event otherwise.

    Dates are compared part by part (year, month, day), only on the parts both sides state
    or that were inferred from the document's date ("9 June" in a source of 20 June 2025).
    Nothing is flagged if any claim date agrees with a comparable passage date (passages often
    carry several dates), and a clash needs the same event: shared content words around the
    two dates, when the claim text is given.
    """
    dates = [
        (q, p)
        for q in claim_qs
        if q.kind == "date" and (p := date_parts(q.text, q.iso_date)) and any(p)
    ]
    strong = [(ev, f) for ev, f in evidence if ev.score >= DATE_CHECK_THRESHOLD]
    if not dates or not strong:
        return []
    cands = [
        (sq, sp, ev, facts)
        for ev, facts in strong
        for sq in facts.quantities
        if sq.kind == "date"
        and ev.start <= sq.start
        and sq.end <= ev.end
        and (sp := date_parts(sq.text, sq.iso_date))
        and any(sp)
    ]
    pairs = [(q, qp, c) for q, qp in dates for c in cands if _parts_comparable(qp, c[1])]
    if not pairs or any(_parts_compatible(qp, c[1]) for _, qp, c in pairs):
        return []
    for q, _qp, (sq, _sp, _ev, facts) in pairs:
        if claim_text is not None:
            qctx = _context(claim_text, q.start - claim_offset, q.end - claim_offset)
            if not qctx & _context(facts.text, sq.start, sq.end):
                continue
        return [
            Flag(
                "date_mismatch",
                q.text,
                sq.text,
                f"article dates it {q.text}, the source {sq.text}",
            )
        ]
    return []


def _parts_comparable(a: DateParts, b: DateParts) -> bool:
    return any(x is not None and y is not None for x, y in zip(a, b, strict=True))


def _parts_compatible(a: DateParts, b: DateParts) -> bool:
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


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


def addresses(
    score: float, shares_figure: bool, *, anchor: bool | None = None, content: bool = True
) -> bool:
    """Does a passage with this score address the claim at all?

    ``anchor``: whether the passage shares a distinctive named entity, figure or date with the
    claim (None when unknown). Topic overlap alone is not enough: a passage with no shared
    anchor must cover LEXICAL_ADDRESS_THRESHOLD of the claim's IDF-weighted content, and one
    that shares only names (``content`` False) addresses it only through a shared figure.
    """
    if shares_figure and score >= FIGURE_ADDRESS_THRESHOLD:
        return True
    if not content:
        return False
    if anchor is None:
        return score >= ADDRESS_THRESHOLD
    return score >= (ANCHORED_ADDRESS_THRESHOLD if anchor else LEXICAL_ADDRESS_THRESHOLD)


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
