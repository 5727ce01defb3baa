"""The extraction rules, each a function over one line's working state.

Rules, in the order they claim a cue (a cue token is used once):

1. "according to X" — speaker is X's noun phrase, content is the rest of the clause.
2. Idiomatic report phrases ("made it clear that", "went on to say that"; ``frames``).
3. Report verbs from the lexicon (say, tell, conclude; vow, plan, pledge; show, indicate; order,
   rule; ask; endorse, dispute, call …) with a subject (own, or borrowed from the governing verb
   for trailing participles and coordinated verbs: "…, adding that …") and content from the
   parse: a clausal complement, an infinitive one for commitments, requests and orders ("vowed
   to fight", "ordered the city to release"), a quote, "called X Y" / "called for X", or for some
   verbs a nominal object ("describes a relationship …", "endorsed Ferreira") — nominal content
   needs an explicit, plausible source as subject, and data or research for "show"/"find"
   ("Polls show a tight race", but not "The company showed a profit").
4. "raise concerns/questions/fears that/about …" — the cue is the verb plus the noun.
5. Passive with a by-agent ("This view is echoed by European officials"); agentless passive with
   a complement ("X is said to …", "It is believed that …") gives a speakerless, hedged report.
6. Colon reports: "X states bluntly: \"…\"" and a name before a colon ("Gillian Marsh, The
   Northern Ledger: \"…\"", ``frames``), read from the surface.
7. Headlines ("Paper backs candidate", "…, study suggests"; ``frames``).
8. Quote adjacency: a quote right before or after a cue with a speaker ("\"…,\" she said"),
   unquoted inverted speech ("…, said the minister"), and a quote continued after the cue or in
   the next sentence, which becomes another part of the same attribution.
9. Hedge adverbs ("reportedly", "allegedly") mark the report they modify as hedged; standing
   alone they are no report (no source speaks).

Finally a report inside another report's content is part of that content, not an attribution of
its own. Adjectival participles ("reported value"), reduced relatives without an agent ("aid,
estimated to be worth …") and reporting verbs without content ("once the war concludes") are not
reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from annotations.nlp.attributions import frames, holders
from annotations.nlp.attributions.quotes import (
    quote_content,
)
from annotations.nlp.attributions.speakers import (
    plausible_source,
    relative_antecedent,
    research_like,
    speaker_for,
)
from annotations.nlp.attributions.state import Draft, Extraction, is_hedged
from annotations.nlp.attributions.syntax import (
    CLAUSAL_DEPS,
    char_range,
    clause_head,
    closes_sentence,
    longest_run,
    misattached_that_clause,
    noun_phrase,
    own_reports,
    subtree_tokens,
    trim,
    valid_ccomp,
)
from annotations.nlp.lexicon import (
    AGENTLESS_REPORT_LEMMAS,
    CALL_PREPOSITIONS,
    COGNITION_LEMMAS,
    CONCERN_NOUNS,
    CONCERN_VERBS,
    HEDGE_ADVERBS,
    INTENTION_LEMMAS,
    NOMINAL_CONTENT_LEMMAS,
    PREP_CONTENT,
    REPORT_PARTICLES,
    REPORTING_FORMS,
    REPORTING_LEMMAS,
    RESEARCH_NOMINAL_LEMMAS,
    STANCE_LEMMAS,
    XCOMP_CONTENT_LEMMAS,
)

# --------------------------------------------------------------------------- rule 1: according to


def according_to(ex: Extraction) -> None:
    doc = ex.doc
    if "ccording" not in ex.text:
        return
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
        ex.add_tokens(speaker, [tok, to], content_toks, is_hedged(head))


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
        if tok.pos_ != "VERB" or tok.i in ex.used:
            continue
        lemma = tok.lemma_.lower()
        if lemma not in REPORTING_LEMMAS and lemma not in CONCERN_VERBS or ex.in_quote(tok):
            continue
        if lemma in CONCERN_VERBS:
            _concern(ex, tok)
            continue
        if lemma not in REPORTING_LEMMAS:
            continue
        particle = next((c for c in tok.children if c.dep_ == "prt"), None)
        if (lemma == "point" and particle is None) or (
            particle is not None and (lemma, particle.lower_) not in REPORT_PARTICLES
        ):
            # "pointed out" reports, "showed up" and "called off" do not
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
    report = _Report(verb, lemma, speaker, own, cue, is_hedged(verb))
    if lemma in COGNITION_LEMMAS:
        # a belief is somebody's only with its own subject and a clause: "leading Pyongyang
        # to fear that …" is not Putin's fear, "hoped so" states nothing
        if own:
            _from_complement(ex, report)
        return
    relative = relative_antecedent(speaker) is not None  # "…, who said …" inverts nothing
    inverted = not relative and closes_sentence(verb)
    if inverted and _inverted_without_quotes(ex, verb, speaker, report.hedged):
        return
    for find_content in _ACTIVE_CONTENT:
        if find_content(ex, report):
            return
    if not relative:
        _inverted_without_quotes(ex, verb, speaker, report.hedged)


def _from_complement(ex: Extraction, r: _Report) -> bool:
    """A clausal complement ("said that …"), or for a few verbs an infinitive one."""
    comps = [
        c
        for c in r.verb.children
        if c.dep_ in {"ccomp", "parataxis"}
        and valid_ccomp(c, ex.quotes)
        and not closes_sentence(c)  # "… found that X, the ministry said": the ministry's
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
        toks = trim(longest_run(toks))
        while len(toks) > 1 and toks[0].ent_type_ in {"DATE", "TIME"} and toks[0].i > r.verb.i:
            toks = toks[1:]  # "said Tuesday the bill would pass": the day is when it was said
        if ex.add_tokens(r.speaker, r.cue, toks, r.hedged):
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
                if not toks:
                    continue
                accused = next((c for c in r.verb.children if c.dep_ == "dobj"), None)
                if r.lemma == "accuse" and accused is not None and accused.i < toks[0].i:
                    # "accused the minister of lying": who is accused belongs to the accusation
                    toks = list(ex.doc[accused.left_edge.i : toks[-1].i + 1])
                if ex.add(r.speaker, r.cue, char_range(toks), False, r.hedged):
                    return True
    return False


def _from_call(ex: Extraction, r: _Report) -> bool:
    """ "called the levy \"a tax on success\"", "called for an inquiry", "called on X to Y"."""
    if r.lemma != "call":
        return False
    for child in r.verb.rights:
        prep = child if child.dep_ == "prep" else None
        if prep is None and child.dep_ in {"advcl", "ccomp"}:
            # "called for the tax to be doubled": the parser makes "for" the clause's marker
            prep = next((m for m in child.lefts if m.dep_ == "mark" and m.lower_ == "for"), None)
        if prep is None or prep.lower_ not in CALL_PREPOSITIONS:
            continue
        last = max(prep.right_edge.i, child.right_edge.i)
        xcomp = next(
            (c for c in r.verb.rights if c.dep_ in {"xcomp", "advcl"} and c.i > last), None
        )
        if prep.lower_ == "on" and xcomp is not None:
            last = xcomp.right_edge.i  # "called on Congress | to act"
        toks = trim([t for t in ex.doc[prep.i + 1 : last + 1]])
        cue = [*r.cue, prep] if prep.i == r.cue[-1].i + 1 else r.cue
        if toks and ex.add_tokens(r.speaker, cue, toks, r.hedged):
            return True
    obj = next((c for c in r.verb.rights if c.dep_ == "dobj"), None)
    if obj is None:
        return False
    end = obj.right_edge.idx + len(obj.right_edge.text)
    named = next(
        (q for q in ex.quotes if q.open >= end and not ex.text[end : q.open].strip()), None
    )
    if named is not None:
        # 'called the bill "reckless,"': the parser seldom makes the quoted name a complement
        return ex.add(r.speaker, r.cue, (obj.left_edge.idx, named.close + 1), False, r.hedged)
    name = next((c for c in r.verb.rights if c.dep_ in {"oprd", "xcomp", "ccomp", "acomp"}), None)
    if name is None or name.i < obj.i:
        return False  # "called the police" names nothing
    toks = list(ex.doc[obj.left_edge.i : name.right_edge.i + 1])
    return ex.add_tokens(r.speaker, r.cue, trim(toks), r.hedged)


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
    # "described the plant as the largest employer", "slams water firms over sewage spills",
    # "threatened strikes in August": a phrase right after the object says what the stance or
    # the commitment is about; a time ("on Monday") does not
    end = obj.right_edge.i
    for prep in r.verb.rights:
        if prep.dep_ != "prep" or prep.i != end + 1 or prep.lower_ == "by":
            continue
        if prep.lower_ != "as" and r.lemma not in STANCE_LEMMAS | INTENTION_LEMMAS:
            break
        if any(t.ent_type_ in {"DATE", "TIME"} for t in prep.subtree):
            break
        end = prep.right_edge.i
    toks = list(ex.doc[obj.left_edge.i : end + 1])
    return ex.add_tokens(r.speaker, r.cue, trim(toks), r.hedged)


# Where an active report's content may be, in the order they are tried.
_ACTIVE_CONTENT: tuple[Callable[[Extraction, _Report], bool], ...] = (
    _from_call,
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
) -> bool:
    """Unquoted reports the parser left without a complement. Inverted: "Prices will rise,
    said the minister." — content is the sentence before the comma. Parenthetical: "The
    figures, the ministry said, were preliminary." — content is the whole sentence, since a
    span cannot have a hole where the speaker sits (as with a mid-clause "according to")."""
    doc = ex.doc
    first = min(verb.i, min(t.i for t in speaker))
    last = max(verb.i, max(t.i for t in speaker))
    sent = verb.sent
    if first - 1 <= sent.start or doc[first - 1].text != ",":
        return False
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
        return False
    if len(toks) < 3:
        return False
    return ex.add_tokens(speaker, [verb], toks, hedged)


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
    ex.add(speaker, cue, char_range(content_toks), False, is_hedged(verb))


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
    ex.add_tokens(speaker, [verb], toks, is_hedged(verb))


def _agentless_passive(ex: Extraction, verb: Token) -> None:
    """ "It is believed that …", "Kim is said to have …": a hedged report by nobody named."""
    comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if verb.lemma_.lower() not in AGENTLESS_REPORT_LEMMAS:
        return  # "Caruana could be found playing chess" reports nothing
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
    if ":" not in ex.text:
        return
    for tok in doc:
        if tok.lower_ not in REPORTING_FORMS or tok.i in ex.used or ex.in_quote(tok):
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
        ex.add(speaker, [tok], content, direct, is_hedged(tok))


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


# --------------------------------------------------------------------------- quotes


def continued_quotes(ex: Extraction) -> None:
    """A quote that goes on right after the speaker/cue stretch is the same speaker's: split
    quotes ('"Part one," she said, "part two."') and a quote continued in the next sentence
    ('"…," Brandt said. "Not this year."'). It becomes another part of the same attribution
    (one report, one attribution), whose ``content`` stays the first part."""
    for quote in ex.quotes:
        if any(d.content[0] <= quote.open + 1 < d.content[1] + 1 for d in ex.drafts):
            continue
        if any(p[0] <= quote.open < p[1] for d in ex.drafts for p in d.parts):
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
                draft.parts = [*(draft.parts or [draft.content]), inner]
                draft.tail = quote.close + 1
            break


# --------------------------------------------------------------------------- hedges


def hedges(ex: Extraction) -> None:
    """A hedge adverb marks the report it modifies (or sits in) as hedged. On its own it is no
    report: nobody is named as saying anything."""
    if not ex.drafts:
        return
    for tok in ex.doc:
        if tok.lower_ not in HEDGE_ADVERBS or tok.i in ex.used:
            continue
        head = clause_head(tok.head)
        for draft in ex.drafts:
            if draft.cue_index == head.i or draft.content[0] <= tok.idx < draft.content[1]:
                draft.hedged = True


def drop_nested(drafts: list[Draft]) -> list[Draft]:
    """Reports whose cue lies inside another report's content are part of that content ("The
    minister said the auditors found that …" is one report, the minister's), except where the
    parse made the outer content swallow its own cue (a parenthetical "X, the ministry said,
    Y")."""
    kept = []
    for d in drafts:
        outer = [
            o
            for o in drafts
            if o is not d
            and o.content[0] <= d.cue[0] < o.content[1]
            and not (d.content[0] <= o.cue[0] < d.content[1])
        ]
        if not outer:
            kept.append(d)
    return kept


# The rules in the order they claim cues.
RULES: tuple[Callable[[Extraction], None], ...] = (
    according_to,
    frames.idioms,
    reporting_verbs,
    holders.report_nouns,
    holders.stance_adjectives,
    colon_reports,
    frames.name_colon,
    frames.headline_reports,
    frames.trailing_reports,
    continued_quotes,
    hedges,
)


def run_rules(doc: Doc, text: str | None = None) -> list[Draft]:
    """Every rule over one parsed line (``text`` is ``doc.text`` when the caller has it),
    drafts in text order (cue, then content)."""
    ex = Extraction(doc, text)
    for rule in RULES:
        rule(ex)
    drafts = drop_nested(ex.drafts)
    drafts.sort(key=lambda d: (d.cue[0], d.content[0]))
    return drafts
