"""Who speaks: whether a noun phrase can be a source, whose subject a participle borrows, and
which earlier mention a pronoun or bare surname stands for.

The first two work on one parse, while rules are deciding; ``resolve_speakers`` works on the
finished records of a whole text, because "she" and "Brandt" point back across lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Token

from annotations.nlp.attributions.syntax import noun_phrase, np_head, own_subject
from annotations.nlp.lexicon import (
    EVIDENCE_SOURCES,
    GROUP_NOUNS,
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
    if head.lower_ in SPEAKER_PRONOUNS or head.lower_ in RELATIVE_PRONOUNS:
        return True
    if head.ent_type_ in _SOURCE_ENTITY_LABELS or head.pos_ == "PROPN":
        return True
    lemma = head.lemma_.lower()
    nouns = SOURCE_NOUNS | GROUP_NOUNS | EVIDENCE_SOURCES
    if lemma in nouns or head.lower_.rstrip("s") in nouns:
        return True
    if head.pos_ == "NOUN" and lemma.endswith(PERSON_SUFFIXES):
        return True
    if head.tag_ == "NNS" and lemma.endswith(("er", "or")):
        return True  # people in the plural: "hauliers", "lenders", "pollsters", "investors"
    # "Her colleague, Senator Dev Patel": a named apposition makes any head a person;
    # "NATO's secretary-general and European leaders": any conjunct may qualify
    return any(
        c.dep_ == "appos"
        and (c.pos_ == "PROPN" or c.ent_type_ == "PERSON")
        or c.dep_ == "conj"
        and c.lemma_.lower() in SOURCE_NOUNS
        for c in head.children
    )


def research_like(tokens: Sequence[Token]) -> bool:
    """Whether a noun phrase is research or data whose "found"/"showed" + noun is a report."""
    head = np_head(tokens)
    lemma = head.lemma_.lower()
    return (
        lemma in RESEARCH_SOURCES
        or lemma in EVIDENCE_SOURCES
        or lemma.endswith(RESEARCHER_SUFFIXES)
    )


def borrowed_subject(verb: Token) -> Token | None:
    """Subject of the verb governing a participle or a coordinated verb ("X commented …,
    stating …", "X said … and warned …"). Only active subjects that can be a source are
    borrowed: the parser often hangs "and warned …" on the complement of "said", whose subject
    ("the deficit") cannot warn, so the search goes on up to the reporting verb."""
    current = verb
    for _ in range(4):
        if current.dep_ not in {"conj", "advcl", "xcomp", "ccomp"} or current.head is current:
            return None
        if current.dep_ == "advcl" and (
            current.tag_ not in {"VBG", "VBN"} or current.i < current.head.i
        ):
            # only a trailing participle ("…, adding that …") shares the subject: a fronted one
            # ("Asked whether …, the minister said …") is somebody else's act
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
    if subj is not None:
        return _whole_subject(verb, subj), True
    subj = borrowed_subject(verb)
    if subj is not None:
        return noun_phrase(subj), False
    nominal = _subject_left_as_modifier(verb)
    return (nominal, True) if nominal else (None, False)


def _whole_subject(verb: Token, subj: Token) -> list[Token]:
    """The subject's noun phrase, joined with a second subject the parser split off a name
    ("Workers' council chair | Otto Lenz vowed …": two nsubj side by side)."""
    phrase = noun_phrase(subj)
    for other in verb.children:
        if other.dep_ == "nsubj" and other.i > subj.i and other.left_edge.i == phrase[-1].i + 1:
            phrase = phrase + noun_phrase(other)
    return phrase


def _subject_left_as_modifier(verb: Token) -> list[Token]:
    """A subject the parser hung on the verb as a modifier in a headline ("Health agency data
    show …": "data" a compound of "show"): the nouns right before the verb."""
    if verb.pos_ != "VERB" or verb.i == 0:
        return []
    mods = [c for c in verb.lefts if c.dep_ in {"compound", "npadvmod", "nmod", "dep"}]
    if not mods or mods[-1].i != verb.i - 1 or mods[-1].pos_ not in {"NOUN", "PROPN"}:
        return []
    return list(verb.doc[mods[0].left_edge.i : verb.i])


def relative_antecedent(speaker: Sequence[Token]) -> list[Token] | None:
    """The noun phrase a relative-pronoun speaker stands for ("the ministry, which said …")."""
    if len(speaker) != 1 or speaker[0].lower_ not in RELATIVE_PRONOUNS:
        return None
    verb = speaker[0].head
    if verb.dep_ != "relcl" or verb.head is verb:
        return None
    head = verb.head
    while head.dep_ == "appos" and head.head is not head and head.head.i < head.i:
        head = head.head  # "Sen. Lindsey Graham, R-S.C., who …": the name, not the state
    return noun_phrase(head, exclude=set(range(verb.left_edge.i, verb.right_edge.i + 1)))


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


def _fuller_mention(
    surname: str, before: int, text: str, entities: Sequence[Entity]
) -> Span | None:
    """Nearest earlier multi-word mention ending in ``surname`` ("Elena Guseynova")."""
    pattern = re.compile(rf"\b{re.escape(surname)}$")
    candidates = [
        e for e in entities if e.end <= before and " " in e.text and pattern.search(e.text)
    ]
    if candidates:
        e = max(candidates, key=lambda e: e.end)
        return Span(e.start, e.end, e.text)
    matches = list(
        re.finditer(rf"((?:{_NAME_WORD}\s+){{1,4}}){re.escape(surname)}\b", text[:before])
    )
    if matches:
        m = matches[-1]
        return Span(m.start(), m.end(), m.group(0))
    return None


@dataclass(frozen=True)
class _Mention:
    """An earlier speaker: where it stands, the person named in it (if any), the whole phrase."""

    span: Span
    name: str | None
    whole: str


_Resolution = tuple[str, Span | None]  # the name, and the mention it comes from


def _resolve_one(
    speaker: Span, text: str, entities: Sequence[Entity], named: Sequence[_Mention]
) -> _Resolution | None:
    """The fuller name a pronoun or bare-surname speaker stands for, else None."""
    word = speaker.text.strip()
    low = word.lower()
    earlier = [m for m in reversed(named) if m.span.start < speaker.start]
    if low in {"he", "she"}:
        person = next((m for m in earlier if m.name), None)
        if person is not None and person.name:
            return person.name, person.span
        people = [e for e in entities if e.label == "PERSON" and e.end <= speaker.start]
        if people:
            return strip_titles(people[-1].text), Span(
                people[-1].start, people[-1].end, people[-1].text
            )
        return None
    if low == "they":
        # a plural speaker is a group or body: the whole earlier phrase, not a name in it
        return (earlier[0].whole, earlier[0].span) if earlier else None
    if low == "it":
        # a body that spoke before ("The European Commission said … It said …")
        body = next((m for m in earlier if m.name is None), None)
        return (body.whole, body.span) if body else None
    if re.fullmatch(_NAME_WORD, word) and word[0].isupper():
        mention = _fuller_mention(word, speaker.start, text, entities)
        return (strip_titles(mention.text), mention) if mention else None
    return None


def _antecedent_name(antecedent: Span, entities: Sequence[Entity]) -> str:
    """What a relative pronoun stands for: the person named in its antecedent ("state Senator
    Paula Grimes" -> "Paula Grimes"), else the antecedent as written ("The union")."""
    people = [
        e
        for e in entities
        if e.label == "PERSON"
        and antecedent.start <= e.start
        and e.end <= antecedent.end
        and " " in e.text
    ]
    return strip_titles(people[-1].text) if people else antecedent.text.strip()


def resolve_speakers(
    attributions: list[Attribution], text: str, entities: list[Entity]
) -> list[Attribution]:
    """Link pronoun, relative-pronoun and bare-surname speakers to the fuller mention.

    The speaker span stays a true slice of the text (the surface "she", "who"); the link goes
    into ``speaker_resolved`` (a name) and ``speaker_antecedent`` (the mention's span).
    "who"/"which" take their antecedent (found in the parse); "he"/"she" the nearest earlier
    named person who spoke (else the nearest PERSON entity); "they" the nearest earlier speaker;
    "it" the nearest earlier speaker that names no person (a body); a one-word capitalised
    speaker the nearest earlier multi-word name ending in it. Anything else stays unresolved.
    """
    ordered = sorted(attributions, key=lambda a: a.speaker.start if a.speaker else a.cue.start)
    resolved: dict[int, _Resolution] = {}
    named: list[_Mention] = []
    for attr in ordered:
        sp = attr.speaker
        if sp is None:
            continue
        found: _Resolution | None
        if attr.speaker_antecedent is not None:
            found = _antecedent_name(attr.speaker_antecedent, entities), attr.speaker_antecedent
        else:
            found = _resolve_one(sp, text, entities, named)
        if found is not None:
            resolved[id(attr)] = found
            is_person = found[0] if _person_name_in(found[1] or sp, entities) else None
            named.append(_Mention(sp, is_person, found[0]))
        elif sp.text.strip().lower() not in PRONOUN_SPEAKERS:
            named.append(_Mention(sp, _person_name_in(sp, entities), sp.text.strip()))
    return [
        replace(a, speaker_resolved=resolved[id(a)][0], speaker_antecedent=resolved[id(a)][1])
        if id(a) in resolved
        else a
        for a in attributions
    ]
