"""The extraction rules, each a function over one line's working state.

Rules, in the order they claim a cue (a cue token is used once):

1. "according to X" — speaker is X's noun phrase, content is the rest of the clause.
2. Reporting verbs from a lexicon (say, state, tell, conclude, …) with a subject (own, or borrowed
   from the governing verb for participles and coordinated verbs: "…, adding that …") and content
   from the parse: a clausal complement, a quote, or for a few verbs a nominal object
   ("describes a relationship …") — nominal content needs an explicit, plausible source as
   subject, which is what keeps "…, revealing deep cracks" out.
3. "raise concerns/questions/fears that/about …" — the cue is the verb plus the noun.
4. Passive with a by-agent ("This view is echoed by European officials"); agentless passive with
   a complement ("X is said to …", "It is believed that …") gives a speakerless, hedged report.
5. Colon reports ("X states bluntly: \"…\"") read from the surface, because the tagger often
   makes the cue a noun there.
6. Quote adjacency: a quote right before or after a cue with a speaker ("\"…,\" she said",
   split quotes), and unquoted inverted speech ("…, said the minister").
7. Hedge adverbs ("reportedly", "allegedly") mark the report they modify as hedged; standing alone
   they make a speakerless report whose cue is the adverb itself.

Adjectival participles ("reported value"), reduced relatives without an agent ("aid, estimated to
be worth …") and reporting verbs without content ("once the war concludes") are not reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from annotations.nlp.attributions.quotes import (
    QUOTE_CHARS,
    Quote,
    find_quotes,
    mostly_quoted,
    quote_at,
    quote_content,
)
from annotations.nlp.attributions.speakers import plausible_source, research_like, speaker_for
from annotations.nlp.attributions.syntax import (
    CLAUSAL_DEPS,
    char_range,
    clause_content,
    clause_head,
    longest_run,
    misattached_that_clause,
    noun_phrase,
    own_reports,
    subtree_tokens,
    trim,
    valid_ccomp,
)
from annotations.nlp.lexicon import (
    CONCERN_NOUNS,
    CONCERN_VERBS,
    HEDGE_ADVERBS,
    NOMINAL_CONTENT_LEMMAS,
    PREP_CONTENT,
    REPORTING_FORMS,
    REPORTING_LEMMAS,
    RESEARCH_NOMINAL_LEMMAS,
    XCOMP_CONTENT_LEMMAS,
)

# --------------------------------------------------------------------------- working state


@dataclass
class Draft:
    """An attribution in doc character offsets, before it becomes a frozen record."""

    speaker: tuple[int, int] | None
    cue: tuple[int, int]
    content: tuple[int, int]
    direct: bool
    hedged: bool = False
    cue_index: int = -1
    tail: int = -1  # end of the speaker/cue stretch, where a continuing quote may start


def _is_hedged(token: Token) -> bool:
    return any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADVERBS for c in token.children)


class Extraction:
    """One line's parse, its quotes, the drafts found so far and the cue tokens they used."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.quotes = find_quotes(doc.text)
        self.drafts: list[Draft] = []
        self.used: set[int] = set()

    def in_quote(self, token: Token) -> bool:
        return quote_at(self.quotes, token.idx) is not None

    def add(
        self,
        speaker: Sequence[Token] | None,
        cue: Sequence[Token],
        content: tuple[int, int] | None,
        direct: bool,
        hedged: bool,
    ) -> bool:
        """Record a report; False (and nothing used up) when there is no content."""
        if content is None or content[1] <= content[0]:
            return False
        for tok in cue:
            self.used.add(tok.i)
        cue_span = char_range(cue)
        stretch_end = max(cue_span[1], char_range(speaker)[1]) if speaker else cue_span[1]
        self.drafts.append(
            Draft(
                speaker=char_range(speaker) if speaker else None,
                cue=cue_span,
                content=content,
                direct=direct,
                hedged=hedged,
                cue_index=cue[0].i,
                tail=self.clause_end(cue[-1], stretch_end),
            )
        )
        return True

    def add_tokens(
        self,
        speaker: Sequence[Token] | None,
        cue: Sequence[Token],
        tokens: Sequence[Token],
        hedged: bool,
    ) -> bool:
        """Record a report whose content is ``tokens`` (the whole quote if they are quoted)."""
        found = self.content_from_tokens(tokens)
        return found is not None and self.add(speaker, cue, found[0], found[1], hedged)

    def content_from_tokens(self, tokens: Sequence[Token]) -> tuple[tuple[int, int], bool] | None:
        """Char span of content tokens, swapped for the whole quote when they are direct speech."""
        if not tokens:
            return None
        span = char_range(tokens)
        quote = mostly_quoted(span, self.quotes)
        if quote is not None:
            inner = quote_content(self.text, quote)
            if inner is not None:
                return inner, True
        return span, False

    def adjacent_quote(self, start: int, end: int) -> tuple[Quote | None, Quote | None]:
        """Quotes that touch [start, end) with only punctuation/space in between."""
        before = after = None
        for q in self.quotes:
            gap = self.text[q.close + 1 : start]
            if q.close < start and re.fullmatch(r"[\s,.:;]*", gap):
                before = q
            gap = self.text[end : q.open]
            if q.open >= end and re.fullmatch(r"[\s,:;]*", gap):
                after = after or q
        return before, after

    def clause_end(self, cue: Token, tail: int) -> int:
        """End of the speaker/cue stretch: the cue, its speaker and trailing modifiers such as
        "in her research", up to the next punctuation mark."""
        end = tail
        for tok in self.doc[cue.i + 1 :]:
            if tok.idx < tail:
                continue
            if tok.is_punct or quote_at(self.quotes, tok.idx) or tok.text in QUOTE_CHARS:
                break
            end = tok.idx + len(tok.text)
        return end


# --------------------------------------------------------------------------- rule 1: according to


def according_to(ex: Extraction) -> None:
    doc = ex.doc
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is None:
            continue
        speaker = _with_describing_participle(doc, noun_phrase(obj))
        phrase = set(range(tok.i, max(t.i for t in speaker) + 1))
        # "according to the study, authored by …," — the speaker's own trailing comma
        edge = max(phrase) + 1
        while edge < len(doc) and doc[edge].is_punct and doc[edge].text in ",;":
            phrase.add(edge)
            edge += 1
        head = clause_head(tok.head)
        sent = tok.sent
        clause = [t for t in subtree_tokens(head) if sent.start <= t.i < sent.end]
        remaining = [
            t
            for t in clause
            if t.i not in phrase and t.i not in set(range(tok.i, obj.right_edge.i + 1))
        ]
        before = [t for t in remaining if t.i < tok.i]
        after = [t for t in remaining if t.i > tok.i]
        if before and after:
            # mid-clause "X, according to Y, did Z": a span must be contiguous, so keep the
            # whole clause rather than half of it
            content_toks = trim(remaining)
            content_toks = (
                list(doc[content_toks[0].i : content_toks[-1].i + 1]) if content_toks else []
            )
        else:
            content_toks = trim(before or after)
        ex.add_tokens(speaker, [tok, to], content_toks, _is_hedged(head))


def _with_describing_participle(doc: Doc, speaker: list[Token]) -> list[Token]:
    """'According to the report, written by two economists, …': the parser often hangs the
    participle on the main verb, but a passive participle with a by-agent right after the
    source describes the source."""
    nxt = speaker[-1].i + 1
    if nxt + 1 >= len(doc) or doc[nxt].text != ",":
        return speaker
    part = doc[nxt + 1]
    if part.tag_ != "VBN" or not any(c.dep_ == "agent" for c in part.children):
        return speaker
    if part.left_edge.i != part.i:
        return speaker
    return list(doc[speaker[0].i : part.right_edge.i + 1])


# --------------------------------------------------------------------------- rules 2-4: verbs


def reporting_verbs(ex: Extraction) -> None:
    for tok in ex.doc:
        if tok.i in ex.used or tok.pos_ != "VERB" or ex.in_quote(tok):
            continue
        lemma = tok.lemma_.lower()
        if lemma in CONCERN_VERBS:
            _concern(ex, tok)
            continue
        if lemma not in REPORTING_LEMMAS:
            continue
        particle = next((c for c in tok.children if c.dep_ == "prt"), None)
        if lemma == "point" and (particle is None or particle.lower_ != "out"):
            continue
        if tok.dep_ not in CLAUSAL_DEPS:
            # adjectival uses ("reported value") never report; reduced relatives ("aid,
            # estimated to be worth …") only with a by-agent ("a figure estimated by the IMF")
            if tok.dep_ == "acl":
                _passive(ex, tok)
            continue
        if not _passive(ex, tok):
            _active(ex, tok, lemma)


@dataclass(frozen=True)
class _Report:
    """An active reporting verb with its speaker, while its content is being looked for."""

    verb: Token
    lemma: str
    speaker: list[Token]
    own: bool  # the subject is the verb's own, not borrowed from a governing verb
    cue: list[Token]
    hedged: bool


def _active(ex: Extraction, verb: Token, lemma: str) -> None:
    """An active reporting verb: its content is the first of the places below that has some."""
    speaker, own = speaker_for(verb)
    if speaker is None:
        return
    particle = next((c for c in verb.children if c.dep_ == "prt" and c.i == verb.i + 1), None)
    cue = list(ex.doc[verb.i : particle.i + 1]) if particle is not None else [verb]
    report = _Report(verb, lemma, speaker, own, cue, _is_hedged(verb))
    for find_content in _ACTIVE_CONTENT:
        if find_content(ex, report):
            return
    _inverted_without_quotes(ex, verb, speaker, report.hedged)


def _from_complement(ex: Extraction, r: _Report) -> bool:
    """A clausal complement ("said that …"), or for a few verbs an infinitive one."""
    comps = [
        c for c in r.verb.children if c.dep_ in {"ccomp", "parataxis"} and valid_ccomp(c, ex.quotes)
    ]
    if r.lemma in XCOMP_CONTENT_LEMMAS:
        comps += [c for c in r.verb.children if c.dep_ == "xcomp"]
    frame = {t.i for t in r.speaker} | {t.i for t in r.cue} | {r.verb.i}
    obj = next((c for c in r.verb.children if c.dep_ == "dobj"), None)
    for comp in comps:
        skip = frame | own_reports(comp)
        toks = [t for t in subtree_tokens(comp) if t.i not in skip]
        if comp.dep_ == "xcomp" and obj is not None and obj.i < comp.i:
            # "urged lawmakers to act": who is urged belongs to what was urged
            toks = list(ex.doc[obj.left_edge.i : comp.right_edge.i + 1])
        if ex.add_tokens(r.speaker, r.cue, trim(longest_run(toks)), r.hedged):
            return True
    return False


def _from_that_clause(ex: Extraction, r: _Report) -> bool:
    """ "told staff in a memo that the talks had failed": the that-clause hung on the memo."""
    that_clause = misattached_that_clause(r.verb)
    return bool(that_clause) and ex.add_tokens(r.speaker, r.cue, that_clause, r.hedged)


def _from_adjacent_quote(ex: Extraction, r: _Report) -> bool:
    """Direct speech the parser did not attach ("\"…,\" she said." read as two sentences)."""
    return _quote_near_cue(ex, r.verb, r.speaker, r.hedged)


def _from_preposition(ex: Extraction, r: _Report) -> bool:
    """ "warned of a shortage": the object of a content preposition."""
    if r.lemma not in PREP_CONTENT:
        return False
    for prep in r.verb.children:
        if prep.dep_ == "prep" and prep.lower_ in PREP_CONTENT[r.lemma]:
            obj = next((c for c in prep.children if c.dep_ in {"pobj", "pcomp"}), None)
            if obj is not None:
                toks = trim(subtree_tokens(obj))
                if ex.add(r.speaker, r.cue, char_range(toks), False, r.hedged):
                    return True
    return False


def _from_nominal_object(ex: Extraction, r: _Report) -> bool:
    """ "The study describes a relationship": a nominal object, for a plausible own subject."""
    research_ok = r.lemma not in RESEARCH_NOMINAL_LEMMAS or research_like(r.speaker)
    if not (
        r.lemma in NOMINAL_CONTENT_LEMMAS and r.own and plausible_source(r.speaker) and research_ok
    ):
        return False
    obj = next((c for c in r.verb.children if c.dep_ == "dobj"), None)
    if obj is None or obj.pos_ == "PRON":
        return False
    toks = subtree_tokens(obj)
    # "described the plant as the largest employer": the "as" phrase is content
    for prep in r.verb.rights:
        if prep.dep_ == "prep" and prep.lower_ == "as" and prep.i > obj.right_edge.i:
            toks = list(ex.doc[obj.left_edge.i : prep.right_edge.i + 1])
    return ex.add_tokens(r.speaker, r.cue, trim(toks), r.hedged)


# Where an active report's content may be, in the order they are tried.
_ACTIVE_CONTENT: tuple[Callable[[Extraction, _Report], bool], ...] = (
    _from_complement,
    _from_that_clause,
    _from_adjacent_quote,
    _from_preposition,
    _from_nominal_object,
)


def _quote_near_cue(ex: Extraction, verb: Token, speaker: Sequence[Token], hedged: bool) -> bool:
    s_start, s_end = char_range(speaker)
    c_start, c_end = char_range([verb])
    start, tail = min(s_start, c_start), max(s_end, c_end)
    before, after = ex.adjacent_quote(start, ex.clause_end(verb, tail))
    if before is not None and before.close < start:
        inner = quote_content(ex.text, before)
        if inner and ex.add(speaker, [verb], inner, True, hedged):
            return True
    if after is not None:
        inner = quote_content(ex.text, after)
        if inner and ex.add(speaker, [verb], inner, True, hedged):
            return True
    return False


def _inverted_without_quotes(
    ex: Extraction, verb: Token, speaker: Sequence[Token], hedged: bool
) -> None:
    """Unquoted reports the parser left without a complement. Inverted: "Prices will rise,
    said the minister." — content is the sentence before the comma. Parenthetical: "The
    figures, the ministry said, were preliminary." — content is the whole sentence, since a
    span cannot have a hole where the speaker sits (as with a mid-clause "according to")."""
    doc = ex.doc
    first = min(verb.i, min(t.i for t in speaker))
    last = max(verb.i, max(t.i for t in speaker))
    sent = verb.sent
    if first - 1 <= sent.start or doc[first - 1].text != ",":
        return
    # the stretch runs on over the cue's own modifiers ("warned on Tuesday")
    while last + 1 < sent.end and not doc[last + 1].is_punct:
        if doc[last + 1].head.i not in range(first, last + 1):
            break
        last = doc[last + 1].right_edge.i if doc[last + 1].head == verb else last + 1
    rest = [t for t in doc[last + 1 : sent.end] if not t.is_punct]
    if not any(t.pos_ in {"VERB", "AUX"} for t in rest):
        toks = trim(list(doc[sent.start : first - 1]))
    elif last + 1 < sent.end and doc[last + 1].text == ",":
        toks = trim(list(doc[sent.start : sent.end]))
    else:
        return
    if len(toks) < 3:
        return
    ex.add_tokens(speaker, [verb], toks, hedged)


def _concern(ex: Extraction, verb: Token) -> None:
    """'raised concerns that X', 'voiced fears about Y'."""
    if verb.dep_ not in CLAUSAL_DEPS:
        return
    noun = next(
        (c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in CONCERN_NOUNS),
        None,
    )
    if noun is None:
        return
    speaker, _ = speaker_for(verb)
    if speaker is None:
        return
    content_toks: list[Token] = []
    for child in noun.rights:
        if child.dep_ in {"acl", "ccomp", "relcl"} and any(
            c.dep_ == "mark" for c in child.children
        ):
            content_toks = subtree_tokens(child)
            break
        if child.dep_ == "prep" and child.lower_ in {"about", "over", "regarding", "on"}:
            content_toks = [t for t in subtree_tokens(child) if t.i != child.i]
            break
    content_toks = trim(content_toks)
    if not content_toks:
        return
    cue = list(ex.doc[verb.i : noun.i + 1])
    ex.add(speaker, cue, char_range(content_toks), False, _is_hedged(verb))


def _passive(ex: Extraction, verb: Token) -> bool:
    """Passive reports. Returns True when the verb is passive (handled or not)."""
    is_passive = verb.tag_ == "VBN" and any(
        c.dep_ in {"auxpass", "nsubjpass", "agent"} for c in verb.children
    )
    if not is_passive:
        return False
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if agent is not None:
        _passive_with_agent(ex, verb, agent)
    elif verb.dep_ != "acl":
        _agentless_passive(ex, verb)
    return True


def _passive_with_agent(ex: Extraction, verb: Token, agent: Token) -> None:
    """ "This view is echoed by European officials": the agent speaks."""
    obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
    if obj is None:
        return
    speaker = noun_phrase(obj)
    comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if comp is not None:
        toks = trim(subtree_tokens(comp))
    elif subj is not None and verb.lemma_.lower() in NOMINAL_CONTENT_LEMMAS:
        toks = noun_phrase(subj)
    elif verb.dep_ == "acl" and verb.lemma_.lower() in NOMINAL_CONTENT_LEMMAS:
        # "a figure estimated by the IMF": the modified noun is what was reported
        toks = trim([t for t in subtree_tokens(verb.head) if t.i < verb.i])
    else:
        return
    ex.add_tokens(speaker, [verb], toks, _is_hedged(verb))


def _agentless_passive(ex: Extraction, verb: Token) -> None:
    """ "It is believed that …", "Kim is said to have …": a hedged report by nobody named."""
    comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if comp is not None and subj is not None and subj.lower_ == "it":
        toks = trim(subtree_tokens(comp))
    elif xcomp is not None and subj is not None:
        toks = trim(list(ex.doc[subj.left_edge.i : xcomp.right_edge.i + 1]))
    else:
        return
    ex.add_tokens(None, [verb], toks, True)


# --------------------------------------------------------------------------- rule 5: colons


def colon_reports(ex: Extraction) -> None:
    doc = ex.doc
    for tok in doc:
        if tok.i in ex.used or ex.in_quote(tok) or tok.lower_ not in REPORTING_FORMS:
            continue
        nxt = tok.i + 1
        while nxt < len(doc) and doc[nxt].pos_ == "ADV":
            nxt += 1
        if nxt >= len(doc) or doc[nxt].text != ":":
            continue
        speaker = _colon_speaker(doc, tok)
        if not speaker:
            continue
        colon = doc[nxt]
        quote = next((q for q in ex.quotes if q.open > colon.idx), None)
        if quote is not None and re.fullmatch(r"\s*", ex.text[colon.idx + 1 : quote.open]):
            content = quote_content(ex.text, quote)
            direct = True
        else:
            sent_end = colon.sent.end
            toks = trim(list(doc[nxt + 1 : sent_end]))
            content = char_range(toks) if toks else None
            direct = False
        ex.add(speaker, [tok], content, direct, _is_hedged(tok))


def _colon_speaker(doc: Doc, cue: Token) -> list[Token] | None:
    """Speaker of a colon report. When the cue is tagged as a noun ("… newspaper states
    bluntly:") its would-be subject hangs off it as nsubj, or as poss/compound modifiers; a
    fronted "Citing the audit," also hangs there and is not part of the speaker."""
    if cue.pos_ == "VERB":
        speaker, _ = speaker_for(cue)
        return speaker
    subj = next((c for c in cue.lefts if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subj is not None:
        return noun_phrase(subj)
    nominal = [
        c for c in cue.lefts if c.dep_ in {"compound", "poss", "amod", "det", "nmod", "nummod"}
    ]
    toks: list[Token] = []
    if nominal:
        start = min(c.left_edge.i for c in nominal)
        toks = list(doc[start : cue.i])
    else:
        prev = cue.i - 1
        while prev >= 0 and doc[prev].pos_ in {"PROPN", "NOUN", "ADJ", "DET", "PART"}:
            toks.insert(0, doc[prev])
            prev -= 1
    toks = trim(toks)
    if not toks or not any(t.pos_ in {"NOUN", "PROPN", "PRON"} for t in toks):
        return None
    return toks


# --------------------------------------------------------------------------- headlines


def headline_reports(ex: Extraction) -> None:
    """Title-case headlines ('Survey Finds Clinics Short of Nurses') tag the cue as a proper
    noun; read them from the surface: speaker before the cue, content after."""
    doc = ex.doc
    words = [t for t in doc if t.is_alpha]
    if len(words) < 4 or doc.text.rstrip().endswith((".", "?", "!", '"', "\u201d")):
        return
    capitalised = sum(1 for t in words if t.text[0].isupper())
    if capitalised / len(words) < 0.6:
        return
    for tok in doc[1:-1]:
        if tok.i in ex.used or tok.pos_ == "VERB":
            continue
        lemma = REPORTING_FORMS.get(tok.lower_)
        if lemma is None or not tok.lower_.endswith("s") or tok.lower_ == lemma:
            continue
        speaker = trim(list(doc[: tok.i]))
        content = trim(list(doc[tok.i + 1 :]))
        if speaker and content and len(speaker) <= 6:
            ex.add(speaker, [tok], char_range(content), False, False)
            return


# --------------------------------------------------------------------------- rule 6: quotes


def continued_quotes(ex: Extraction) -> None:
    """A quote that goes on right after the speaker/cue stretch is the same speaker's:
    split quotes ('"Part one," she said, "part two."') and a quote continued in the next
    sentence ('"…," Brandt said. "Not this year."'). Each part is its own attribution because
    a content span cannot have a hole where the speaker sits."""
    for quote in ex.quotes:
        if any(d.content[0] <= quote.open + 1 < d.content[1] + 1 for d in ex.drafts):
            continue
        if any(q.contains(quote.open) for q in ex.quotes if q is not quote):
            continue
        inner = quote_content(ex.text, quote)
        if inner is None:
            continue
        for draft in sorted(ex.drafts, key=lambda d: d.tail, reverse=True):
            if not draft.direct or draft.speaker is None or draft.tail > quote.open:
                continue
            if re.fullmatch(r"[\s,.;:]*", ex.text[draft.tail : quote.open]):
                ex.drafts.append(replace(draft, content=inner, tail=quote.close + 1))
            break


# --------------------------------------------------------------------------- rule 7: hedges


def hedges(ex: Extraction) -> None:
    for tok in ex.doc:
        if tok.lower_ not in HEDGE_ADVERBS or tok.i in ex.used:
            continue
        head = clause_head(tok.head)
        covered = False
        for draft in ex.drafts:
            if draft.cue_index == head.i or draft.content[0] <= tok.idx < draft.content[1]:
                draft.hedged = True
                covered = True
        if covered:
            continue
        toks = clause_content(head, drop=set())
        if not toks:
            continue
        ex.add(None, [tok], char_range(toks), False, True)


# The rules in the order they claim cues.
RULES: tuple[Callable[[Extraction], None], ...] = (
    according_to,
    reporting_verbs,
    colon_reports,
    headline_reports,
    continued_quotes,
    hedges,
)


def run_rules(doc: Doc) -> list[Draft]:
    """Every rule over one parsed line, drafts in text order (cue, then content)."""
    ex = Extraction(doc)
    for rule in RULES:
        rule(ex)
    ex.drafts.sort(key=lambda d: (d.cue[0], d.content[0]))
    return ex.drafts
