"""Who a claim is credited to against who the source credits; whether a passage addresses a
claim at all; and the support decision used when no learned model is installed.

Figures, dates and quotations are compared in ``alignment.py`` and ``quotecheck.py``, and the
judge (``judge.py``) puts the checks together. Each check is conservative by design: a flag
asks a human to look, so a false flag costs the reviewer's trust.

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

NAME_LABELS = frozenset({"PERSON", "ORG", "FAC", "WORK_OF_ART", "GPE", "NORP", "LAW", "PRODUCT"})
WEAK_NAME_LABELS = frozenset({"GPE", "NORP"})
_POSSESSIVE_RE = re.compile(r"['’]s?$|^['’]")
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


# --- helpers -------------------------------------------------------------------------------


def _stem(w: str) -> str:
    return w[:-1] if w.endswith("s") and len(w) > 3 else w


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


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
