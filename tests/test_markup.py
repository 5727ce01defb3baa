"""The markup engine on its own: marks → segments → safe HTML, with no database.

Plain stand-ins play the claims and attributions (the engine asks only for offsets, ids and
the two values that colour a claim); two tests use unsaved ``Claim`` rows to show a model
instance fits the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from annotations import markup
from annotations.markup import Mark, build_marks, build_segments, excerpt, render_segments
from annotations.models import Claim


@dataclass(frozen=True)
class FakeClaim:
    pk: int
    start: int
    end: int
    support: str = "supported"
    review_state: str = "pending"


@dataclass(frozen=True)
class FakeAttribution:
    pk: int
    cue_start: int
    cue_end: int
    content_start: int
    content_end: int
    speaker_start: int | None = None
    speaker_end: int | None = None


@dataclass(frozen=True)
class FakeSpan:
    pk: int
    start: int
    end: int


class Spans(HTMLParser):
    """(data-start, decoded text, attributes) of each top-level ``<span>``, as a browser
    would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.spans: list[tuple[int, str, dict[str, str | None]]] = []
        self.other_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "span":
            self.other_tags.append(tag)
            return
        found = dict(attrs)
        self.spans.append((int(found["data-start"] or 0), "", found))

    def handle_data(self, data: str) -> None:
        start, text, attrs = self.spans[-1]
        self.spans[-1] = (start, text + data, attrs)


def parse(html: str) -> Spans:
    parser = Spans()
    parser.feed(html)
    parser.close()
    return parser


def round_trip(text: str, marks: list[Mark]) -> Spans:
    """Render ``text`` with ``marks`` and check every segment reads back at its offset."""
    parsed = parse(render_segments(build_segments(text, marks)))
    assert "".join(piece for _, piece, _ in parsed.spans) == text
    for start, piece, _ in parsed.spans:
        assert text[start : start + len(piece)] == piece
    return parsed


# --- segments -------------------------------------------------------------------------------


def test_segments_split_overlapping_and_nested_spans():
    text = "0123456789"
    outer = Claim(pk=1, start=0, end=8, support="supported", review_state="pending")
    inner = Claim(pk=2, start=2, end=5, support="contradicted", review_state="confirmed")
    cross = Claim(pk=3, start=6, end=10, support="not_found", review_state="pending")
    marks = build_marks([outer, inner, cross], [], [])
    segments = build_segments(text, marks)
    assert [(s.start, s.end) for s in segments] == [(0, 2), (2, 5), (5, 6), (6, 8), (8, 10)]
    assert [s.claim_ids for s in segments] == ["1", "1 2", "1", "1 3", "3"]
    # The innermost claim gives the colour.
    assert segments[1].primary is inner and "sup-contradicted" in segments[1].css
    assert "nest" in segments[1].css and "nest" not in segments[0].css
    assert segments[3].primary is cross


def test_segments_ignore_spans_outside_the_text():
    marks = [Mark(5, 99, "claim", 1, Claim(pk=1, start=5, end=99))]
    segments = build_segments("short", marks)
    assert [(s.start, s.end, s.claims) for s in segments] == [(0, 5, ())]


def test_crossing_claims_and_attribution_parts_share_segments():
    text = "Officials said the deficit fell to 4 percent."
    claim = FakeClaim(7, 15, 45)
    other = FakeClaim(8, 0, 26, support="contradicted")
    attribution = FakeAttribution(
        3,
        speaker_start=0,
        speaker_end=9,
        cue_start=10,
        cue_end=14,
        content_start=15,
        content_end=45,
    )
    quantity = FakeSpan(9, 35, 44)
    segments = build_segments(text, build_marks([claim, other], [attribution], [quantity]))
    by_start = {s.start: s for s in segments}
    assert by_start[0].parts == {"sp"} and by_start[0].claim_ids == "8"
    assert by_start[10].parts == {"cue"} and by_start[10].attribution_ids == (3,)
    assert by_start[15].parts == {"ct"} and by_start[15].claim_ids == "8 7"
    # The shorter claim wins the colour where two overlap.
    assert by_start[15].primary is other
    assert by_start[35].quantity and "qty" in by_start[35].css
    assert by_start[44].claims == (claim,) and not by_start[44].quantity
    round_trip(text, build_marks([claim, other], [attribution], [quantity]))


def test_a_speakerless_attribution_marks_only_cue_and_content():
    marks = build_marks([], [FakeAttribution(1, 0, 4, 5, 9)], [])
    assert [(m.kind, m.start, m.end) for m in marks] == [("cue", 0, 4), ("content", 5, 9)]


def test_marks_at_the_edges_of_the_text():
    text = "abcdef"
    whole = FakeClaim(1, 0, 6)
    first = FakeClaim(2, 0, 1)
    last = FakeClaim(3, 5, 6)
    segments = build_segments(text, build_marks([whole, first, last]))
    assert [(s.start, s.end, s.claim_ids) for s in segments] == [
        (0, 1, "1 2"),
        (1, 5, "1"),
        (5, 6, "1 3"),
    ]
    parsed = round_trip(text, build_marks([whole, first, last]))
    assert [start for start, _, _ in parsed.spans] == [0, 1, 5]


def test_touching_marks_do_not_overlap():
    segments = build_segments("aaabbb", build_marks([FakeClaim(1, 0, 3), FakeClaim(2, 3, 6)]))
    assert [(s.start, s.end, s.claim_ids) for s in segments] == [(0, 3, "1"), (3, 6, "2")]


def test_empty_and_reversed_marks_are_dropped():
    segments = build_segments("abc", [Mark(1, 1, "claim", 1, FakeClaim(1, 1, 1))])
    assert [(s.start, s.end, s.claims) for s in segments] == [(0, 3, ())]
    segments = build_segments("abc", [Mark(2, 1, "cue", 4), Mark(-1, 2, "cue", 5)])
    assert [(s.start, s.end, s.parts) for s in segments] == [(0, 3, frozenset())]


def test_empty_text_gives_no_segments():
    assert build_segments("", build_marks([FakeClaim(1, 0, 3)])) == []
    assert render_segments([]) == ""


def test_text_without_marks_is_one_plain_segment():
    [segment] = build_segments("plain text", [])
    assert not segment.marked and segment.css == ""
    assert segment.render() == '<span data-start="0">plain text</span>'


# --- HTML -----------------------------------------------------------------------------------


def test_markup_in_the_text_stays_text():
    text = "<script>alert('x')</script> & <b>bold</b> &amp; done"
    claim = FakeClaim(1, 0, 27)
    html = render_segments(build_segments(text, build_marks([claim])))
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;amp;" in html
    parsed = round_trip(text, build_marks([claim]))
    assert parsed.other_tags == []


def test_carriage_returns_survive_the_html_parser():
    text = "line one\r\nline two\rline three"
    html = render_segments(build_segments(text, build_marks([FakeClaim(1, 10, 18)])))
    # A literal CR would be folded into the LF by the parser, shifting every later offset.
    assert "\r" not in html and html.count("&#13;") == 2
    round_trip(text, build_marks([FakeClaim(1, 10, 18)]))


def test_astral_characters_keep_code_point_offsets():
    text = "𝔘𝔫𝔦 rose 😀 by 7%"
    claim = FakeClaim(1, text.index("rose"), len(text))
    parsed = round_trip(text, build_marks([claim]))
    assert parsed.spans[1][0] == text.index("rose")


def test_claim_attributes_are_escaped():
    hostile = FakeClaim(1, 0, 3, support='x" onclick="alert(1)', review_state="<b>")
    html = build_segments("abc", build_marks([hostile]))[0].render()
    assert 'onclick="' not in html and "<b>" not in html
    [(_, _, attrs)] = parse(html).spans
    assert attrs["class"] == 'cl sup-x" onclick="alert(1) st-<b>'


def test_each_claim_gets_one_tab_stop_where_it_starts():
    claims = [FakeClaim(1, 0, 8), FakeClaim(2, 2, 5)]
    html = render_segments(build_segments("0123456789", build_marks(claims)))
    assert html.count('tabindex="0"') == 2
    assert html.count('data-claim-start="1"') == 1 and html.count('data-claim-start="2"') == 1


def test_out_of_band_segments_carry_their_id():
    segment = build_segments("abc", build_marks([FakeClaim(4, 0, 3)]))[0]
    assert 'id="seg-0"' in segment.oob and 'hx-swap-oob="true"' in segment.oob
    assert "hx-swap-oob" not in segment.render()


def test_segments_in_picks_the_claim_segments_of_a_range():
    claims = [FakeClaim(1, 0, 4), FakeClaim(2, 6, 9)]
    segments = build_segments("0123456789", build_marks(claims))
    assert [(s.start, s.end) for s in markup.segments_in(segments, 0, 4)] == [(0, 4)]
    assert [(s.start, s.end) for s in markup.segments_in(segments, 3, 7)] == [(0, 4), (6, 9)]


def test_html_text_escapes_and_keeps_carriage_returns():
    assert markup.html_text("a < b & c\r\n") == "a &lt; b &amp; c&#13;\n"


# --- excerpts -------------------------------------------------------------------------------


def test_excerpt_snaps_to_words_and_says_when_it_clips():
    text = "alpha beta gamma delta epsilon zeta eta theta"
    start = text.index("delta")
    cut = excerpt(text, start, start + len("delta"), context=10)
    assert cut.match == "delta"
    assert cut.before == "gamma " and cut.after == " epsilon"
    assert cut.clipped_start and cut.clipped_end


def test_excerpt_of_a_short_text_is_the_whole_text():
    cut = excerpt("only this", 5, 9)
    assert (cut.before, cut.match, cut.after) == ("only ", "this", "")
    assert not cut.clipped_start and not cut.clipped_end
