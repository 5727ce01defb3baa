"""Published verdicts built through the real services, for the database-backed tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from annotations import services
from annotations.models import (
    Attribution,
    Claim,
    Entity,
    EvidenceLink,
    Rating,
    Verdict,
    VerdictRevision,
)
from tests import factories

CLAIM = "The city council spent $4.2 million on road repairs in 2025"


@pytest.fixture(autouse=True)
def claimreview_org_settings(settings):
    settings.FACTCHECK_ORG_NAME = "Example Fact Desk"
    settings.FACTCHECK_ORG_URL = "https://factcheck.example.org/"
    settings.FACTCHECK_SITE_URL = "https://factcheck.example.org"


@dataclass
class Published:
    verdict: Verdict
    claim: Claim
    editor: object


def rating(label: str) -> Rating:
    return Rating.objects.get(scale__is_default=True, label=label)


KINDS = {"PERSON": "Person", "ORG": "Organization"}


def publish_verdict(
    editor,
    *,
    article=None,
    needle: str = CLAIM,
    label: str = "Mostly false",
    rationale: str = "The audit office puts road spending at $3.9 million.",
    speaker: tuple[str, str | None] | None = ("the mayor", "PERSON"),
    claimant_is_speaker: bool = True,
    claim_reviewed: str = "",
    evidence: bool = True,
    publish: bool = True,
) -> Published:
    """An editor's verdict, published. With ``speaker`` the article attributes the claim to
    someone (an entity of kind ``speaker[1]`` when given), and the verdict names that speaker
    as the claimant when their kind is known and ``claimant_is_speaker``; else the outlet."""
    article = article or factories.article(
        outlet="The Daily Test",
        url="https://news.example.com/roads",
        title="Roads bill",
        published_on=date(2026, 3, 2),
    )
    claim = factories.claim(article, needle)
    claimant = None
    if speaker:
        name, label_ = speaker
        start = article.body.index(name)
        cue = article.body.index("said", start)
        attribution = services.attribution_add(
            article=article,
            actor=editor,
            speaker=(start, start + len(name)),
            cue=(cue, cue + 4),
            content=(claim.start, claim.end),
            claim=claim,
        )
        if label_:
            Entity.objects.create(
                article=article, start=start, end=start + len(name), text=name, label=label_
            )
            if claimant_is_speaker:
                claimant = services.ClaimantChoice(attribution.pk, KINDS[label_])
    evidence_ids = []
    if evidence:
        source = factories.first_source(article)
        passage = "The council's road budget was $3.9 million in 2025."
        begin = source.text.index(passage)
        link = EvidenceLink.objects.create(
            claim=claim, source=source, start=begin, end=begin + len(passage), text=passage
        )
        evidence_ids.append(link.pk)
    verdict = services.verdict_save(
        claim=claim,
        rating=rating(label),
        rationale=rationale,
        actor=editor,
        evidence_ids=evidence_ids,
        claim_reviewed=claim_reviewed,
        claimant=claimant,
    )
    if publish:
        verdict = services.verdict_publish(verdict=verdict, actor=editor)
    claim.refresh_from_db()
    return Published(verdict=verdict, claim=claim, editor=editor)


def legacy_wording(published: Published, wording: str) -> None:
    """Give the public revision a wording the services would refuse today (data published
    before the check existed), to exercise the surfaces' last line of defence."""
    VerdictRevision.objects.filter(pk=published.verdict.published_revision_id).update(
        claim_reviewed=wording
    )


@pytest.fixture
def published(editor) -> Published:
    return publish_verdict(editor)


__all__ = ["Attribution", "CLAIM", "Published", "legacy_wording", "publish_verdict", "rating"]
