"""Hostile text must survive the builder, JSON and the HTML script block unchanged."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from claimreview.builder import build_claim_review
from claimreview.writers import dumps, iter_feed_chunks, iter_jsonl, json_for_script_tag

from .helpers import ORG, record

HOSTILE = [
    'He said "it\'s 100% true" \\ not',
    "</script><script>alert(1)</script>",
    "<!-- <script> -->",
    "Tom & Jerry > Itchy < Scratchy",
    "\u0627\u0644\u0645\u062f\u064a\u0631 \u202eRTL override\u202c and \u05e9\u05dc\u05d5\u05dd",
    "Emoji \U0001f4a9\U0001f1fa\U0001f1e6 family \U0001f468\u200d\U0001f469\u200d\U0001f467",
    "Combining e\u0301 and NUL-adjacent \u0001 control",
    "]]> ${template} {{ django }} {% tag %}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_survives_build_json_and_parse(text):
    rec = record(
        claim_reviewed=text,
        verdict_label="Misattributed",
        article_headline=text,
        outlet_name=text,
        speaker_name=text,
        rating_explanation=text,
    )
    built = build_claim_review(rec, org=ORG)
    assert built["claimReviewed"] == text
    assert built["itemReviewed"]["appearance"]["headline"] == text
    assert built["itemReviewed"]["author"]["name"] == text
    for serialised in (dumps(built), json.dumps(built), next(iter_jsonl([rec], org=ORG))):
        assert json.loads(serialised) == built
    feed = json.loads("".join(iter_feed_chunks([rec], org=ORG)))
    assert feed["dataFeedElement"][0]["item"]["claimReviewed"] == text


def test_line_breaks_in_one_line_fields_become_spaces_on_purpose():
    # claimReviewed and names are shown on one line; a span copied from an article body
    # may carry \n or U+2028, which would otherwise end up in search results.
    text = "Line\u2028separator and\nparagraph\u2029separator"
    built = build_claim_review(record(claim_reviewed=text), org=ORG)
    assert built["claimReviewed"] == "Line separator and paragraph separator"


@pytest.mark.parametrize("text", [*HOSTILE, "Line\u2028separator and paragraph\u2029separator"])
def test_script_tag_json_round_trips_and_cannot_break_out(text):
    obj = build_claim_review(record(claim_reviewed="Claim", article_headline="Headline"), org=ORG)
    obj["reviewRating"]["ratingExplanation"] = text  # unnormalised, straight into the JSON
    obj[text] = [text, {"nested": text}]
    escaped = json_for_script_tag(obj)
    assert json.loads(escaped) == obj
    lowered = escaped.lower()
    for forbidden in ("</script", "<!--", "<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in lowered


class _ScriptCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def test_an_html_parser_reads_back_the_same_object():
    text = "</script><!-- \u2028 & <b>"
    obj = build_claim_review(record(claim_reviewed=text), org=ORG)
    page = (
        '<html><body><script type="application/ld+json">'
        + json_for_script_tag(obj)
        + "</script><p>after</p></body></html>"
    )
    parser = _ScriptCollector()
    parser.feed(page)
    assert len(parser.scripts) == 1
    assert json.loads(parser.scripts[0]) == obj


def test_escaping_non_strings_is_identity():
    obj = {"a": [1, 2.5, True, None], "b": {"c": "plain"}}
    assert json_for_script_tag(obj) == dumps(obj)
