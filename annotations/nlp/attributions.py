"""Attribution extraction: who said what, with which cue, as speaker–cue–content spans.

The extractor works on ONE line/paragraph parsed by spaCy (the orchestrator parses lines
separately because headline lines otherwise merge into the next sentence) and returns plain
``Attribution`` records whose offsets are shifted by ``base`` into the full text.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Token

from annotations.nlp.types import Attribution, Entity, Span

# Verbs whose clausal complement is a reported proposition.
REPORTING_LEMMAS = frozenset(
    {
        "acknowledge", "add", "admit", "advise", "agree", "allege", "announce", "argue",
        "assert", "believe", "calculate", "caution", "characterize", "claim", "comment",
        "complain", "concede", "conclude", "confirm", "contend", "declare", "deny", "depict",
        "describe", "disclose", "echo", "emphasise", "emphasize", "estimate", "explain", "find",
        "forecast", "highlight", "indicate", "inform", "insist", "learn", "maintain", "mention",
        "note", "observe", "point", "portray", "post", "predict", "propose", "recommend", "remark",
        "reply", "rule",
        "report", "respond", "reveal", "say", "show", "state", "stress", "suggest", "tell",
        "testify", "think", "tweet", "underline", "underscore", "urge", "warn", "write",
    }
)  # fmt: skip

# Verbs that report through a nominal object too ("describes a relationship", "reported 38
# cases"). Say/believe/conclude are left out: "concluded the meeting" is not a report.
NOMINAL_CONTENT_LEMMAS = frozenset(
    {
        "acknowledge", "announce", "characterize", "confirm", "deny", "depict", "describe",
        "disclose", "echo", "emphasise", "emphasize", "estimate", "find", "forecast",
        "highlight", "note", "portray", "predict", "recommend", "report", "reveal", "stress",
        "underline", "underscore",
    }
)  # fmt: skip

# "found"/"revealed" with a nominal object are reports only from research-like sources: "The
# study found no link" reports, "Police found the body" does not.
RESEARCH_NOMINAL_LEMMAS = frozenset({"find", "reveal"})
RESEARCH_SOURCES = frozenset(
    {
        "analysis", "assessment", "audit", "auditor", "census", "data", "document", "experiment",
        "expert", "figure", "filing", "finding", "inquiry", "inspector", "investigation",
        "investigator", "paper", "poll", "report", "research", "researcher", "review",
        "statistic", "study", "survey", "test", "trial",
    }
)  # fmt: skip

# Verbs whose infinitive/gerund complement is the content ("recommended raising taxes").
XCOMP_CONTENT_LEMMAS = frozenset({"advise", "propose", "recommend", "suggest", "urge"})

# "warned of X", "spoke about": prepositions that introduce reported content.
PREP_CONTENT = {"warn": {"of", "about", "against"}, "caution": {"against", "about"}}

# "raised concerns that …", "voiced fears about …".
CONCERN_VERBS = frozenset({"raise", "voice", "express", "air"})
CONCERN_NOUNS = frozenset(
    {"concern", "fear", "doubt", "question", "worry", "alarm", "suspicion", "objection"}
)

HEDGE_ADVERBS = frozenset(
    {"reportedly", "allegedly", "purportedly", "supposedly", "reputedly", "rumoredly"}
)

# Heads that can be the source of a report: people in their roles, bodies and documents. Used
# where the parse alone is too weak — nominal content ("The study describes a relationship") and
# subjects borrowed by participles/coordinated verbs — so that "The deal …, revealing deep cracks"
# or "the deficit … and warned" do not make a deal or a deficit the speaker.
SOURCE_NOUNS = frozenset(
    {
        # people
        "activist", "adviser", "advisor", "ambassador", "attorney", "auditor", "author",
        "banker", "bishop", "campaigner", "candidate", "captain", "ceo", "chair", "chairman",
        "chairwoman", "chancellor", "chief", "citizen", "coach", "commander", "commentator",
        "commissioner", "consultant", "correspondent", "councillor", "critic", "delegate",
        "deputy", "detective", "diplomat", "director", "doctor", "editor", "employee",
        "engineer", "envoy", "executive", "expert", "farmer", "founder", "general", "governor",
        "head", "inspector", "investigator", "investor", "journalist", "judge", "king",
        "lawmaker", "lawyer", "leader", "legislator", "manager", "mayor", "member", "minister",
        "negotiator", "nurse", "observer", "officer", "official", "owner", "parent", "partner",
        "people", "person", "physician", "pope", "premier", "president", "priest", "principal",
        "professor", "prosecutor", "protester", "queen", "rabbi", "regulator", "reporter",
        "representative", "researcher", "resident", "secretary", "senator", "shareholder",
        "source", "staff", "student", "survivor", "teacher", "trader", "treasurer", "victim",
        "voter", "witness", "worker",
        # bodies
        "administration", "agency", "alliance", "army", "authority", "bank", "board",
        "broadcaster", "bureau", "cabinet", "campaign", "coalition", "commission", "committee",
        "company", "congress", "council", "court", "department", "embassy", "firm",
        "foundation", "fund", "government", "group", "institute", "military", "ministry",
        "network", "office", "operator", "organisation", "organization", "outlet", "panel",
        "parliament", "party", "police", "regime", "senate", "team", "union", "university",
        # documents and findings
        "analysis", "article", "assessment", "audit", "blog", "data", "document", "figure",
        "filing", "finding", "inquiry", "investigation", "journal", "lawsuit", "letter",
        "magazine", "memo", "newsletter", "newspaper", "paper", "poll", "report", "research",
        "review", "ruling", "statement", "statistic", "study", "survey", "verdict", "website",
    }
)  # fmt: skip
_PERSON_SUFFIXES = ("ist", "ian", "person", "man", "woman", "yst")

SPEAKER_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "you"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})

# Dependency labels of a verb token that heads a clause; adjectival uses (amod "reported
# value", compound) are deliberately absent.
CLAUSAL_DEPS = frozenset(
    {"ROOT", "ccomp", "conj", "advcl", "xcomp", "relcl", "parataxis", "pcomp", "csubj"}
)

_OPEN_CLOSE = {"\u201c": "\u201d", "\u2018": "\u2019"}
_QUOTE_CHARS = frozenset("\"\u201c\u201d\u2018\u2019'")
_CLOSERS = {")": "(", "]": "[", "\u201d": "\u201c", "\u2019": "\u2018"}


def _inflections(lemma: str) -> set[str]:
    """Regular surface forms, for cues the tagger mistakes for nouns ("… newspaper states:")."""
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d"}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith(("s", "sh", "ch", "x")):
        return {lemma, lemma + "es", lemma + "ed"}
    return {lemma, lemma + "s", lemma + "ed"}


_IRREGULAR = {
    "say": {"said"},
    "tell": {"told"},
    "write": {"wrote", "written"},
    "find": {"found"},
    "think": {"thought"},
    "show": {"shown"},
}
REPORTING_FORMS: dict[str, str] = {
    form: lemma
    for lemma in REPORTING_LEMMAS
    for form in _inflections(lemma) | _IRREGULAR.get(lemma, set())
}


@dataclass
class _Draft:
    """An attribution in doc character offsets, before it becomes a frozen record."""

    speaker: tuple[int, int] | None
    cue: tuple[int, int]
    content: tuple[int, int]
    direct: bool
    hedged: bool = False
    cue_index: int = -1
    tail: int = -1  # end of the speaker/cue stretch, where a continuing quote may start


# --------------------------------------------------------------------------- spans


def _char_range(tokens: Sequence[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _is_edge_junk(token: Token) -> bool:
    return token.is_punct or token.is_space or token.pos_ == "CCONJ"


def _trim(tokens: Sequence[Token]) -> list[Token]:
    """Strip punctuation and conjunctions at both edges, keeping a closing quote or bracket
    whose opener is inside the span (so "'holding Pyongyang hostage'" keeps its quotes)."""
    toks = list(tokens)
    while toks and _is_edge_junk(toks[0]):
        toks.pop(0)
    while toks and _is_edge_junk(toks[-1]):
        last = toks[-1].text
        opener = _CLOSERS.get(last, last if last in ("'", '"') else None)
        if opener is not None and len(toks) > 1:
            inner = [t.text for t in toks[:-1]]
            if opener in inner and inner.count(opener) % 2 == (0 if opener == last else 1):
                break
        toks.pop()
    return toks


def _longest_run(tokens: Iterable[Token]) -> list[Token]:
    """The longest run of consecutive tokens: what is left of a subtree after removing the cue
    or speaker must still be one contiguous span."""
    best: list[Token] = []
    run: list[Token] = []
    for tok in sorted(tokens, key=lambda t: t.i):
        if run and tok.i != run[-1].i + 1:
            run = []
        run.append(tok)
        if len(run) > len(best):
            best = list(run)
    return best


def _subtree_tokens(token: Token) -> list[Token]:
    doc = token.doc
    return list(doc[token.left_edge.i : token.right_edge.i + 1])


# --------------------------------------------------------------------------- quotes


@dataclass(frozen=True)
class _Quote:
    open: int  # index of the opening mark
    close: int  # index of the closing mark

    @property
    def inner(self) -> tuple[int, int]:
        return self.open + 1, self.close

    def contains(self, pos: int) -> bool:
        return self.open < pos < self.close


def find_quotes(text: str) -> list[_Quote]:
    """Pair double quotes, straight or curly, left to right. Single curly quotes count only when
    a line has no double quotes (British style), since ’ is mostly an apostrophe."""
    quotes: list[_Quote] = []
    has_double = '"' in text or "\u201c" in text
    opener: int | None = None
    opener_char = ""
    for i, ch in enumerate(text):
        if opener is None:
            if ch == '"' or ch == "\u201c" or not has_double and ch == "\u2018":
                opener, opener_char = i, ch
        else:
            closing = '"' if opener_char == '"' else _OPEN_CLOSE[opener_char]
            if ch == closing or (opener_char == "\u201c" and ch == '"'):
                if opener_char == "\u2018" and i + 1 < len(text) and text[i + 1].isalpha():
                    continue  # an apostrophe inside the quote ("Germany’s")
                quotes.append(_Quote(opener, i))
                opener = None
    return quotes


def _quote_at(quotes: Sequence[_Quote], pos: int) -> _Quote | None:
    for q in quotes:
        if q.contains(pos):
            return q
    return None


def _quote_content(text: str, quote: _Quote) -> tuple[int, int] | None:
    """Inner span of a quote, trimmed of the comma/full stop that belongs to the sentence."""
    start, end = quote.inner
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",.;:"):
        end -= 1
    return (start, end) if end > start else None


def _mostly_quoted(span: tuple[int, int], quotes: Sequence[_Quote]) -> _Quote | None:
    """The quote holding most of ``span`` (a clausal complement parsed inside direct speech)."""
    length = span[1] - span[0]
    for q in quotes:
        overlap = min(span[1], q.close) - max(span[0], q.open + 1)
        if length > 0 and overlap / length >= 0.6:
            return q
    return None


# --------------------------------------------------------------------------- noun phrases


def _noun_phrase(head: Token, exclude: set[int] | None = None) -> list[Token]:
    """The whole noun phrase of ``head`` ("NATO Secretary General Mark Rutte", "A new study
    published by …"), minus a non-restrictive relative clause ("…, which described …") that is
    commentary rather than identity, and minus anything in ``exclude``."""
    toks = _subtree_tokens(head)
    for child in head.rights:
        if child.dep_ == "relcl" and child.left_edge.i > 0:
            before = head.doc[child.left_edge.i - 1]
            if before.text == ",":
                toks = [t for t in toks if t.i < before.i]
                break
    if exclude:
        kept = _longest_run(t for t in toks if t.i not in exclude)
        toks = kept if any(t.i == head.i for t in kept) else [head]
    return _trim(toks) or [head]


def _np_head(tokens: Sequence[Token]) -> Token:
    """The syntactic head of a token run: the token whose head lies outside the run."""
    ids = {t.i for t in tokens}
    for tok in tokens:
        if tok.head.i not in ids or tok.head.i == tok.i:
            return tok
    return tokens[-1]


def _plausible_source(tokens: Sequence[Token]) -> bool:
    """Whether a noun phrase can be the origin of a report (people, bodies, documents)."""
    head = _np_head(tokens)
    if head.lower_ in SPEAKER_PRONOUNS:
        return True
    if head.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"} or head.pos_ == "PROPN":
        return True
    lemma = head.lemma_.lower()
    if lemma in SOURCE_NOUNS or head.lower_.rstrip("s") in SOURCE_NOUNS:
        return True
    if head.pos_ == "NOUN" and lemma.endswith(_PERSON_SUFFIXES):
        return True
    # "NATO's secretary-general and European leaders": any conjunct may qualify
    return any(c.dep_ == "conj" and c.lemma_.lower() in SOURCE_NOUNS for c in head.children)


# --------------------------------------------------------------------------- clauses


def _has_subject(verb: Token) -> bool:
    # clausal subjects are left out on purpose: the small model's commonest csubj is a misparsed
    # trailing participle ("…, raising questions about … as Moscow weighs …")
    return any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in verb.children)


def _own_subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
    return None


def _borrowed_subject(verb: Token) -> Token | None:
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
        subj = _own_subject(current)
        if subj is not None and _plausible_source(_noun_phrase(subj)):
            return subj
    return None


def _clause_content(head: Token, drop: set[int]) -> list[Token]:
    """Tokens of the clause headed by ``head`` from its subject on, without fronted adverbials
    ("However, …"), without a trailing participial consequence (", leading to …") and without
    the tokens in ``drop``."""
    toks = [t for t in _subtree_tokens(head) if t.i not in drop]
    subject = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}), None)
    if subject is not None:
        toks = [t for t in toks if t.i >= subject.left_edge.i]
    for child in head.rights:
        if child.dep_ == "advcl" and child.tag_ == "VBG" and not _has_subject(child):
            cut = child.left_edge.i
            if cut > 0 and head.doc[cut - 1].text == ",":
                cut -= 1
            toks = [t for t in toks if t.i < cut]
    return _trim(_longest_run(toks))


def _clause_head(token: Token) -> Token:
    """The verb (or copula) that heads the clause a token sits in."""
    current = token
    for _ in range(8):
        if current.pos_ in {"VERB", "AUX"} and current.dep_ in CLAUSAL_DEPS | {"acl"}:
            return current
        if current.head is current:
            return current
        current = current.head
    return current


def _own_reports(comp: Token) -> set[int]:
    """Token ids of reports hanging inside a complement — "said the deficit would grow and
    warned that …", "say the law is vague, while supporters argue …": they are reports of their
    own (made by the same or another speaker), not part of this content."""
    drop: set[int] = set()
    for child in comp.rights:
        reports = _own_subject(child) is not None or any(c.dep_ == "ccomp" for c in child.children)
        if (
            child.dep_ in {"conj", "advcl"}
            and child.pos_ == "VERB"
            and child.lemma_.lower() in REPORTING_LEMMAS
            and reports  # "…, revealing a long decline" reports nothing: it stays content
        ):
            drop.update(range(child.left_edge.i, child.right_edge.i + 1))
            drop.update(c.i for c in comp.children if c.dep_ == "cc" and c.i < child.i)
    return drop


def _research_like(tokens: Sequence[Token]) -> bool:
    head = _np_head(tokens)
    lemma = head.lemma_.lower()
    return lemma in RESEARCH_SOURCES or lemma.endswith(("ist", "yst"))


def _misattached_that_clause(verb: Token) -> list[Token]:
    """A clause opened by "that" that the parser made a relative clause of a noun after the verb
    ("told staff in a memo that …"). Used only when the verb has no other content: a reporting
    verb followed by a that-clause is far likelier to report it than to describe the memo."""
    for child in verb.rights:
        if child.dep_ not in {"prep", "dobj", "dative", "npadvmod"}:
            continue
        for tok in child.subtree:
            if tok.dep_ in {"relcl", "acl"} and tok.left_edge.lower_ == "that":
                return _trim(_subtree_tokens(tok))
    return []


def _valid_ccomp(comp: Token, quotes: Sequence[_Quote]) -> bool:
    """A complement clause counts when it is a real clause: it has a subject or a complementiser,
    or it is direct speech. That filters misparses such as a trailing "…, raising questions …"
    made a complement of the verb before it."""
    if _has_subject(comp) or any(c.dep_ == "mark" for c in comp.children):
        return True
    return _quote_at(quotes, comp.idx) is not None


# --------------------------------------------------------------------------- the extractor


class _Extractor:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.quotes = find_quotes(doc.text)
        self.drafts: list[_Draft] = []
        self.used: set[int] = set()

    # -- helpers ------------------------------------------------------------------------

    def _in_quote(self, token: Token) -> bool:
        return _quote_at(self.quotes, token.idx) is not None

    def _hedged(self, token: Token) -> bool:
        return any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADVERBS for c in token.children)

    def _add(
        self,
        speaker: Sequence[Token] | None,
        cue: Sequence[Token],
        content: tuple[int, int] | None,
        direct: bool,
        hedged: bool,
    ) -> bool:
        if content is None or content[1] <= content[0]:
            return False
        for tok in cue:
            self.used.add(tok.i)
        cue_span = _char_range(cue)
        stretch_end = max(cue_span[1], _char_range(speaker)[1]) if speaker else cue_span[1]
        self.drafts.append(
            _Draft(
                speaker=_char_range(speaker) if speaker else None,
                cue=cue_span,
                content=content,
                direct=direct,
                hedged=hedged,
                cue_index=cue[0].i,
                tail=self._clause_end(cue[-1], stretch_end),
            )
        )
        return True

    def _content_from_tokens(self, tokens: Sequence[Token]) -> tuple[tuple[int, int], bool] | None:
        """Char span of content tokens, swapped for the whole quote when they are direct speech."""
        if not tokens:
            return None
        span = _char_range(tokens)
        quote = _mostly_quoted(span, self.quotes)
        if quote is not None:
            inner = _quote_content(self.text, quote)
            if inner is not None:
                return inner, True
        return span, False

    def _adjacent_quote(self, start: int, end: int) -> tuple[_Quote | None, _Quote | None]:
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

    # -- rule 1: according to -------------------------------------------------------------

    def according_to(self) -> None:
        doc = self.doc
        for tok in doc:
            if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
                continue
            to = doc[tok.i + 1]
            obj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if obj is None:
                continue
            speaker = _noun_phrase(obj)
            speaker = self._with_describing_participle(speaker)
            phrase = set(range(tok.i, max(t.i for t in speaker) + 1))
            # "according to the study, authored by …," — the speaker's own trailing comma
            edge = max(phrase) + 1
            while edge < len(doc) and doc[edge].is_punct and doc[edge].text in ",;":
                phrase.add(edge)
                edge += 1
            head = _clause_head(tok.head)
            sent = tok.sent
            clause = [t for t in _subtree_tokens(head) if sent.start <= t.i < sent.end]
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
                content_toks = _trim(remaining)
                content_toks = (
                    list(doc[content_toks[0].i : content_toks[-1].i + 1]) if content_toks else []
                )
            else:
                content_toks = _trim(before or after)
            found = self._content_from_tokens(content_toks)
            if found is None:
                continue
            hedged = self._hedged(head)
            self._add(speaker, [tok, to], found[0], found[1], hedged)

    def _with_describing_participle(self, speaker: list[Token]) -> list[Token]:
        """'According to the report, written by two economists, …': the parser often hangs the
        participle on the main verb, but a passive participle with a by-agent right after the
        source describes the source."""
        doc = self.doc
        nxt = speaker[-1].i + 1
        if nxt + 1 >= len(doc) or doc[nxt].text != ",":
            return speaker
        part = doc[nxt + 1]
        if part.tag_ != "VBN" or not any(c.dep_ == "agent" for c in part.children):
            return speaker
        if part.left_edge.i != part.i:
            return speaker
        return list(doc[speaker[0].i : part.right_edge.i + 1])

    # -- rule 2/3/4: reporting verbs ------------------------------------------------------

    def reporting_verbs(self) -> None:
        for tok in self.doc:
            if tok.i in self.used or tok.pos_ != "VERB" or self._in_quote(tok):
                continue
            lemma = tok.lemma_.lower()
            if lemma in CONCERN_VERBS:
                self._concern(tok)
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
                    self._passive(tok)
                continue
            if not self._passive(tok):
                self._active(tok, lemma)

    def _speaker_for(self, verb: Token) -> tuple[list[Token] | None, bool]:
        """Speaker tokens and whether the subject is the verb's own (not borrowed)."""
        subj = _own_subject(verb)
        own = subj is not None
        if subj is None:
            subj = _borrowed_subject(verb)
        if subj is None:
            return None, False
        if subj.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
            # "the ministry, which described …": the antecedent is the speaker
            antecedent = verb.head
            return _noun_phrase(
                antecedent, exclude=set(range(verb.left_edge.i, verb.right_edge.i + 1))
            ), own
        return _noun_phrase(subj), own

    def _active(self, verb: Token, lemma: str) -> None:
        speaker, own = self._speaker_for(verb)
        if speaker is None:
            return
        speaker_ids = {t.i for t in speaker}
        hedged = self._hedged(verb)
        particle = next((c for c in verb.children if c.dep_ == "prt" and c.i == verb.i + 1), None)
        cue = list(self.doc[verb.i : particle.i + 1]) if particle is not None else [verb]
        speaker_ids |= {t.i for t in cue}

        comps = [
            c
            for c in verb.children
            if c.dep_ in {"ccomp", "parataxis"} and _valid_ccomp(c, self.quotes)
        ]
        if lemma in XCOMP_CONTENT_LEMMAS:
            comps += [c for c in verb.children if c.dep_ == "xcomp"]
        for comp in comps:
            skip = speaker_ids | {verb.i} | _own_reports(comp)
            toks = [t for t in _subtree_tokens(comp) if t.i not in skip]
            obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if comp.dep_ == "xcomp" and obj is not None and obj.i < comp.i:
                # "urged lawmakers to act": who is urged belongs to what was urged
                toks = list(self.doc[obj.left_edge.i : comp.right_edge.i + 1])
            found = self._content_from_tokens(_trim(_longest_run(toks)))
            if found and self._add(speaker, cue, found[0], found[1], hedged):
                return

        # "told staff in a memo that the talks had failed": the that-clause hung on the memo
        that_clause = _misattached_that_clause(verb)
        if that_clause:
            found = self._content_from_tokens(that_clause)
            if found and self._add(speaker, cue, found[0], found[1], hedged):
                return

        # direct speech the parser did not attach ("\"…,\" she said." read as two sentences)
        if self._quote_near_cue(verb, speaker, hedged):
            return

        if lemma in PREP_CONTENT:
            for prep in verb.children:
                if prep.dep_ == "prep" and prep.lower_ in PREP_CONTENT[lemma]:
                    obj = next((c for c in prep.children if c.dep_ in {"pobj", "pcomp"}), None)
                    if obj is not None:
                        toks = _trim(_subtree_tokens(obj))
                        if self._add(speaker, cue, _char_range(toks), False, hedged):
                            return

        research_ok = lemma not in RESEARCH_NOMINAL_LEMMAS or _research_like(speaker)
        if lemma in NOMINAL_CONTENT_LEMMAS and own and _plausible_source(speaker) and research_ok:
            obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if obj is not None and obj.pos_ != "PRON":
                toks = _subtree_tokens(obj)
                # "described the plant as the largest employer": the "as" phrase is content
                for prep in verb.rights:
                    if prep.dep_ == "prep" and prep.lower_ == "as" and prep.i > obj.right_edge.i:
                        toks = list(self.doc[obj.left_edge.i : prep.right_edge.i + 1])
                found = self._content_from_tokens(_trim(toks))
                if found and self._add(speaker, cue, found[0], found[1], hedged):
                    return

        self._inverted_without_quotes(verb, speaker, hedged)

    def continued_quotes(self) -> None:
        """A quote that goes on right after the speaker/cue stretch is the same speaker's:
        split quotes ('"Part one," she said, "part two."') and a quote continued in the next
        sentence ('"…," Brandt said. "Not this year."'). Each part is its own attribution because
        a content span cannot have a hole where the speaker sits."""
        for quote in self.quotes:
            if any(d.content[0] <= quote.open + 1 < d.content[1] + 1 for d in self.drafts):
                continue
            if any(q.contains(quote.open) for q in self.quotes if q is not quote):
                continue
            inner = _quote_content(self.text, quote)
            if inner is None:
                continue
            for draft in sorted(self.drafts, key=lambda d: d.tail, reverse=True):
                if not draft.direct or draft.speaker is None or draft.tail > quote.open:
                    continue
                if re.fullmatch(r"[\s,.;:]*", self.text[draft.tail : quote.open]):
                    self.drafts.append(replace(draft, content=inner, tail=quote.close + 1))
                break

    def _clause_end(self, cue: Token, tail: int) -> int:
        """End of the speaker/cue stretch: the cue, its speaker and trailing modifiers such as
        "in her research", up to the next punctuation mark."""
        end = tail
        for tok in self.doc[cue.i + 1 :]:
            if tok.idx < tail:
                continue
            if tok.is_punct or _quote_at(self.quotes, tok.idx) or tok.text in _QUOTE_CHARS:
                break
            end = tok.idx + len(tok.text)
        return end

    def _quote_near_cue(self, verb: Token, speaker: Sequence[Token], hedged: bool) -> bool:
        s_start, s_end = _char_range(speaker)
        c_start, c_end = _char_range([verb])
        start, tail = min(s_start, c_start), max(s_end, c_end)
        before, after = self._adjacent_quote(start, self._clause_end(verb, tail))
        if before is not None and before.close < start:
            inner = _quote_content(self.text, before)
            if inner and self._add(speaker, [verb], inner, True, hedged):
                return True
        if after is not None:
            inner = _quote_content(self.text, after)
            if inner and self._add(speaker, [verb], inner, True, hedged):
                return True
        return False

    def _inverted_without_quotes(self, verb: Token, speaker: Sequence[Token], hedged: bool) -> None:
        """Unquoted reports the parser left without a complement. Inverted: "Prices will rise,
        said the minister." — content is the sentence before the comma. Parenthetical: "The
        figures, the ministry said, were preliminary." — content is the whole sentence, since a
        span cannot have a hole where the speaker sits (as with a mid-clause "according to")."""
        doc = self.doc
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
            toks = _trim(list(doc[sent.start : first - 1]))
        elif last + 1 < sent.end and doc[last + 1].text == ",":
            toks = _trim(list(doc[sent.start : sent.end]))
        else:
            return
        if len(toks) < 3:
            return
        found = self._content_from_tokens(toks)
        if found:
            self._add(speaker, [verb], found[0], found[1], hedged)

    def _concern(self, verb: Token) -> None:
        """'raised concerns that X', 'voiced fears about Y'."""
        if verb.dep_ not in CLAUSAL_DEPS:
            return
        noun = next(
            (c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in CONCERN_NOUNS),
            None,
        )
        if noun is None:
            return
        speaker, _ = self._speaker_for(verb)
        if speaker is None:
            return
        content_toks: list[Token] = []
        for child in noun.rights:
            if child.dep_ in {"acl", "ccomp", "relcl"} and any(
                c.dep_ == "mark" for c in child.children
            ):
                content_toks = _subtree_tokens(child)
                break
            if child.dep_ == "prep" and child.lower_ in {"about", "over", "regarding", "on"}:
                content_toks = [t for t in _subtree_tokens(child) if t.i != child.i]
                break
        content_toks = _trim(content_toks)
        if not content_toks:
            return
        cue = list(self.doc[verb.i : noun.i + 1])
        self._add(speaker, cue, _char_range(content_toks), False, self._hedged(verb))

    def _passive(self, verb: Token) -> bool:
        """Passive reports. Returns True when the verb is passive (handled or not)."""
        is_passive = verb.tag_ == "VBN" and any(
            c.dep_ in {"auxpass", "nsubjpass", "agent"} for c in verb.children
        )
        if not is_passive:
            return False
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        hedged = self._hedged(verb)
        comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
        subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if agent is not None:
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if obj is None:
                return True
            speaker = _noun_phrase(obj)
            if comp is not None:
                toks = _trim(_subtree_tokens(comp))
            elif subj is not None and verb.lemma_.lower() in NOMINAL_CONTENT_LEMMAS:
                toks = _noun_phrase(subj)
            elif verb.dep_ == "acl" and verb.lemma_.lower() in NOMINAL_CONTENT_LEMMAS:
                # "a figure estimated by the IMF": the modified noun is what was reported
                toks = _trim([t for t in _subtree_tokens(verb.head) if t.i < verb.i])
            else:
                return True
            found = self._content_from_tokens(toks)
            if found:
                self._add(speaker, [verb], found[0], found[1], hedged)
            return True
        if verb.dep_ == "acl":
            return True
        # agentless: "It is believed that …", "Kim is said to have …" — a report by nobody named
        if comp is not None and subj is not None and subj.lower_ == "it":
            toks = _trim(_subtree_tokens(comp))
        elif xcomp is not None and subj is not None:
            toks = _trim(list(self.doc[subj.left_edge.i : xcomp.right_edge.i + 1]))
        else:
            return True
        found = self._content_from_tokens(toks)
        if found:
            self._add(None, [verb], found[0], found[1], True)
        return True

    # -- rule 5: colon reports ------------------------------------------------------------

    def colon_reports(self) -> None:
        doc = self.doc
        for tok in doc:
            if tok.i in self.used or self._in_quote(tok) or tok.lower_ not in REPORTING_FORMS:
                continue
            nxt = tok.i + 1
            while nxt < len(doc) and doc[nxt].pos_ == "ADV":
                nxt += 1
            if nxt >= len(doc) or doc[nxt].text != ":":
                continue
            speaker = self._colon_speaker(tok)
            if not speaker:
                continue
            colon = doc[nxt]
            quote = next((q for q in self.quotes if q.open > colon.idx), None)
            if quote is not None and re.fullmatch(r"\s*", self.text[colon.idx + 1 : quote.open]):
                content = _quote_content(self.text, quote)
                direct = True
            else:
                sent_end = colon.sent.end
                toks = _trim(list(doc[nxt + 1 : sent_end]))
                content = _char_range(toks) if toks else None
                direct = False
            self._add(speaker, [tok], content, direct, self._hedged(tok))

    def _colon_speaker(self, cue: Token) -> list[Token] | None:
        """Speaker of a colon report. When the cue is tagged as a noun ("… newspaper states
        bluntly:") its would-be subject hangs off it as nsubj, or as poss/compound modifiers; a
        fronted "Citing the audit," also hangs there and is not part of the speaker."""
        if cue.pos_ == "VERB":
            speaker, _ = self._speaker_for(cue)
            return speaker
        subj = next((c for c in cue.lefts if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None:
            return _noun_phrase(subj)
        nominal = [
            c for c in cue.lefts if c.dep_ in {"compound", "poss", "amod", "det", "nmod", "nummod"}
        ]
        toks: list[Token] = []
        if nominal:
            start = min(c.left_edge.i for c in nominal)
            toks = list(self.doc[start : cue.i])
        else:
            prev = cue.i - 1
            while prev >= 0 and self.doc[prev].pos_ in {"PROPN", "NOUN", "ADJ", "DET", "PART"}:
                toks.insert(0, self.doc[prev])
                prev -= 1
        toks = _trim(toks)
        if not toks or not any(t.pos_ in {"NOUN", "PROPN", "PRON"} for t in toks):
            return None
        return toks

    # -- rule 7: hedges -------------------------------------------------------------------

    def hedges(self) -> None:
        for tok in self.doc:
            if tok.lower_ not in HEDGE_ADVERBS or tok.i in self.used:
                continue
            head = _clause_head(tok.head)
            covered = False
            for draft in self.drafts:
                if draft.cue_index == head.i or draft.content[0] <= tok.idx < draft.content[1]:
                    draft.hedged = True
                    covered = True
            if covered:
                continue
            toks = _clause_content(head, drop=set())
            if not toks:
                continue
            self._add(None, [tok], _char_range(toks), False, True)

    def run(self) -> list[_Draft]:
        self.according_to()
        self.reporting_verbs()
        self.colon_reports()
        self.headline_reports()
        self.continued_quotes()
        self.hedges()
        self.drafts.sort(key=lambda d: (d.cue[0], d.content[0]))
        return self.drafts

    # -- headlines ------------------------------------------------------------------------

    def headline_reports(self) -> None:
        """Title-case headlines ('Survey Finds Clinics Short of Nurses') tag the cue as a proper
        noun; read them from the surface: speaker before the cue, content after."""
        doc = self.doc
        words = [t for t in doc if t.is_alpha]
        if len(words) < 4 or doc.text.rstrip().endswith((".", "?", "!", '"', "\u201d")):
            return
        capitalised = sum(1 for t in words if t.text[0].isupper())
        if capitalised / len(words) < 0.6:
            return
        for tok in doc[1:-1]:
            if tok.i in self.used or tok.pos_ == "VERB":
                continue
            lemma = REPORTING_FORMS.get(tok.lower_)
            if lemma is None or not tok.lower_.endswith("s") or tok.lower_ == lemma:
                continue
            speaker = _trim(list(doc[: tok.i]))
            content = _trim(list(doc[tok.i + 1 :]))
            if speaker and content and len(speaker) <= 6:
                self._add(speaker, [tok], _char_range(content), False, False)
                return


# --------------------------------------------------------------------------- public API


def extract_attributions(doc: Doc, base: int = 0) -> list[Attribution]:
    """Attributions in one parsed line/paragraph, offsets shifted by ``base``.

    ``id`` is a placeholder ("a?") and ``claim_id`` is None: the orchestrator numbers them and
    links claims. Every span's text is the exact slice of ``doc.text``.
    """
    if not doc.has_annotation("DEP"):
        return []  # every rule reads the parse; a blank pipeline has none
    text = doc.text
    out: list[Attribution] = []
    seen: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for d in _Extractor(doc).run():
        key = (d.cue, d.content)
        if key in seen:
            continue
        seen.add(key)
        speaker = (
            Span(d.speaker[0] + base, d.speaker[1] + base, text[d.speaker[0] : d.speaker[1]])
            if d.speaker
            else None
        )
        out.append(
            Attribution(
                id="a?",
                speaker=speaker,
                cue=Span(d.cue[0] + base, d.cue[1] + base, text[d.cue[0] : d.cue[1]]),
                content=Span(
                    d.content[0] + base, d.content[1] + base, text[d.content[0] : d.content[1]]
                ),
                direct=d.direct,
                claim_id=None,
                hedged=d.hedged,
            )
        )
    return out


# --------------------------------------------------------------------------- speakers

PRONOUN_SPEAKERS = frozenset({"he", "she", "they"})
_NAME_WORD = r"[A-Z][\w\u2019'-]*\.?"
_TITLE_WORDS = frozenset(
    {
        "ambassador", "captain", "chair", "chairman", "chairwoman", "chancellor", "chief",
        "colonel", "commissioner", "councillor", "deputy", "director", "dr", "envoy",
        "executive", "general", "governor", "head", "judge", "lieutenant", "major", "mayor",
        "minister", "mr", "mrs", "ms", "officer", "president", "prof", "professor", "rep",
        "secretary", "sen", "senator", "sergeant", "spokesman", "spokesperson", "spokeswoman",
    }
)  # fmt: skip
# role nouns ("Treasurer", "Curator", "Researcher") that title-case puts in front of a name
_ROLE_SUFFIXES = ("er", "or", "ist", "ian", "ent", "ant")


def _strip_titles(name: str) -> str:
    """'Treasurer Olga Brandt' -> 'Olga Brandt': a name keeps at least two words."""
    words = name.split()
    while len(words) > 2:
        first = words[0].lower().rstrip(".")
        if first in _TITLE_WORDS or first.endswith(_ROLE_SUFFIXES):
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
        return _strip_titles(names[-1].text)
    run = re.findall(rf"(?:{_NAME_WORD}\s+)+{_NAME_WORD}", span.text)
    return _strip_titles(run[-1]) if run else None


def _fuller_mention(surname: str, before: int, text: str, entities: Sequence[Entity]) -> str | None:
    """Nearest earlier multi-word mention ending in ``surname`` ("Elena Guseynova")."""
    pattern = re.compile(rf"\b{re.escape(surname)}$")
    candidates = [
        e for e in entities if e.end <= before and " " in e.text and pattern.search(e.text)
    ]
    if candidates:
        return _strip_titles(max(candidates, key=lambda e: e.end).text)
    matches = list(
        re.finditer(rf"((?:{_NAME_WORD}\s+){{1,4}}){re.escape(surname)}\b", text[:before])
    )
    if matches:
        return _strip_titles(matches[-1].group(0))
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
    # earlier speakers in text order: (position, person name or None, whole phrase)
    named: list[tuple[int, str | None, str]] = []
    for attr in ordered:
        sp = attr.speaker
        if sp is None:
            continue
        word = sp.text.strip()
        low = word.lower()
        name: str | None = None
        if low in {"he", "she"}:
            name = next((p for pos, p, _ in reversed(named) if p and pos < sp.start), None)
            if name is None:
                people = [e for e in entities if e.label == "PERSON" and e.end <= sp.start]
                name = _strip_titles(people[-1].text) if people else None
        elif low == "they":
            # a plural speaker is a group or body: the whole earlier phrase, not a name in it
            name = next((whole for pos, _, whole in reversed(named) if pos < sp.start), None)
        elif re.fullmatch(_NAME_WORD, word) and word[0].isupper():
            name = _fuller_mention(word, sp.start, text, entities)
        if name is not None:
            resolved[id(attr)] = name
            named.append((sp.start, name, name))
        elif low not in PRONOUN_SPEAKERS:
            named.append((sp.start, _person_name_in(sp, entities), word))
    return [
        replace(a, speaker_resolved=resolved[id(a)]) if id(a) in resolved else a
        for a in attributions
    ]


def line_attributions(nlp: Language, text: str) -> list[Attribution]:
    """Attributions of ``text`` parsed one line at a time, speakers resolved over the whole.

    The reference way to run the extractor on its own (gold evaluation, tests): headline and
    masthead lines without final punctuation would otherwise merge into the next sentence.
    The pipeline gets the same effect from one parse with line-initial sentence starts.
    """
    found: list[Attribution] = []
    entities: list[Entity] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            doc = nlp(line)
            found += extract_attributions(doc, base=offset)
            entities += [
                Entity(e.start_char + offset, e.end_char + offset, e.text, e.label_)
                for e in doc.ents
            ]
        offset += len(line) + 1
    return resolve_speakers(found, text, entities)
