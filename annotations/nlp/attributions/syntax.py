"""Parse helpers of the extractor: token runs, noun phrases, clauses and their heads.

Everything here reads one spaCy parse and returns tokens; nothing decides what is a report.
A span of the output must be one contiguous stretch of text, which is why several helpers cut
a subtree down to its longest run or trim its edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Token

from annotations.nlp.attributions.quotes import Quote, quote_at
from annotations.nlp.lexicon import REPORTING_LEMMAS

# Dependency labels of a verb token that heads a clause; adjectival uses (amod "reported
# value", compound) are deliberately absent.
CLAUSAL_DEPS = frozenset(
    {"ROOT", "ccomp", "conj", "advcl", "xcomp", "relcl", "parataxis", "pcomp", "csubj"}
)
_CLAUSE_HEAD_DEPS = CLAUSAL_DEPS | {"acl"}

_CLOSERS = {")": "(", "]": "[", "\u201d": "\u201c", "\u2019": "\u2018"}


def char_range(tokens: Sequence[Token]) -> tuple[int, int]:
    """Character offsets from the first token's start to the last token's end."""
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _is_edge_junk(token: Token) -> bool:
    return token.is_punct or token.is_space or token.pos_ == "CCONJ"


def trim(tokens: Sequence[Token]) -> list[Token]:
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


def longest_run(tokens: Iterable[Token]) -> list[Token]:
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


def subtree_tokens(token: Token) -> list[Token]:
    """The contiguous stretch a token's subtree spans, in order."""
    doc = token.doc
    return list(doc[token.left_edge.i : token.right_edge.i + 1])


def noun_phrase(head: Token, exclude: set[int] | None = None) -> list[Token]:
    """The whole noun phrase of ``head`` ("NATO Secretary General Mark Rutte", "A new study
    published by …", "Dr. Amara Nwosu, who heads the unit"), minus a non-restrictive relative
    clause that is a report of its own ("the party, which has promised …": that report has its
    own attribution, whose speaker is "which"), and minus anything in ``exclude``."""
    toks = subtree_tokens(head)
    for tok in list(toks):
        # on the head or on a name in apposition to it ("Sen. Graham, R-S.C., who said …")
        if tok.i != head.i and tok.dep_ != "appos":
            continue
        for child in tok.rights:
            if child.dep_ == "relcl" and child.left_edge.i > 0:
                before = head.doc[child.left_edge.i - 1]
                if before.text == "," and child.lemma_.lower() in REPORTING_LEMMAS:
                    toks = [t for t in toks if t.i < before.i]
                    break
    if exclude:
        kept = longest_run(t for t in toks if t.i not in exclude)
        toks = kept if any(t.i == head.i for t in kept) else [head]
    return trim(toks) or [head]


def np_head(tokens: Sequence[Token]) -> Token:
    """The syntactic head of a token run: the token whose head lies outside the run."""
    ids = {t.i for t in tokens}
    for tok in tokens:
        if tok.head.i not in ids or tok.head.i == tok.i:
            return tok
    return tokens[-1]


def has_subject(verb: Token) -> bool:
    """Whether a verb has a nominal or expletive subject of its own."""
    # clausal subjects are left out on purpose: the small model's commonest csubj is a misparsed
    # trailing participle ("…, raising questions about … as Moscow weighs …")
    return any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in verb.children)


def own_subject(verb: Token) -> Token | None:
    """The verb's active nominal subject, if it has one."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
    return None


def clause_content(head: Token, drop: set[int]) -> list[Token]:
    """Tokens of the clause headed by ``head`` from its subject on, without fronted adverbials
    ("However, …"), without a trailing participial consequence (", leading to …") and without
    the tokens in ``drop``."""
    toks = [t for t in subtree_tokens(head) if t.i not in drop]
    subject = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}), None)
    if subject is not None:
        toks = [t for t in toks if t.i >= subject.left_edge.i]
    for child in head.rights:
        if child.dep_ == "advcl" and child.tag_ == "VBG" and not has_subject(child):
            cut = child.left_edge.i
            if cut > 0 and head.doc[cut - 1].text == ",":
                cut -= 1
            toks = [t for t in toks if t.i < cut]
    return trim(longest_run(toks))


def clause_head(token: Token) -> Token:
    """The verb (or copula) that heads the clause a token sits in."""
    current = token
    for _ in range(8):
        if current.pos_ in {"VERB", "AUX"} and current.dep_ in _CLAUSE_HEAD_DEPS:
            return current
        if current.head is current:
            return current
        current = current.head
    return current


def own_reports(comp: Token) -> set[int]:
    """Token ids of reports hanging inside a complement — "said the deficit would grow and
    warned that …", "say the law is vague, while supporters argue …": they are reports of their
    own (made by the same or another speaker), not part of this content."""
    drop: set[int] = set()
    for child in comp.rights:
        reports = own_subject(child) is not None or any(c.dep_ == "ccomp" for c in child.children)
        if (
            child.dep_ in {"conj", "advcl"}
            and child.pos_ == "VERB"
            and child.lemma_.lower() in REPORTING_LEMMAS
            and reports  # "…, revealing a long decline" reports nothing: it stays content
        ):
            drop.update(range(child.left_edge.i, child.right_edge.i + 1))
            drop.update(c.i for c in comp.children if c.dep_ == "cc" and c.i < child.i)
    return drop


def misattached_that_clause(verb: Token) -> list[Token]:
    """A clause opened by "that" that the parser made a relative clause of a noun after the verb
    ("told staff in a memo that …"). Used only when the verb has no other content: a reporting
    verb followed by a that-clause is far likelier to report it than to describe the memo."""
    for child in verb.rights:
        if child.dep_ not in {"prep", "dobj", "dative", "npadvmod"}:
            continue
        for tok in child.subtree:
            if tok.dep_ in {"relcl", "acl"} and tok.left_edge.lower_ == "that":
                return trim(subtree_tokens(tok))
    return []


def valid_ccomp(comp: Token, quotes: Sequence[Quote]) -> bool:
    """A complement clause counts when it is a real clause: it has a subject or a complementiser,
    or it is direct speech. That filters misparses such as a trailing "…, raising questions …"
    made a complement of the verb before it."""
    if has_subject(comp) or any(c.dep_ == "mark" for c in comp.children):
        return True
    return quote_at(quotes, comp.idx) is not None


def closes_sentence(verb: Token) -> bool:
    """A report verb that ends its sentence with its own subject after a comma ("…, the ministry
    said on Friday."): it reports everything before the comma, whatever the parser hung where.
    The parser often makes it the complement of the sentence's first verb instead ("Researchers
    found that the vaccine worked, the ministry said" with "said" under "found")."""
    subj = own_subject(verb)
    if subj is None or verb.lemma_.lower() not in REPORTING_LEMMAS or subj.i > verb.i:
        return False
    first = subj.left_edge.i
    if first == 0 or verb.doc[first - 1].text != ",":
        return False
    for tok in verb.doc[verb.i + 1 : verb.sent.end]:
        if not (tok.is_punct or tok.head.i == verb.i or tok.head.head.i == verb.i):
            return False
    return all(c.i >= first for c in verb.children if c.dep_ in {"nsubj", "aux", "advmod"})
