"""Quantity-aware alignment: every figure and date of a claim set against the whole source.

Retrieval links a claim to the sentences sharing most of its words, but a source often states
the same figure in other words ("will cost" / "is budgeted at"), and then a comparison limited
to the retrieved passages never happens: the worst miss, because the reviewer is told nothing.
So each figure of the claim is compared with every same-kind figure of the sources, and the
counterpart is chosen by the words around the two figures (what is counted or paid for, by
whom, the verb), weighted by closeness to the figure and by IDF over the sources' sentences.

A comparison is recorded either way, agreements too, so the reviewer sees what was compared.
A clash is claimed only when the counterpart plausibly measures the same thing (context score
at least ``MISMATCH_CONTEXT``) and no plausible counterpart agrees: a source sentence usually
carries several figures, and a false "differs" costs the reviewer's trust.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from annotations.nlp.paraphrase import canonical, token_key
from annotations.nlp.quantities import DateParts, date_parts, interval, is_range
from annotations.nlp.types import Comparison, Flag, Quantity

# Context-score floors, share of the claim figure's IDF-weighted context (see _score).
# Calibrated on the dev gold cases and the tests' own texts; WiCE's supported claims give the
# false-clash rate (bench/quality.py prints it).
AGREE_CONTEXT = 0.12  # a same-valued figure agrees with the claim from this score
MISMATCH_CONTEXT = 0.3  # a different figure clashes only from this score
MISMATCH_SHARED = 2  # ... and with at least this many shared context words
# dates clash on less context, because the judge also demands that the passage holding the
# other date addresses the claim (judge.DATE_PASSAGE_SCORE)
DATE_MISMATCH_CONTEXT = 0.2
AGREE_RATIO = 0.5  # an agreeing figure counts when its score is this share of the best
POSTING_CAP = 400  # context words around more figures than this are topic, not anchors
_NEAR, _MID = 4, 10  # token distances for the proximity weights
_W_NEAR, _W_MID, _W_FAR, _W_PREV = 1.0, 0.5, 0.25, 0.2

# Duration units in days, physical units to a base unit: "three weeks" is "21 days".
_DURATION_DAYS = {
    "second": 1 / 86400,
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 30.44,
    "year": 365.25,
    "decade": 3652.5,
    "century": 36525.0,
}
_MEASURES = {
    "km": ("m", 1000.0),
    "kilometre": ("m", 1000.0),
    "kilometer": ("m", 1000.0),
    "metre": ("m", 1.0),
    "meter": ("m", 1.0),
    "mile": ("m", 1609.344),
    "kg": ("g", 1000.0),
    "kilogram": ("g", 1000.0),
    "tonne": ("g", 1e6),
    "ton": ("g", 1e6),
    "hectare": ("m2", 1e4),
    "acre": ("m2", 4046.86),
    "litre": ("l", 1.0),
    "liter": ("l", 1.0),
}


@dataclass
class TextKeys:
    """The content-word keys of one text in order, with their token positions, character
    offsets and the text's sentences: what the words around a figure are looked up in."""

    starts: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # token ordinal in the whole text
    sentences: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def from_docs(cls, docs: Iterable[tuple[Doc | Span, int]]) -> TextKeys:
        """From parsed pieces of one text, each with the offset of its first character."""
        out = cls()
        ordinal = 0
        for doc, base in docs:
            offset = base - (doc.start_char if isinstance(doc, Span) else 0)
            sents = [doc] if isinstance(doc, Span) else list(doc.sents)
            for sent in sents:
                out.sentences.append((offset + sent.start_char, offset + sent.end_char))
            for tok in doc:
                key = token_key(tok)
                if key is not None:
                    out.starts.append(offset + tok.idx)
                    out.keys.append(key)
                    out.positions.append(ordinal)
                ordinal += 1
        out.sentences.sort()
        return out

    def bigrams(self, lo: int, hi: int) -> set[tuple[str, str]]:
        """Pairs of consecutive content words within [lo, hi)."""
        first, last = bisect_left(self.starts, lo), bisect_left(self.starts, hi)
        return {(self.keys[i], self.keys[i + 1]) for i in range(first, last - 1)}

    def sentence_at(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.sentences, (pos, math.inf)) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        return pos, pos

    def context(
        self,
        start: int,
        end: int,
        lo: int | None = None,
        hi: int | None = None,
        *,
        previous: bool = False,
    ) -> dict[str, float]:
        """Keys around [start, end) within [lo, hi) (default: its sentence), each with the
        weight of its closest occurrence; with ``previous``, the sentence before adds its keys
        at the lowest weight ("The board approved the terminal. It is budgeted at $36m")."""
        if lo is None or hi is None:
            lo, hi = self.sentence_at(start)
            hi = max(hi, end)
        out: dict[str, float] = {}
        if previous and lo > 0:
            p_lo, p_hi = self.sentence_at(lo - 1)
            for i in range(bisect_left(self.starts, p_lo), bisect_left(self.starts, p_hi)):
                out[self.keys[i]] = _W_PREV
        first, last = bisect_left(self.starts, lo), bisect_left(self.starts, hi)
        inside = bisect_left(self.starts, start, first, last)
        after = bisect_left(self.starts, end, first, last)
        anchor_before = self.positions[inside - 1] if inside > first else None
        anchor_after = self.positions[after] if after < last else None
        for i in range(first, last):
            if inside <= i < after:
                continue  # the figure's own words ("billion", "percent")
            pos = self.positions[i]
            if i < inside:
                d = (anchor_before - pos) if anchor_before is not None else 0
            else:
                d = (pos - anchor_after) if anchor_after is not None else 0
            w = _W_NEAR if d <= _NEAR else _W_MID if d <= _MID else _W_FAR
            key = self.keys[i]
            if w > out.get(key, 0.0):
                out[key] = w
        return out


@dataclass
class SourceFigures:
    """One source's figures and dates with their contexts, indexed for alignment."""

    source_id: str
    text: str
    keys: TextKeys
    quantities: Sequence[Quantity]
    contexts: list[dict[str, float]] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    by_kind: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, source_id: str, text: str, keys: TextKeys, quantities: Sequence[Quantity]):
        self = cls(source_id, text, keys, quantities)
        postings: dict[str, list[int]] = defaultdict(list)
        by_kind: dict[str, list[int]] = defaultdict(list)
        for n, q in enumerate(quantities):
            ctx = keys.context(q.start, q.end, previous=True)
            if q.unit and q.kind == "count":
                ctx.setdefault(_unit_key(q.unit), _W_NEAR)
            self.contexts.append(ctx)
            by_kind[q.kind].append(n)
            for key in ctx:
                postings[key].append(n)
        self.postings = dict(postings)
        self.by_kind = dict(by_kind)
        return self


def _unit_key(unit: str) -> str:
    return canonical(unit.lower())


def _score(
    claim_ctx: dict[str, float], src_ctx: dict[str, float], idf: Callable[[str], float]
) -> tuple[float, int]:
    """How much the two figures' weighted contexts overlap (Dice over IDF-weighted words:
    a rich claim sentence is not penalised against a terse source sentence, nor the reverse),
    and how many context words they share."""
    shared = [k for k in claim_ctx if k in src_ctx]
    if not shared:
        return 0.0, 0
    total = sum(w * idf(k) for k, w in claim_ctx.items()) + sum(
        w * idf(k) for k, w in src_ctx.items()
    )
    s = sum(min(claim_ctx[k], src_ctx[k]) * idf(k) for k in shared)
    return 2 * s / (total or 1.0), len(shared)


# --- comparing two figures ------------------------------------------------------------------


def _in_base(q: Quantity) -> tuple[tuple[float, float] | None, str | None, str]:
    """The figure's interval in a base unit, the unit it is in, and a note when converted."""
    iv = interval(q)
    if iv is None:
        return None, None, ""
    unit = q.unit
    if q.kind == "duration" and unit in _DURATION_DAYS:
        f = _DURATION_DAYS[unit]
        return (iv[0] * f, iv[1] * f), "day", "unit converted" if unit != "day" else ""
    if q.kind == "count" and unit and unit.lower() in _MEASURES:
        base, f = _MEASURES[unit.lower()]
        return (iv[0] * f, iv[1] * f), base, "unit converted"
    if q.kind == "count" and unit:
        return iv, _unit_key(unit), ""
    return iv, unit, ""


def comparable(a: Quantity, b: Quantity) -> bool:
    """Same kind, and the same unit once converted (counts of the same thing, same currency)."""
    if a.kind != b.kind or a.kind == "date":
        return False
    return _in_base(a)[1] == _in_base(b)[1]


def figures_agree(a: Quantity, b: Quantity) -> tuple[bool, str]:
    """Do two comparable figures agree, beyond rounding, hedges, bounds and units? And why."""
    ia, ua, na = _in_base(a)
    ib, ub, nb = _in_base(b)
    if ia is None or ib is None or ua != ub:
        return False, ""
    if not (ia[0] <= ib[1] and ib[0] <= ia[1]):
        return False, na or nb
    notes = [n for n in (na, nb) if n]
    if a.bound != "exact" or b.bound != "exact":
        notes.append("within the stated bound")
    elif (a.value, a.low, a.high) != (b.value, b.low, b.high):
        notes.append("within rounding")
    return True, ", ".join(dict.fromkeys(notes))


# --- alignment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    score: float
    shared: int
    quantity: Quantity
    source: SourceFigures
    index: int  # of the quantity in its source's list


def _candidates(
    q: Quantity,
    ctx: dict[str, float],
    sources: Sequence[SourceFigures],
    idf: Callable[[str], float],
    accept: Callable[[Quantity], bool],
) -> list[_Candidate]:
    out = []
    for src in sources:
        same_kind = src.by_kind.get(q.kind, ())
        if not same_kind:
            continue
        pool: set[int] = set()
        for key in ctx:
            posting = src.postings.get(key, ())
            if len(posting) <= POSTING_CAP:
                pool.update(posting)
        if len(same_kind) <= POSTING_CAP:
            pool.update(same_kind)  # few figures: a same-valued one may share no word
        for n in pool:
            sq = src.quantities[n]
            if sq.kind != q.kind or not accept(sq):
                continue
            score, shared = _score(ctx, src.contexts[n], idf)
            out.append(_Candidate(score, shared, sq, src, n))
    out.sort(key=lambda c: (-c.score, c.quantity.start))
    return out


def _comparison(kind: str, q: Quantity, c: _Candidate | None, outcome: str, note: str = ""):
    if c is None:
        return Comparison(kind, q.text, "", outcome)
    sq = c.quantity
    return Comparison(kind, q.text, sq.text, outcome, c.source.source_id, sq.start, sq.end, note)


def align_figure(
    q: Quantity,
    ctx: dict[str, float],
    sources: Sequence[SourceFigures],
    idf: Callable[[str], float],
) -> Comparison | None:
    """The comparison of one claim figure (not a date) with its best counterpart."""
    if interval(q) is None:
        return None
    cands = _candidates(q, ctx, sources, idf, lambda sq: comparable(q, sq))
    plausible = [c for c in cands if c.score >= AGREE_CONTEXT]
    if not plausible:
        return _comparison(q.kind, q, None, "no_counterpart")
    best = plausible[0]
    for c in plausible:
        if c.score < best.score * AGREE_RATIO:
            break
        ok, note = figures_agree(q, c.quantity)
        if ok:
            if is_range(q) != is_range(c.quantity):
                shape = (
                    "article gives a range, the source one figure"
                    if is_range(q)
                    else "article gives one figure, the source a range"
                )
                return _comparison(q.kind, q, c, "range_vs_point", shape)
            return _comparison(q.kind, q, c, "consistent", note)
    if best.score >= MISMATCH_CONTEXT and best.shared >= MISMATCH_SHARED:
        return _comparison(q.kind, q, best, "differs", figures_agree(q, best.quantity)[1])
    return _comparison(q.kind, q, None, "no_counterpart")


def _parts_comparable(a: DateParts, b: DateParts) -> bool:
    return any(x is not None and y is not None for x, y in zip(a, b, strict=True))


def _parts_compatible(a: DateParts, b: DateParts) -> bool:
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def _near_shared(ctx: dict[str, float], c: _Candidate) -> int:
    """Context words within ``_MID`` tokens of both figures."""
    src = c.source.contexts[c.index]
    return sum(1 for k, w in ctx.items() if w >= _W_MID and src.get(k, 0.0) >= _W_MID)


def align_date(
    q: Quantity,
    ctx: dict[str, float],
    sources: Sequence[SourceFigures],
    idf: Callable[[str], float],
) -> Comparison | None:
    """The comparison of one claim date with the source date of the same event."""
    qp = date_parts(q.text, q.iso_date)
    if not qp or not any(qp):
        return None

    def accept(sq: Quantity) -> bool:
        sp = date_parts(sq.text, sq.iso_date)
        return bool(sp) and _parts_comparable(qp, sp)  # type: ignore[arg-type]

    cands = [c for c in _candidates(q, ctx, sources, idf, accept) if c.score >= AGREE_CONTEXT]
    if not cands:
        return _comparison("date", q, None, "no_counterpart")
    best = cands[0]
    for c in cands:
        if c.score < best.score * AGREE_RATIO:
            break
        sp = date_parts(c.quantity.text, c.quantity.iso_date)
        if sp and _parts_compatible(qp, sp):
            return _comparison("date", q, c, "consistent")
    # a text carries many dates of many events: a clash needs the event itself, words close
    # to both dates, not names the whole passage shares
    if best.score >= DATE_MISMATCH_CONTEXT and _near_shared(ctx, best) >= 1:
        return _comparison("date", q, best, "differs")
    return _comparison("date", q, None, "no_counterpart")


def align_claim(
    claim_qs: Sequence[Quantity],
    claim_keys: TextKeys,
    claim_span: tuple[int, int],
    sources: Sequence[SourceFigures],
    idf: Callable[[str], float],
) -> list[Comparison]:
    """Comparisons for every figure and date of a claim (``claim_qs`` lie within it)."""
    out = []
    lo, hi = claim_span
    for q in claim_qs:
        ctx = claim_keys.context(q.start, q.end, lo, hi)
        if q.kind == "count" and q.unit:
            ctx.setdefault(_unit_key(q.unit), _W_NEAR)
        found = align_date(q, ctx, sources, idf) if q.kind == "date" else None
        if q.kind != "date":
            found = align_figure(q, ctx, sources, idf)
        if found is not None:
            out.append(found)
    return out


_FLAG_OF = {"differs": "number_mismatch", "range_vs_point": "range_vs_point"}


def comparison_flags(comparisons: Iterable[Comparison]) -> list[Flag]:
    """The flags the figure and date comparisons raise."""
    flags = []
    for c in comparisons:
        if c.kind == "date":
            if c.outcome == "differs":
                flags.append(
                    Flag(
                        "date_mismatch",
                        c.article_text,
                        c.source_text,
                        f"article dates it {c.article_text}, the source {c.source_text}",
                    )
                )
            continue
        ftype = _FLAG_OF.get(c.outcome)
        if ftype is None or c.kind in ("credit", "quote", "negation"):
            continue
        if ftype == "range_vs_point":
            message = c.note
        else:
            message = f"article says {c.article_text}, the source {c.source_text}"
        flags.append(Flag(ftype, c.article_text, c.source_text, message))
    return flags
