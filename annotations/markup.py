"""Marks → segments → safe HTML: the article text with its annotations, as inert markup.

No database and no models here: callers hand in anything with the right attributes (a
``Claim`` row, or a stand-in in a unit test) and get ``SafeString`` back.

The text is split into flat segments rather than nested markup: claims, attribution parts
and quantities may overlap without nesting, and a flat list of ``<span data-start=…>`` keeps
every character's original offset recoverable in the browser.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, Protocol

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

MarkKind = Literal["claim", "speaker", "cue", "content", "quantity"]


class MarkedClaim(Protocol):
    """What a segment needs of a claim: where it is, and what colours it."""

    @property
    def pk(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def support(self) -> str: ...
    @property
    def review_state(self) -> str: ...


class MarkedAttribution(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def speaker_start(self) -> int | None: ...
    @property
    def speaker_end(self) -> int | None: ...
    @property
    def cue_start(self) -> int: ...
    @property
    def cue_end(self) -> int: ...
    @property
    def content_start(self) -> int: ...
    @property
    def content_end(self) -> int: ...


class MarkedSpan(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def _escape_text(text: str) -> str:
    # What ``django.utils.html.escape`` does (it wraps this same function), without the lazy-
    # string check that costs more than the escaping on the thousands of segments of a page.
    return html.escape(text).replace("\r", "&#13;")


def html_text(text: str) -> SafeString:
    """Escape text for HTML, keeping carriage returns as character references.

    The HTML parser turns a literal CR LF into LF, which would shift every later offset by
    one in the browser; ``&#13;`` survives parsing as a real CR.
    """
    return mark_safe(_escape_text(text))  # noqa: S308 - escaped just above


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    kind: MarkKind
    ref: int
    claim: MarkedClaim | None = None


@dataclass(slots=True)
class Segment:
    """A run of text covered by the same set of marks."""

    start: int
    end: int
    text: str
    claims: tuple[MarkedClaim, ...] = ()
    parts: frozenset[str] = frozenset()
    attribution_ids: tuple[int, ...] = ()
    quantity: bool = False

    @property
    def html(self) -> SafeString:
        return html_text(self.text)

    @property
    def primary(self) -> MarkedClaim | None:
        """The innermost claim decides the colour: it is the one a click most likely means."""
        if not self.claims:
            return None
        return min(self.claims, key=lambda c: (c.end - c.start, -c.start, c.pk))

    @property
    def claim_ids(self) -> str:
        return " ".join(str(int(c.pk)) for c in self.claims)

    @property
    def marked(self) -> bool:
        return bool(self.claims or self.parts or self.quantity)

    def render(self, *, oob: bool = False) -> SafeString:
        """The segment's ``<span>``. Built here rather than in a template loop because an
        article has thousands of segments; every interpolated value is escaped."""
        return mark_safe(self._render(oob))  # noqa: S308 - see _render

    def _render(self, oob: bool) -> str:
        text = _escape_text(self.text)
        if not self.marked:
            return f'<span data-start="{self.start}">{text}</span>'
        claims = ""
        primary = self.primary
        if primary is not None:
            claims = f' data-claims="{self.claim_ids}" data-claim="{int(primary.pk)}"'
            # One tab stop per claim, where it starts: Enter or Space there opens that claim.
            starting = [c for c in self.claims if c.start == self.start]
            if starting:
                claims += f' tabindex="0" data-claim-start="{int(starting[0].pk)}"'
        swap = ' hx-swap-oob="true"' if oob else ""
        # css is escaped, ids are ints, the text is escaped
        return (
            f'<span id="seg-{self.start}" class="{html.escape(self._css(primary))}" '
            f'data-start="{self.start}"{claims}{swap}>{text}</span>'
        )

    @property
    def oob(self) -> SafeString:
        return self.render(oob=True)

    @property
    def css(self) -> str:
        return self._css(self.primary)

    def _css(self, primary: MarkedClaim | None) -> str:
        classes = []
        if primary is not None:
            classes += ["cl", f"sup-{primary.support}", f"st-{primary.review_state}"]
            if len(self.claims) > 1:
                classes.append("nest")
        classes += sorted(self.parts)
        if self.quantity:
            classes.append("qty")
        return " ".join(classes)


_PART_CLASS = {"speaker": "sp", "cue": "cue", "content": "ct"}


def build_marks(
    claims: Iterable[MarkedClaim],
    attributions: Iterable[MarkedAttribution] = (),
    quantities: Iterable[MarkedSpan] = (),
) -> list[Mark]:
    """Every span to show. The caller decides which rows belong on this text (the article's
    own attributions, not a source's; none that a reviewer rejected)."""
    marks = [Mark(c.start, c.end, "claim", c.pk, c) for c in claims]
    for a in attributions:
        if a.speaker_start is not None and a.speaker_end is not None:
            marks.append(Mark(a.speaker_start, a.speaker_end, "speaker", a.pk))
        marks.append(Mark(a.cue_start, a.cue_end, "cue", a.pk))
        marks.append(Mark(a.content_start, a.content_end, "content", a.pk))
    marks += [Mark(q.start, q.end, "quantity", q.pk) for q in quantities]
    return marks


def build_segments(text: str, marks: Sequence[Mark]) -> list[Segment]:
    """Split ``text`` at every mark boundary; each piece knows every mark covering it.

    Offsets are code points, as stored. Marks outside the text (a stale row) are clipped
    rather than allowed to break the page.
    """
    length = len(text)
    inside = [m for m in marks if 0 <= m.start < m.end <= length]
    bounds = sorted({0, length, *(m.start for m in inside), *(m.end for m in inside)})
    starting: dict[int, list[Mark]] = {}
    for m in inside:
        starting.setdefault(m.start, []).append(m)
    active: list[Mark] = []
    segments = []
    for a, b in pairwise(bounds):
        active = [m for m in active if m.end > a] + starting.get(a, [])
        claims: list[MarkedClaim] = []
        parts: set[str] = set()
        attribution_ids: set[int] = set()
        quantity = False
        for m in active:  # one pass: a long article has thousands of segments
            if m.claim is not None:
                claims.append(m.claim)
            if m.kind == "quantity":
                quantity = True
            elif m.kind in _PART_CLASS:
                parts.add(_PART_CLASS[m.kind])
                attribution_ids.add(m.ref)
        segments.append(
            Segment(
                start=a,
                end=b,
                text=text[a:b],
                claims=tuple(claims),
                parts=frozenset(parts),
                attribution_ids=tuple(sorted(attribution_ids)),
                quantity=quantity,
            )
        )
    return segments


def render_segments(segments: Iterable[Segment]) -> SafeString:
    """The whole marked-up text: each segment escapes its own piece."""
    return mark_safe("".join(s._render(False) for s in segments))  # noqa: S308 - each escaped


def segments_in(segments: Iterable[Segment], start: int, end: int) -> list[Segment]:
    """The claim-marked segments overlapping ``start``–``end``: what a change to one claim's
    state redraws."""
    return [s for s in segments if s.start < end and s.end > start and s.claims]


@dataclass(frozen=True)
class Excerpt:
    """A window of a source around an evidence passage, the passage itself highlighted."""

    before: str
    match: str
    after: str
    clipped_start: bool
    clipped_end: bool


def excerpt(text: str, start: int, end: int, context: int = 320) -> Excerpt:
    lo, hi = max(0, start - context), min(len(text), end + context)
    # Snap to whitespace so the window does not open or close mid-word.
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return Excerpt(text[lo:start], text[start:end], text[end:hi], lo > 0, hi < len(text))


# --- lists too long for a template loop -------------------------------------------------------
# A long article lists hundreds of claims and open flags; rendering each row through the
# template engine cost more than everything else on the page together. Like the segments, the
# rows are built here, every interpolated value escaped.


class ListedClaim(MarkedClaim, Protocol):
    """What a claim's entry in the claim list shows."""

    @property
    def text(self) -> str: ...


def truncate(text: str, limit: int) -> str:
    """The template filter ``truncatechars``, with a fast path for the usual short text."""
    if len(text) <= limit:
        return text
    return Truncator(text).chars(limit)


def nav_item(
    claim: ListedClaim,
    *,
    state_label: str,
    open_flags: int,
    rating: str,
    review_url: str,
    claims_url: str,
    oob: bool = False,
) -> SafeString:
    """One entry of the claim list: a link that opens the claim's panel."""
    pk = int(claim.pk)
    meta = html.escape(state_label.lower())
    if open_flags:
        meta += f" · ⚑{int(open_flags)}"
    if rating:
        meta += f" · {html.escape(rating)}"
    link = f"{html.escape(review_url)}?claim={pk}"
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(  # noqa: S308 - urls, classes and text escaped, ids are ints
        f'<li id="nav-{pk}" class="nav-item"{swap}><a href="{link}" '
        f'hx-get="{html.escape(claims_url)}{pk}/" hx-push-url="{link}">'
        f'<span class="dot sup-{html.escape(claim.support)} st-{html.escape(claim.review_state)}" '
        f'aria-hidden="true"></span><span class="nav-text" dir="auto">'
        f"{html.escape(truncate(claim.text, 90))}</span>"
        f'<span class="nav-meta">{meta}</span></a></li>'
    )


def flag_row(
    *,
    claim_id: int,
    position: int,
    flag_type: str,
    type_label: str,
    article_text: str,
    source_text: str,
    claim_text: str,
    compared: Iterable[tuple[str, str]],
    review_url: str,
    claims_url: str,
) -> SafeString:
    """One open flag in the list above the text: which claim, what disagrees, and up to a
    few ``(outcome, summary)`` lines of what was compared."""
    pk = int(claim_id)
    link = f"{html.escape(review_url)}?claim={pk}"
    if source_text:
        says = (
            f'<span class="says"><span class="who">Article:</span> '
            f'<q dir="auto">{html.escape(truncate(article_text, 90))}</q> '
            f'<span class="who">Source:</span> '
            f'<q dir="auto">{html.escape(truncate(source_text, 140))}</q></span>'
        )
    else:
        said = html.escape(truncate(article_text or claim_text, 110))
        says = f'<span class="says"><q dir="auto">{said}</q></span>'
    lines = "".join(
        f'<span class="compared outcome-{html.escape(outcome)}" dir="auto">'
        f"{html.escape(truncate(summary, 180))}</span>"
        for outcome, summary in compared
    )
    return mark_safe(  # noqa: S308 - urls, classes and text escaped, ids are ints
        f'<li class="flag-row flag-{html.escape(flag_type)}"><a href="{link}" '
        f'hx-get="{html.escape(claims_url)}{pk}/" hx-push-url="{link}">'
        f'<span class="which">Claim {int(position)}</span> '
        f"<strong>{html.escape(type_label)}</strong> "
        f"{says}{lines}</a></li>"
    )
