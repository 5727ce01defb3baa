"""One line's working state while the rules run: its parse, quotes, dateline and the drafts.

``Extraction.add`` is the one door every rule goes through, so the decisions that hold for all
of them live here: a speaker must be a person, body or document (never a dateline or a note
label); the cue takes the auxiliaries, negation and adverbs standing right before its verb ("has
promised", "also pointed out"); content never reaches into a dateline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from annotations.nlp.attributions.quotes import (
    QUOTE_CHARS,
    Quote,
    find_quotes,
    mostly_quoted,
    quote_at,
    quote_content,
)
from annotations.nlp.attributions.speakers import plausible_source, relative_antecedent
from annotations.nlp.attributions.syntax import char_range, np_head
from annotations.nlp.lexicon import (
    COLON_LABELS,
    HEDGE_ADVERBS,
    IT_SPEAKER_LEMMAS,
    REPORTING_FORMS,
)

# "PARIS (AFP) — ", "MADRID (Reuters) - ", "COLUMBIA, S.C. (AP) — ": a place in capitals, an
# optional agency in brackets, a dash. Nothing in it speaks, and no report's content starts there.
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z'\u2019.-]+(?:[ ,]+[A-Z][A-Za-z'\u2019.-]*)*\s*(?:\([^)]{1,30}\))?\s*"
    r"[\u2014\u2013-]{1,2}\s+"
)
_CUE_PREFIX_DEPS = frozenset({"aux", "auxpass", "neg", "advmod"})


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
    cue_lemma: str = ""  # the report verb's lemma, for the kind
    speaker_head: str = ""  # lemma of the speaker's head word, for the kind
    antecedent: tuple[int, int] | None = None  # what a relative-pronoun speaker stands for
    parts: list[tuple[int, int]] = field(default_factory=list)  # every part of a split quote


def is_hedged(token: Token) -> bool:
    return any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADVERBS for c in token.children)


def dateline_end(text: str) -> int:
    """Where a dateline at the start of the line ends (0 when there is none)."""
    head = text[:80]
    if not re.match(r"\s*[A-Z]{2}", head) or not re.search(r"[\u2014\u2013-]", head):
        return 0
    match = _DATELINE.match(head)
    return match.end() if match is not None else 0


def cue_lemma(cue: Sequence[Token]) -> str:
    """The lemma of the report verb in a cue (the tagger's, or the surface form's when the
    tagger took the cue for a noun, as in title-case headlines)."""
    verbs = [t for t in cue if t.pos_ in {"VERB", "AUX"}] or list(cue)
    if len(cue) > 1 and cue[0].lower_ == "according":
        return "according"
    head = verbs[0] if verbs[0].lemma_.lower() not in {"go", "make"} else verbs[-1]
    return REPORTING_FORMS.get(head.lower_, head.lemma_.lower())


class Extraction:
    """One line's parse, its quotes, the drafts found so far and the cue tokens they used."""

    def __init__(self, doc: Doc, text: str | None = None) -> None:
        self.doc = doc
        # Doc.text joins every token each time it is read: read it once
        self.text = doc.text if text is None else text
        self.quotes = find_quotes(self.text)
        self.drafts: list[Draft] = []
        self.used: set[int] = set()
        self.dateline = dateline_end(self.text)

    def in_quote(self, token: Token) -> bool:
        return bool(self.quotes) and quote_at(self.quotes, token.idx) is not None

    def speaker_allowed(self, speaker: Sequence[Token], cue: Sequence[Token]) -> bool:
        """A person, body or document outside the dateline; "it" only with a verb of saying."""
        if any(t.idx < self.dateline for t in speaker):
            return False
        head = np_head(speaker)
        if head.lower_ in COLON_LABELS and head.lower_ not in {"source", "sources"}:
            return False
        if len(speaker) == 1 and head.lower_ == "it":
            return cue_lemma(cue) in IT_SPEAKER_LEMMAS
        return plausible_source(speaker)

    def full_cue(self, cue: Sequence[Token], speaker: Sequence[Token] | None) -> list[Token]:
        """The cue with the auxiliaries, negation and adverbs right before its verb ("has
        promised", "did not say", "also pointed out"), hedges and the speaker left out."""
        toks = list(cue)
        verb = toks[0]
        taken = {t.i for t in speaker} if speaker else set()
        i = verb.i - 1
        while i >= 0:
            prev = self.doc[i]
            if (
                prev.head.i != verb.i
                or prev.dep_ not in _CUE_PREFIX_DEPS
                or prev.lower_ in HEDGE_ADVERBS
                or prev.lower_ == "to"  # "to tell": the infinitive marker is no auxiliary
                or prev.i in taken
                or prev.is_punct
            ):
                break
            toks.insert(0, prev)
            i -= 1
        return toks

    def add(
        self,
        speaker: Sequence[Token] | None,
        cue: Sequence[Token],
        content: tuple[int, int] | None,
        direct: bool,
        hedged: bool,
    ) -> bool:
        """Record a report; False (and nothing used up) when there is no content or the speaker
        cannot be a source."""
        if content is None or content[1] <= content[0]:
            return False
        if content[0] < self.dateline < content[1]:
            content = (self.dateline, content[1])
        if content[0] < self.dateline or (speaker and not self.speaker_allowed(speaker, cue)):
            return False
        if not self._says_something(content):
            return False
        for tok in cue:
            self.used.add(tok.i)
        lemma = cue_lemma(cue)
        if cue[0].pos_ in {"VERB", "AUX"}:
            cue = self.full_cue(cue, speaker)
        cue_span = char_range(cue)
        stretch_end = max(cue_span[1], char_range(speaker)[1]) if speaker else cue_span[1]
        antecedent = relative_antecedent(speaker) if speaker else None
        if antecedent is not None:
            content = self._relative_clause_content(content)
        self.drafts.append(
            Draft(
                speaker=char_range(speaker) if speaker else None,
                cue=cue_span,
                content=content,
                direct=direct,
                hedged=hedged,
                cue_index=cue[0].i,
                tail=self.clause_end(cue[-1], stretch_end),
                cue_lemma=lemma,
                speaker_head=np_head(speaker).lemma_.lower() if speaker else "",
                antecedent=char_range(antecedent) if antecedent else None,
            )
        )
        return True

    def _says_something(self, content: tuple[int, int]) -> bool:
        """Content is more than a lone pronoun or wh-word ("was intended by … | what")."""
        words = [t for t in self.doc if content[0] <= t.idx < content[1] and t.is_alpha]
        return len(words) > 1 or any(t.pos_ in {"NOUN", "PROPN", "NUM"} for t in words)

    def _relative_clause_content(self, content: tuple[int, int]) -> tuple[int, int]:
        """A report in a relative clause set off by commas ends at the comma that closes the
        clause: "The minister, who said that the scheme was affordable, faced questions" (the
        parser often runs the clause on into the main verb after that comma)."""
        for tok in self.doc:
            if not content[0] < tok.idx < content[1] or tok.text != ",":
                continue
            nxt = self.doc[tok.i + 1] if tok.i + 1 < len(self.doc) else None
            if nxt is not None and nxt.pos_ in {"VERB", "AUX"} and not self.in_quote(tok):
                return content[0], tok.idx
        return content

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
        """Char span of content tokens: the whole quote when they are direct speech, else the
        tokens' stretch, run on to the closing mark of a quote it stops inside (the parser
        hangs the closing '."' on the main verb: 'called the levy "a tax on success."')."""
        if not tokens:
            return None
        span = char_range(tokens)
        quote = mostly_quoted(span, self.quotes)
        if quote is not None and not any(
            t.is_alpha and not quote.open < t.idx < quote.close for t in tokens
        ):
            inner = quote_content(self.text, quote)
            if inner is not None:
                return inner, True
        for q in self.quotes:
            if span[0] <= q.open < span[1] <= q.close:
                span = (span[0], q.close + 1)
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
