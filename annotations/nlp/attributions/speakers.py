"""Who speaks: whether a noun phrase can be a source, whose subject a participle borrows, and
which earlier mention a pronoun or bare surname stands for.

The first two work on one parse, while rules are deciding; ``resolve_speakers`` works on the
finished records of a whole text, because "she" and "Brandt" point back across lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Token

from annotations.nlp.attributions.syntax import noun_phrase, np_head, own_subject
from annotations.nlp.lexicon import (
    NAME_TITLES,
    PERSON_SUFFIXES,
    PRONOUN_SPEAKERS,
    RELATIVE_PRONOUNS,
    RESEARCH_SOURCES,
    RESEARCHER_SUFFIXES,
    ROLE_SUFFIXES,
    SOURCE_NOUNS,
    SPEAKER_PRONOUNS,
)
from annotations.nlp.types import Attribution, Entity, Span

_SOURCE_ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_NAME_WORD = r"[A-Z][\w\u2019'-]*\.?"

# --------------------------------------------------------------------------- in the parse


def plausible_source(tokens: Sequence[Token]) -> bool:
    """Whether a noun phrase can be the origin of a report (people, bodies, documents)."""
    head = np_head(tokens)
    if head.lower_ in SPEAKER_PRONOUNS:
        return True
    if head.ent_type_ in _SOURCE_ENTITY_LABELS or head.pos_ == "PROPN":
        return True
    lemma = head.lemma_.lower()
    if lemma in SOURCE_NOUNS or head.lower_.rstrip("s") in SOURCE_NOUNS:
        return True
    if head.pos_ == "NOUN" and lemma.endswith(PERSON_SUFFIXES):
        return True
    # "NATO's secretary-general and European leaders": any conjunct may qualify
    return any(c.dep_ == "conj" and c.lemma_.lower() in SOURCE_NOUNS for c in head.children)


def research_like(tokens: Sequence[Token]) -> bool:
    """Whether a noun phrase is research whose "found"/"revealed" + noun is a report."""
    head = np_head(tokens)
    lemma = head.lemma_.lower()
    return lemma in RESEARCH_SOURCES or lemma.endswith(RESEARCHER_SUFFIXES)


def borrowed_subject(verb: Token) -> Token | None:
    """Subject of the verb governing a participle or a coordinated verb ("X commented …,
    stating …", "X said … and warned …"). Only active subjects that can be a source are
    borrowed: the parser often hangs "and warned …" on the complement of "said", whose subject
    ("the deficit") cannot warn, so the search goes on up to the reporting verb."""
    current = verb
    for _ in range(4):
        if current.dep_ not in {"conj", "advcl", "xcomp", "ccomp"} or current.head is current:
            return None
        if current.dep_ == "advcl" and current.tag_ not in {"VBG", "VBN"}:
            return None
        if current.dep_ == "ccomp" and current is verb:
            return None  # a complement's subject is its own business, not the speaker
        current = current.head
        subj = own_subject(current)
        if subj is not None and plausible_source(noun_phrase(subj)):
            return subj
    return None


def speaker_for(verb: Token) -> tuple[list[Token] | None, bool]:
    """Speaker tokens of a reporting verb and whether the subject is the verb's own (not
    borrowed): only an own subject may report through a nominal object."""
    subj = own_subject(verb)
    own = subj is not None
    if subj is None:
        subj = borrowed_subject(verb)
    if subj is None:
        return None, False
    if subj.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
        # "the ministry, which described …": the antecedent is the speaker
        antecedent = verb.head
        return noun_phrase(
            antecedent, exclude=set(range(verb.left_edge.i, verb.right_edge.i + 1))
        ), own
    return noun_phrase(subj), own


# --------------------------------------------------------------------------- across the text


def strip_titles(name: str) -> str:
    """'Treasurer Olga Brandt' -> 'Olga Brandt': a name keeps at least two words."""
    words = name.split()
    while len(words) > 2:
        first = words[0].lower().rstrip(".")
        if first in NAME_TITLES or first.endswith(ROLE_SUFFIXES):
            words.pop(0)
        else:
            break
    return " ".join(words)


def _person_name_in(span: Span, entities: Sequence[Entity]) -> str | None:
    """A multi-word PERSON entity inside a speaker span ("harbour director Ingrid Solberg")."""
    names = [
        e
        for e in entities
        if e.label == "PERSON" and span.start <= e.start and e.end <= span.end and " " in e.text
    ]
    if names:
        return strip_titles(names[-1].text)
    run = re.findall(rf"(?:{_NAME_WORD}\s+)+{_NAME_WORD}", span.text)
    return strip_titles(run[-1]) if run else None


def _fuller_mention(surname: str, before: int, text: str, entities: Sequence[Entity]) -> str | None:
    """Nearest earlier multi-word mention ending in ``surname`` ("Elena Guseynova")."""
    pattern = re.compile(rf"\b{re.escape(surname)}$")
    candidates = [
        e for e in entities if e.end <= before and " " in e.text and pattern.search(e.text)
    ]
    if candidates:
        return strip_titles(max(candidates, key=lambda e: e.end).text)
    matches = list(
        re.finditer(rf"((?:{_NAME_WORD}\s+){{1,4}}){re.escape(surname)}\b", text[:before])
    )
    if matches:
        return strip_titles(matches[-1].group(0))
    return None


# earlier speakers in text order: (position, person name or None, whole phrase)
_Mention = tuple[int, str | None, str]


def _resolve_one(
    speaker: Span, text: str, entities: Sequence[Entity], named: Sequence[_Mention]
) -> str | None:
    """The fuller name a pronoun or bare-surname speaker stands for, else None."""
    word = speaker.text.strip()
    low = word.lower()
    if low in {"he", "she"}:
        name = next((p for pos, p, _ in reversed(named) if p and pos < speaker.start), None)
        if name is None:
            people = [e for e in entities if e.label == "PERSON" and e.end <= speaker.start]
            name = strip_titles(people[-1].text) if people else None
        return name
    if low == "they":
        # a plural speaker is a group or body: the whole earlier phrase, not a name in it
        return next((whole for pos, _, whole in reversed(named) if pos < speaker.start), None)
    if re.fullmatch(_NAME_WORD, word) and word[0].isupper():
        return _fuller_mention(word, speaker.start, text, entities)
    return None


def resolve_speakers(
    attributions: list[Attribution], text: str, entities: list[Entity]
) -> list[Attribution]:
    """Link pronoun and bare-surname speakers to the fuller earlier mention.

    The speaker span stays a true slice of the text; the link goes into ``speaker_resolved``.
    "he"/"she" take the nearest earlier named person who spoke (else the nearest PERSON entity),
    "they" the nearest earlier non-pronoun speaker; a one-word capitalised speaker takes the
    nearest earlier multi-word name ending in it. Anything else is left unresolved.
    """
    ordered = sorted(attributions, key=lambda a: a.speaker.start if a.speaker else a.cue.start)
    resolved: dict[int, str] = {}
    named: list[_Mention] = []
    for attr in ordered:
        sp = attr.speaker
        if sp is None:
            continue
        name = _resolve_one(sp, text, entities, named)
        if name is not None:
            resolved[id(attr)] = name
            named.append((sp.start, name, name))
        elif sp.text.strip().lower() not in PRONOUN_SPEAKERS:
            named.append((sp.start, _person_name_in(sp, entities), sp.text.strip()))
    return [
        replace(a, speaker_resolved=resolved[id(a)]) if id(a) in resolved else a
        for a in attributions
    ]
