"""Report frames read partly from the surface, where the parse alone misleads.

- idioms: a verb plus the words after it is the cue ("made it clear that …", "went on to say
  that …", "shot back that …"), the clause after it the content;
- a name before a colon introduces what the person said ("Gillian Marsh, The Northern Ledger:
  \"…\"", "Minister Grace Lindo: \"…\"");
- headlines, whose verbs the tagger often takes for nouns ("Court orders city to release
  records", "Daily Clarion backs Ferreira for mayor") or which put the source last ("Air
  pollution linked to dementia, study suggests");
- a source and cue closing a sentence after a comma, the cue taken for a noun ("Sales fell 18
  percent, figures from the industry association show.").
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from annotations.nlp.attributions.quotes import quote_content
from annotations.nlp.attributions.speakers import speaker_for
from annotations.nlp.attributions.state import Extraction, is_hedged
from annotations.nlp.attributions.syntax import (
    char_range,
    longest_run,
    own_reports,
    subtree_tokens,
    trim,
)
from annotations.nlp.lexicon import (
    COLON_LABELS,
    EVIDENCE_SOURCES,
    GROUP_NOUNS,
    IDIOM_CUES,
    REPORTING_FORMS,
    SOURCE_NOUNS,
)

_CLAUSE_MARKERS = frozenset({"that", "whether", "if"})
_NAME_POS = frozenset({"PROPN", "NOUN", "ADJ", "DET", "PART", "NUM"})
_HEADLINE_WORDS = 16  # longer lines without final punctuation are not headlines
_SOURCE_WORDS = SOURCE_NOUNS | GROUP_NOUNS | EVIDENCE_SOURCES

# --------------------------------------------------------------------------- idioms


def idioms(ex: Extraction) -> None:
    """ "made it clear that …", "went on to say that …": the cue is the whole phrase."""
    doc = ex.doc
    for tok in doc:
        if tok.pos_ != "VERB" or tok.lemma_ not in IDIOM_CUES or tok.i in ex.used:
            continue
        if ex.in_quote(tok):
            continue
        cue = _idiom_at(doc, tok)
        if cue is None:
            continue
        speaker, _ = speaker_for(tok)
        if speaker is None:
            continue
        content = _idiom_content(cue, {t.i for t in speaker})
        if content:
            ex.add_tokens(speaker, cue, content, is_hedged(tok))


def _idiom_at(doc: Doc, verb: Token) -> list[Token] | None:
    for words in IDIOM_CUES.get(verb.lemma_.lower(), ()):
        end = verb.i + len(words)
        if end < len(doc) and tuple(t.lower_ for t in doc[verb.i + 1 : end + 1]) == words:
            return list(doc[verb.i : end + 1])
    return None


def _idiom_content(cue: list[Token], speaker: set[int]) -> list[Token]:
    """The first clause after the cue hanging on any of its words (the parser puts the
    that-clause of "made it clear" on "clear", that of "went on to say" on "say")."""
    frame = speaker | {t.i for t in cue}
    for word in cue:
        for child in word.rights:
            if child.i <= cue[-1].i or child.dep_ not in {"ccomp", "advcl", "xcomp"}:
                continue
            marked = any(c.dep_ == "mark" and c.lower_ in _CLAUSE_MARKERS for c in child.children)
            if not marked and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in child.children):
                continue
            skip = frame | own_reports(child)
            toks = [t for t in subtree_tokens(child) if t.i not in skip]
            return trim(longest_run(toks))
    return []


# --------------------------------------------------------------------------- name and colon


def name_colon(ex: Extraction) -> None:
    """A line that opens with a name and a colon: what follows is that source's ("Gillian
    Marsh, The Northern Ledger: \"…\"", "Lindo: We will not raise fuel duty"). Labels ("Editor's
    note:", "The Latest:", "Update:") and times ("12:05") are not names."""
    doc = ex.doc
    if ":" not in ex.text[:200]:
        return
    colon = next((t for t in doc[:14] if t.text == ":"), None)
    if colon is None or colon.i == 0 or ex.in_quote(colon):
        return
    if any(d.cue[1] <= colon.idx < d.content[0] for d in ex.drafts):
        return  # "X states bluntly: …" was read already
    speaker = trim(list(doc[: colon.i]))
    if not speaker or len(speaker) > 10 or not _is_name(speaker):
        return
    quote = next((q for q in ex.quotes if q.open > colon.idx), None)
    if quote is not None and not ex.text[colon.idx + 1 : quote.open].strip():
        ex.add(speaker, [colon], quote_content(ex.text, quote), True, False)
        return
    rest = trim(list(doc[colon.i + 1 : colon.sent.end]))
    if any(t.pos_ in {"VERB", "AUX"} for t in rest):
        ex.add(speaker, [colon], char_range(rest), False, False)


def _is_name(tokens: list[Token]) -> bool:
    """A name, with an outlet or role after a comma, and no verb: not a label or a clause."""
    words = [t for t in tokens if t.is_alpha]
    if not words or any(t.lower_ in COLON_LABELS for t in words):
        return False
    if any(t.pos_ in {"VERB", "AUX"} and t.tag_ != "VBG" for t in tokens):
        return False
    if any(t.like_num or t.ent_type_ in {"DATE", "TIME"} for t in tokens):
        return False  # "9 February 1916: transferred to …" is a date, not a name
    return any(t.pos_ == "PROPN" or t.ent_type_ in {"PERSON", "ORG"} for t in tokens)


# --------------------------------------------------------------------------- headlines


def headline_reports(ex: Extraction) -> None:
    """A headline (a short line without final punctuation): the report verb in its present
    form, the source just before it, the content after it ("Court orders city to release
    records") or, when nothing follows, before the source ("…, large study suggests")."""
    doc = ex.doc
    if len(doc) > 2 * _HEADLINE_WORDS or re.search(r"[.?!:\"\u201d]\s*$", ex.text):
        return
    words = [t for t in doc if t.is_alpha]
    if not 3 <= len(words) <= _HEADLINE_WORDS:
        return
    for tok in doc[1:]:
        if tok.i in ex.used or ex.in_quote(tok):
            continue
        lemma = REPORTING_FORMS.get(tok.lower_)
        if lemma is None or not tok.lower_.endswith("s") or tok.lower_ == lemma:
            continue
        speaker = _headline_source(doc, tok)
        if not speaker:
            continue
        content = trim(list(doc[tok.i + 1 :])) or trim(list(doc[: speaker[0].i]))
        if sum(t.is_alpha for t in content) < 2:
            continue  # "Post Comments (Atom)": site furniture, not a report
        if ex.add(speaker, [tok], char_range(content), False, False):
            return


def _headline_source(doc: Doc, cue: Token) -> list[Token]:
    """The noun phrase right before a headline's cue ("Central bank holds rates, governor
    says …" -> "governor"), at most six words."""
    toks: list[Token] = []
    i = cue.i - 1
    while i >= 0 and len(toks) < 6:
        tok = doc[i]
        if tok.pos_ in _NAME_POS or tok.dep_ in {"compound", "amod", "poss", "case"}:
            toks.insert(0, tok)
            i -= 1
        else:
            break
    toks = trim(toks)
    # the tagger makes a capitalised source an adjective now and then ("Tribunal orders …")
    nominal = any(t.pos_ in {"NOUN", "PROPN"} or t.lower_ in _SOURCE_WORDS for t in toks)
    return toks if nominal else []


def trailing_reports(ex: Extraction) -> None:
    """ "…, figures from the industry association show.": a sentence that ends in a source and
    a report form after a comma reports what comes before the comma, whatever the tagger made of
    the cue (here a noun, object of "from")."""
    doc = ex.doc
    for sent in doc.sents:
        last = next((t for t in reversed(sent) if not t.is_punct), None)
        if last is None or last.lower_ not in REPORTING_FORMS:
            continue
        words = [t for t in sent if not t.is_punct]
        if len(words) < 5:
            continue
        cue = words[-1]
        if cue.i in ex.used or ex.in_quote(cue) or cue.lower_ not in REPORTING_FORMS:
            continue
        comma = next((t for t in reversed(doc[sent.start : cue.i]) if t.text == ","), None)
        if comma is None or cue.i - comma.i > 10:
            continue
        speaker = trim(list(doc[comma.i + 1 : cue.i]))
        if not speaker or not all(t.pos_ in _NAME_POS or t.pos_ == "ADP" for t in speaker):
            continue
        content = trim(list(doc[sent.start : comma.i]))
        if len(content) >= 3:
            ex.add(speaker, [cue], char_range(content), False, False)
