"""Attributions in news register: one test per report class the news gold covers, on sentences
written for these tests (not the gold's), with the real model; the false positives news brings
(datelines, note labels, hedges, nested reports); kinds, pronoun and relative-pronoun speakers."""

from __future__ import annotations

import pytest

from annotations.nlp.attributions import extract_attributions, line_attributions
from annotations.nlp.types import ATTRIBUTION_KINDS, Attribution

pytestmark = pytest.mark.model


def found(nlp, text: str) -> list[Attribution]:
    out = line_attributions(nlp, text)
    for a in out:
        for span in (a.speaker, a.cue, a.content, a.speaker_antecedent, *a.content_parts):
            if span is not None:
                assert text[span.start : span.end] == span.text
        assert a.kind in ATTRIBUTION_KINDS
    return out


def only(nlp, text: str) -> Attribution:
    out = found(nlp, text)
    assert len(out) == 1, [(a.speaker, a.cue.text, a.content.text) for a in out]
    return out[0]


def triple(a: Attribution) -> tuple[str | None, str, str]:
    return (a.speaker.text if a.speaker else None, a.cue.text, a.content.text)


# --------------------------------------------------------------------------- a name and a colon


def test_a_name_and_outlet_before_a_colon_introduce_a_quote(nlp):
    a = only(nlp, 'Mayor Tobias Wren, Harbour Radio: "The ferry will run all winter."')
    assert triple(a) == (
        "Mayor Tobias Wren, Harbour Radio",
        ":",
        '"The ferry will run all winter."',
    )
    assert a.direct and a.kind == "quote"


def test_a_bare_name_before_a_colon_introduces_a_quote(nlp):
    a = only(nlp, 'Senator Okafor: "This budget robs the north to pay the south."')
    assert a.speaker.text == "Senator Okafor" and a.cue.text == ":"


@pytest.mark.parametrize(
    "line",
    [
        "Editor's note: This article was updated to correct the mayor's title.",
        "The Latest: Storm closes schools across the region.",
        "Update: The road reopened at noon.",
    ],
)
def test_a_label_before_a_colon_is_no_speaker(nlp, line):
    assert found(nlp, line) == []


# --------------------------------------------------------------------------- asked, called


def test_asked_whether_reports_the_question(nlp):
    a = only(nlp, "Reporters asked whether the council would publish the audit.")
    assert triple(a) == ("Reporters", "asked", "whether the council would publish the audit")


def test_asked_somebody_to_act_reports_the_request_with_its_addressee(nlp):
    a = only(nlp, "The opposition asked the speaker to suspend the sitting.")
    assert a.content.text == "the speaker to suspend the sitting"


def test_a_fronted_asked_does_not_borrow_the_answering_speaker(nlp):
    out = found(nlp, "When asked about the loan, the minister said the terms were standard.")
    assert [triple(a) for a in out] == [("the minister", "said", "the terms were standard")]


def test_called_x_y_reports_the_name_given(nlp):
    a = only(nlp, 'The union called the offer "an insult to every nurse."')
    assert triple(a) == ("The union", "called", 'the offer "an insult to every nurse."')
    assert not a.direct and a.kind == "paraphrase"


def test_called_for_and_called_on_take_the_preposition_into_the_cue(nlp):
    a = only(nlp, "Campaigners called for an independent inquiry into the contract.")
    assert triple(a) == ("Campaigners", "called for", "an independent inquiry into the contract")
    b = only(nlp, "The premier called on landlords to freeze rents for a year.")
    assert triple(b) == ("The premier", "called on", "landlords to freeze rents for a year")


def test_calling_somebody_on_the_phone_is_no_report(nlp):
    assert found(nlp, "The council called the meeting to order at seven.") == []


# --------------------------------------------------------------------------- intentions


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "The health board plans to close two rural maternity units.",
            "plans",
            "to close two rural maternity units",
        ),
        (
            "The governor vowed to veto any bill that raised fuel taxes.",
            "vowed",
            "to veto any bill that raised fuel taxes",
        ),
        (
            "Opposition leaders pledged to reverse the cuts within 100 days.",
            "pledged",
            "to reverse the cuts within 100 days",
        ),
        (
            "The company promised that no jobs would be lost.",
            "promised",
            "that no jobs would be lost",
        ),
    ],
)
def test_commitments_are_intentions(nlp, text, cue, content):
    a = only(nlp, text)
    assert (a.cue.text, a.content.text, a.kind) == (cue, content, "intention")


def test_a_storm_threatening_towns_is_no_intention(nlp):
    assert found(nlp, "The storm threatened coastal towns overnight.") == []


# --------------------------------------------------------------------------- evidence


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        (
            "Polls show the governing party trailing by six points.",
            "Polls",
            "the governing party trailing by six points",
        ),
        (
            "Figures released on Monday suggest that exports fell for a third month.",
            "Figures released on Monday",
            "that exports fell for a third month",
        ),
        (
            "The data indicate a sharp rise in hospital admissions among children.",
            "The data",
            "a sharp rise in hospital admissions among children",
        ),
        (
            "Inflation eased to 3.1 percent in May, official data showed.",
            "official data",
            "Inflation eased to 3.1 percent in May",
        ),
    ],
)
def test_data_and_findings_are_evidence(nlp, text, speaker, content):
    a = only(nlp, text)
    assert (a.speaker.text, a.content.text, a.kind) == (speaker, content, "evidence")


def test_a_company_showing_a_profit_reports_nothing(nlp):
    assert found(nlp, "The company showed a profit of 3 million euros in the first half.") == []


def test_a_source_and_cue_after_a_comma_report_what_precedes_even_as_a_noun(nlp):
    # the tagger reads "show" as a noun here, object of "from"
    a = only(nlp, "Sales of diesel cars fell 18 percent, figures from the trade association show.")
    assert triple(a) == (
        "figures from the trade association",
        "show",
        "Sales of diesel cars fell 18 percent",
    )
    assert a.kind == "evidence"


# --------------------------------------------------------------------------- orders, rulings


def test_ordered_somebody_to_act(nlp):
    a = only(nlp, "A federal judge ordered the agency to restore the grants.")
    assert triple(a) == ("A federal judge", "ordered", "the agency to restore the grants")


def test_ruled_that(nlp):
    a = only(nlp, "The tribunal ruled that the dismissal had been unfair.")
    assert triple(a) == ("The tribunal", "ruled", "that the dismissal had been unfair")


# --------------------------------------------------------------------------- headlines


@pytest.mark.parametrize(
    ("line", "speaker", "cue", "content"),
    [
        ("Paper backs Ruiz in tight mayoral race", "Paper", "backs", "Ruiz in tight mayoral race"),
        (
            "Watchdog slams water firms over sewage spills",
            "Watchdog",
            "slams",
            "water firms over sewage spills",
        ),
        (
            "Tribunal orders insurer to repay flood victims",
            "Tribunal",
            "orders",
            "insurer to repay flood victims",
        ),
    ],
)
def test_a_report_verb_in_a_headline(nlp, line, speaker, cue, content):
    assert triple(only(nlp, line)) == (speaker, cue, content)


def test_a_headline_with_its_source_last(nlp):
    a = only(nlp, "Coffee drinkers live longer, Danish study suggests")
    assert triple(a) == ("Danish study", "suggests", "Coffee drinkers live longer")
    assert a.kind == "evidence"


def test_a_headline_without_a_report_verb_has_no_attribution(nlp):
    assert found(nlp, "Steelmaker to shut furnace as orders dry up") == []


# --------------------------------------------------------------------------- idioms


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The chancellor pointed out that borrowing had fallen for two years.", "pointed out"),
        ("The regulator made clear that the fines would stand.", "made clear"),
        ("The regulator made it clear that the fines would stand.", "made it clear"),
        ("She went on to say that the review would be published in June.", "went on to say"),
    ],
)
def test_idiomatic_report_phrases_are_one_cue(nlp, text, cue):
    a = only(nlp, text)
    assert a.cue.text == cue and a.content.text.startswith("that ")


def test_the_cue_keeps_auxiliaries_and_adverbs_before_its_verb(nlp):
    a = only(nlp, "The agency has also warned that stocks are running low.")
    assert a.cue.text == "has also warned"


# --------------------------------------------------------------------------- relative clauses


def test_a_report_in_a_relative_clause_speaks_through_the_relative_pronoun(nlp):
    out = found(
        nlp,
        "The minister, who said last week that the scheme was affordable, faced questions.",
    )
    assert len(out) == 1
    a = out[0]
    assert triple(a) == ("who", "said", "that the scheme was affordable")
    assert a.speaker_resolved == "The minister"
    assert a.speaker_antecedent is not None and a.speaker_antecedent.text == "The minister"


def test_a_reporting_relative_clause_is_not_part_of_the_main_speaker(nlp):
    out = found(nlp, "The agency, which has warned of shortages, said stocks were sufficient.")
    assert sorted(triple(a) for a in out) == [
        ("The agency", "said", "stocks were sufficient"),
        ("which", "has warned", "shortages"),
    ]


def test_a_describing_relative_clause_stays_in_the_speaker(nlp):
    a = only(nlp, "Dr. Ana Lima, who runs the clinic, said the unit would stay open.")
    assert a.speaker.text == "Dr. Ana Lima, who runs the clinic"


# --------------------------------------------------------------------------- unquoted content


def test_unquoted_content_without_a_complementiser(nlp):
    a = only(nlp, "Hospital chiefs say waiting times have stabilised.")
    assert triple(a) == ("Hospital chiefs", "say", "waiting times have stabilised")
    assert not a.direct


# --------------------------------------------------------------------------- pronouns


def test_it_resolves_to_the_body_that_spoke_before(nlp):
    text = (
        "The city council said on Friday that the bridge would reopen in March.\n"
        "It said repairs had cost 2 million euros."
    )
    second = found(nlp, text)[1]
    assert second.speaker.text == "It"
    assert second.speaker_resolved == "The city council"
    assert second.speaker_antecedent is not None
    assert second.speaker_antecedent.text == "The city council"


def test_she_resolves_to_the_named_person_and_keeps_the_surface_span(nlp):
    text = "Dr. Ines Carvalho led the trial.\nShe said the results were encouraging."
    a = only(nlp, text)
    assert a.speaker.text == "She" and a.speaker_resolved == "Ines Carvalho"


def test_it_is_no_speaker_of_an_event(nlp):
    assert found(nlp, "It is raining in the capital.") == []


# --------------------------------------------------------------------------- false positives


def test_a_dateline_is_no_speaker_and_no_content(nlp):
    a = only(
        nlp,
        "LONDON (AFP) - British retail sales rose 0.4 percent in October, the statistics office "
        "said.",
    )
    assert triple(a) == (
        "the statistics office",
        "said",
        "British retail sales rose 0.4 percent in October",
    )


def test_a_hedge_without_a_named_source_is_no_report(nlp):
    assert found(nlp, "The company is reportedly preparing to sell its Asian business.") == []


def test_a_hedged_report_with_a_source_is_marked_hedged(nlp):
    a = only(nlp, "The regulator reportedly told banks that the rules would change.")
    assert a.hedged and a.cue.text == "told"


def test_a_report_nested_in_another_is_part_of_its_content(nlp):
    a = only(nlp, "The ministry said the treasurer had told staff that bonuses would be cut.")
    assert triple(a) == (
        "The ministry",
        "said",
        "the treasurer had told staff that bonuses would be cut",
    )


def test_a_trailing_source_is_the_outer_report_even_when_parsed_inside(nlp):
    a = only(
        nlp,
        "Researchers at the institute found that the vaccine cut infections by half, the "
        "ministry said.",
    )
    assert a.speaker.text == "the ministry"
    assert a.content.text.startswith("Researchers at the institute found")


def test_two_reports_side_by_side_are_both_kept(nlp):
    out = found(
        nlp, "The group said it had filed a complaint, and its lawyer said the case was strong."
    )
    assert [a.speaker.text for a in out] == ["The group", "its lawyer"]


def test_a_quote_continued_in_the_next_sentence_is_one_attribution(nlp):
    a = only(nlp, '"We are not going anywhere," the coach said. "Not this season."')
    assert [p.text for p in a.content_parts] == [
        '"We are not going anywhere,"',
        '"Not this season."',
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Detectives questioned the driver for three hours.",
        "Police found the car near the border.",
        "The judge ruled out a retrial on procedural grounds.",
    ],
)
def test_report_verbs_in_other_senses_are_no_reports(nlp, text):
    assert found(nlp, text) == []


def test_extract_attributions_alone_returns_kinds(nlp):
    doc = nlp("The survey found that most voters backed the plan.")
    (a,) = extract_attributions(doc)
    assert a.kind == "evidence"


# ------------------------------------------------------------------ beliefs and restatements


@pytest.mark.parametrize(
    ("line", "speaker", "cue"),
    [
        (
            "The central bank expects that inflation will ease by spring.",
            "The central bank",
            "expects",
        ),
        ("Farmers fear the new tariff will close their export markets.", "Farmers", "fear"),
        (
            "The minister reiterated that no school would close this year.",
            "The minister",
            "reiterated",
        ),
        ("Analysts suspect the merger was agreed months ago.", "Analysts", "suspect"),
    ],
)
def test_a_belief_or_restatement_with_a_clause_is_a_report(nlp, line, speaker, cue):
    a = only(nlp, line)
    assert a.speaker is not None and a.speaker.text == speaker
    assert a.cue.text == cue
    assert a.kind == "paraphrase"


@pytest.mark.parametrize(
    "line",
    [
        "The storm led residents to fear that the bridge would fail.",  # borrowed subject
        "She knew the road well and feared the worst.",  # nominal objects, no clause
        "We hope so.",
    ],
)
def test_a_belief_without_its_own_subject_and_clause_is_not_a_report(nlp, line):
    assert found(nlp, line) == []


# ----------------------------------------------------------- nouns and adjectives carrying a report


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "The mayor's claim that crime had halved drew loud objections.",
            ("The mayor", "claim", "that crime had halved"),
        ),
        (
            "The treasurer's view is that the fund cannot cover another deficit.",
            ("The treasurer", "view", "that the fund cannot cover another deficit"),
        ),
        (
            "The union made the argument that wages had fallen for a decade.",
            ("The union", "argument", "that wages had fallen for a decade"),
        ),
        (
            "Growers are worried that the frost will ruin the harvest.",
            ("Growers", "are worried", "that the frost will ruin the harvest"),
        ),
        (
            "Engineers remain confident the dam will hold.",
            ("Engineers", "remain confident", "the dam will hold"),
        ),
    ],
)
def test_a_report_noun_or_stance_adjective_with_a_holder_and_a_clause(nlp, line, expected):
    a = only(nlp, line)
    assert triple(a) == expected
    assert a.kind == "paraphrase"


@pytest.mark.parametrize(
    "line",
    [
        "The claim that crime had halved was false.",  # nobody's claim
        "It is certain that the road will close.",  # no holder
        "The council's claim to the land was rejected.",  # no clause
        "Residents were worried about the noise.",  # no clause
    ],
)
def test_a_report_noun_or_adjective_without_holder_or_clause_is_not_a_report(nlp, line):
    assert found(nlp, line) == []
