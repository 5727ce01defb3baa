"""What the machine compared is stored and shown; reviewer-added claims get the same analysis."""

from __future__ import annotations

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from annotations import services
from annotations.models import AuditEvent, AuditVerb, Claim, EvidenceLink, Flag, Origin
from annotations.nlp import types as t
from annotations.services.analysis import claim_analyse, claim_analysis_send
from tests import factories

pytestmark = pytest.mark.django_db

BODY = (
    "Harbour Weekly\n\n"
    "The new ferry terminal in Oldport will cost $48 million, the port authority said. "
    "Construction is due to start in 2027.\n"
)
SOURCE = (
    "Port Authority (4/2/2026): The board approved the ferry terminal in Oldport. "
    "The terminal is budgeted at $36 million. Construction starts in 2027."
)


def stored_article(comparisons=(), flags=(), evidence=True):
    article = factories.article(body=BODY, sources=(SOURCE,))
    source = factories.first_source(article)
    sid = f"s{source.pk}"
    claim_text = "The new ferry terminal in Oldport will cost $48 million, the port authority said."
    start = BODY.index(claim_text)
    ev_text = "The terminal is budgeted at $36 million."
    ev_start = SOURCE.index(ev_text)
    found = t.Claim(
        id="c1",
        start=start,
        end=start + len(claim_text),
        text=claim_text,
        score=0.9,
        support="contradicted",
        evidence=(t.Evidence(sid, ev_start, ev_start + len(ev_text), ev_text, 0.41),)
        if evidence
        else (),
        flags=tuple(flags),
        comparisons=tuple(
            t.Comparison(
                c[0],
                c[1],
                c[2],
                c[3],
                sid if c[2] else None,
                SOURCE.index(c[2]) if c[2] else None,
                SOURCE.index(c[2]) + len(c[2]) if c[2] else None,
            )  # fmt: skip
            for c in comparisons
        ),
        support_scores=(("supported", 0.2), ("partly_supported", 0.5), ("not_found", 0.3)),
    )
    result = t.PreannotationResult(model="fake 0", article_length=len(BODY), claims=(found,))
    run = services.run_queue(article=article, actor=None)
    services.preannotation_store(article=article, run=run, result=result)
    return article, Claim.objects.get(article=article)


def test_comparisons_and_support_scores_are_stored_with_the_source_pk():
    article, claim = stored_article(
        comparisons=[
            ("money", "$48 million", "$36 million", "differs"),
            ("date", "2027", "2027", "consistent"),
        ]
    )
    source = factories.first_source(article)
    money, date = claim.comparisons
    assert money["summary"] == "$48 million (article) vs $36 million (source): differs"
    assert money["source"] == source.pk
    assert source.text[money["start"] : money["end"]] == "$36 million"
    assert date["outcome"] == "consistent"
    assert claim.support_scores["partly_supported"] == 0.5


def test_the_panel_and_check_these_first_show_what_was_compared(client, reviewer):
    article, claim = stored_article(
        comparisons=[
            ("money", "$48 million", "$36 million", "differs"),
            ("date", "2027", "2027", "consistent"),
        ],
        flags=[t.Flag("number_mismatch", "$48 million", "$36 million", "differs")],
    )
    client.force_login(reviewer)
    html = client.get(f"/articles/{article.pk}/?claim={claim.pk}").content.decode()
    assert "Compared with the sources" in html
    summary = "$48 million (article) vs $36 million (source): differs"
    assert html.count(summary) == 2  # in "Check these first" and in the claim panel
    assert "2027 (article) vs 2027 (source): consistent" in html
    assert 'class="comparison outcome-consistent"' in html


def test_not_found_beside_linked_passages_says_why_they_do_not_count(client, reviewer):
    why = "no passage of the cited sources addresses it: the closest passage covers only 9%"
    article, claim = stored_article(flags=[t.Flag("not_in_sources", "x", "", why)])
    client.force_login(reviewer)
    html = client.get(f"/claims/{claim.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Retrieved, but not counted as support: " + why in html


def test_no_caveat_when_the_claim_has_no_linked_passage(client, reviewer):
    article, claim = stored_article(
        flags=[t.Flag("not_in_sources", "x", "", "no passage")], evidence=False
    )
    client.force_login(reviewer)
    html = client.get(f"/claims/{claim.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "not counted as support" not in html
    assert "No evidence passage found in the sources." in html


def test_an_added_claim_is_analysed_once_committed(
    reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    article = factories.article(body=BODY, sources=(SOURCE,))
    sent = []
    monkeypatch.setattr(
        "annotations.services.review.claim_analysis_send", lambda claim_id: sent.append(claim_id)
    )
    needle = "The new ferry terminal in Oldport will cost $48 million"
    start = BODY.index(needle)
    with django_capture_on_commit_callbacks(execute=True):
        claim = services.claim_add(
            article=article, start=start, end=start + len(needle), actor=reviewer
        )
    assert sent == [claim.pk]


def test_an_unreachable_broker_does_not_break_adding_a_claim(monkeypatch):
    def down(*args, **kwargs):
        raise BrokerError("connection refused")

    monkeypatch.setattr("annotations.tasks.analyse_claim.delay", down)
    assert claim_analysis_send(claim_id=1) is False


@pytest.mark.model
def test_the_analysis_finds_the_clash_and_is_idempotent(reviewer):
    article = factories.article(body=BODY, sources=(SOURCE,))
    needle = "The new ferry terminal in Oldport will cost $48 million, the port authority said."
    start = BODY.index(needle)
    claim = services.claim_add(
        article=article, start=start, end=start + len(needle), actor=reviewer
    )
    claim_analyse(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.support == "contradicted"
    assert [f.type for f in claim.flags.all()] == ["number_mismatch"]
    summaries = [c["summary"] for c in claim.comparisons]
    assert "$48 million (article) vs $36 million (source): differs" in summaries
    assert claim.evidence.exists() and claim.version == 1  # the machine bumps no version
    first = (claim.evidence.count(), claim.flags.count(), claim.comparisons)

    flag = claim.flags.get()
    Flag.objects.filter(pk=flag.pk).update(dismissed_at=timezone.now(), dismiss_reason="checked")
    claim_analyse(claim_id=claim.pk)
    claim.refresh_from_db()
    assert (claim.evidence.count(), claim.comparisons) == (first[0], first[2])
    assert list(claim.flags.values_list("pk", flat=True)) == [flag.pk]  # not raised again
    assert AuditEvent.objects.filter(verb=AuditVerb.CLAIM_ANALYSE, target_id=claim.pk).count() == 2


def test_without_sources_the_added_claim_is_not_found_and_says_why(reviewer):
    article = factories.article(body=BODY, sources=())
    needle = "Construction is due to start in 2027."
    start = BODY.index(needle)
    claim = services.claim_add(
        article=article, start=start, end=start + len(needle), actor=reviewer
    )
    claim_analyse(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.support == "not_found"
    (flag,) = claim.flags.all()
    assert flag.type == "not_in_sources" and "cites no source" in flag.message


def test_evidence_a_verdict_cites_survives_a_new_analysis(reviewer):
    article = factories.article(body=BODY, sources=())
    claim = factories.claim(article, "Construction is due to start in 2027.")
    source = article.sources.create(name="Late source", text=SOURCE, position=1)
    link = EvidenceLink.objects.create(
        claim=claim, source=source, start=0, end=5, text=SOURCE[:5], origin=Origin.MACHINE
    )
    from annotations.services.analysis import _replace_machine_details

    kept = _replace_machine_details(claim)
    assert kept == set()  # not cited: replaced
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()
