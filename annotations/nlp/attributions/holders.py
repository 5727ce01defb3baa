"""Reports carried by a noun or an adjective rather than a reporting verb.

- a report noun with its that-clause and its holder: "Trump's claim that millions voted
  illegally", "the governor's view is that …", "the minister made the claim that …";
- a stance adjective with a clause: "Republicans are worried that the nominee …", "both
  campaigns are confident they will win".

News attribution corpora annotate both as the holder's position; a verb-only finder misses
them. Each needs a holder the parse gives (a possessor, a "by" agent, or the subject of the
verb that carries the noun or adjective) and a clause: "the claim that …" with nobody's name
on it, or "it is certain that …", reports nothing we could attribute.
"""

from __future__ import annotations

from spacy.tokens import Token

from annotations.nlp.attributions.state import Extraction, is_hedged
from annotations.nlp.attributions.syntax import noun_phrase, own_subject, subtree_tokens, trim
from annotations.nlp.lexicon import (
    HOLDER_VERBS,
    REPORT_NOUNS,
    STANCE_ADJECTIVES,
    STATE_VERBS,
)

_NO_HOLDER = frozenset({"it", "there", "this", "that"})


def _clause(head: Token) -> Token | None:
    """A that-clause (or bare finite clause) hung on ``head``. An ``acl`` counts when it opens
    with "that" (the parser sometimes takes that "that" for an object; relative clauses are
    ``relcl``, never ``acl``)."""
    for child in head.children:
        if child.dep_ == "ccomp" or (child.dep_ == "acl" and child.left_edge.lower_ == "that"):
            return child
    return None


def _phrase(head: Token) -> list[Token]:
    """The holder's noun phrase without a possessive 's ("Trump's" → "Trump")."""
    case = {c.i for c in head.children if c.dep_ == "case"}
    return noun_phrase(head, exclude=case or None)


def _holder_of_noun(noun: Token) -> list[Token] | None:
    for child in noun.children:
        if child.dep_ == "poss" and child.lower_ not in _NO_HOLDER:
            return _phrase(child)
        if child.dep_ == "prep" and child.lower_ == "by":
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return _phrase(obj)
    verb = noun.head
    if noun.dep_ == "dobj" and verb.lemma_.lower() in HOLDER_VERBS:
        subj = own_subject(verb)
        if subj is not None and subj.lower_ not in _NO_HOLDER:
            return _phrase(subj)
    return None


def report_nouns(ex: Extraction) -> None:
    """ "X's claim that …", "the view of … is that …", "made the claim that …"."""
    for noun in ex.doc:
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in REPORT_NOUNS:
            continue
        if noun.i in ex.used or ex.in_quote(noun):
            continue
        clause = _clause(noun)
        if clause is None and noun.dep_ == "nsubj" and noun.head.lemma_ == "be":
            clause = _clause(noun.head)  # "the governor's view is that …"
        if clause is None or clause.i < noun.i:
            continue
        holder = _holder_of_noun(noun)
        if not holder:
            continue
        content = trim(subtree_tokens(clause))
        ex.add_tokens(holder, [noun], content, is_hedged(clause))


def stance_adjectives(ex: Extraction) -> None:
    """ "are worried that …", "remain convinced the plan will work"."""
    doc = ex.doc
    for adj in doc:
        if adj.pos_ != "ADJ" or adj.dep_ != "acomp" or adj.lower_ not in STANCE_ADJECTIVES:
            continue
        verb = adj.head
        if verb.lemma_.lower() not in STATE_VERBS or adj.i in ex.used or ex.in_quote(adj):
            continue
        clause = _clause(adj) or _clause(verb)
        if clause is None or clause.i < adj.i:
            continue
        subj = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is None or subj.lower_ in _NO_HOLDER:
            continue
        cue = list(doc[verb.i : adj.i + 1]) if 0 < adj.i - verb.i <= 3 else [adj]
        content = trim(subtree_tokens(clause))
        ex.add_tokens(_phrase(subj), cue, content, is_hedged(verb))
