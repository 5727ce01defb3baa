"""A seed-like article with machine annotations, built through the import service and small
ORM helpers (standing in for the NLP pipeline, which these tests do not depend on).

Shared by the view tests and the browser tests so both look at the same page; it lives at
the top of tests/ so unit tests never import from the browser suite.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations import services
from annotations.models import (
    Article,
    Attribution,
    AuditVerb,
    Claim,
    Entity,
    EvidenceLink,
    Flag,
    Quantity,
    Source,
)
from tests import factories

ARTICLE = "\n".join(
    [
        "The Express Gazette",
        "Tuesday, January 27, 2026",
        "",
        (
            "Study finds North Korea supplied Russia up to $9.8B in arms as Moscow provides "
            "limited aid"
        ),
        "",
        (
            "A Friedrich Naumann Foundation study concludes that since 2023, North Korea has "
            "delivered arms to Russia valued at between 5.6 and 9.8 billion USD to support "
            "Russia's war in Ukraine, while Moscow's reciprocal aid to Pyongyang has been "
            "limited to food, oil, and air-defense systems with a maximum reported value of "
            "about 1.19 billion USD."
        ),
        "",
        (
            "Shipments from North Korea include millions of artillery shells, in addition to "
            "the deployment of roughly 15,000 North Korean soldiers. The report notes that "
            "North Korea supplied weapons since 2023 to help sustain Russia's military "
            "operations."
        ),
        "",
        (
            "Earlier this year, Ukraine's military intelligence chief, Lieutenant General "
            "Kyrylo Budanov, publicly raised concerns that Russia is assisting North Korea in"
            " modernizing its nuclear weapons program."
        ),
        "",
    ]
)
SOURCE = "\n".join(
    [
        (
            'CaliToday (22/9/2025): Despite the public rhetoric of "brotherly camaraderie," '
            "North Korea is reportedly furious over Russia's slow and inadequate "
            "reciprocation for its massive military aid."
        ),
        (
            "According to the study, authored by researcher Elena Guseynova from the Hankuk "
            "University of Foreign Studies, North Korea has provided Russia with a staggering"
            " $9.8 billion worth of weapons, ammunition, and even soldiers."
        ),
        (
            "In return, Moscow has reportedly provided only a fraction of the value in aid, "
            "consisting of food, oil, and a small amount of equipment, estimated to be worth "
            "no more than $1.2 billion."
        ),
        "",
    ]
)


def span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


@dataclass
class Seed:
    article: Article
    source: Source
    arms: Claim  # partly supported, with a flag, evidence and an attribution
    aid: Claim  # contradicted, with a flag
    soldiers: Claim  # not found
    budanov: Claim  # attributed, pending
    attribution: Attribution


def _claim(article: Article, needle: str, score: float = 0.8, **extra) -> Claim:
    claim = factories.claim(article, needle, **extra)
    if score != claim.score:
        claim.score = score
        claim.save(update_fields=["score"])
    return claim


def _attribution(article: Article, claim: Claim, speaker: str, cue: str, content: str, **extra):
    body = article.body
    sp = span(body, speaker) if speaker else None
    cu = span(body, cue)
    ct = span(body, content)
    return Attribution.objects.create(
        article=article,
        claim=claim,
        speaker_start=sp[0] if sp else None,
        speaker_end=sp[1] if sp else None,
        speaker_text=speaker,
        cue_start=cu[0],
        cue_end=cu[1],
        cue_text=cue,
        content_start=ct[0],
        content_end=ct[1],
        content_text=content,
        **extra,
    )


def build(body: str = ARTICLE, source_text: str = SOURCE, title: str = "") -> Seed:
    header_title = body.splitlines()[3] if len(body.splitlines()) > 3 else "Seed article"
    article = factories.article(
        body=body, title=title or header_title, sources=(source_text,), outlet="The Express Gazette"
    )
    source = factories.first_source(article)
    source.name = "CaliToday"
    source.save(update_fields=["name"])

    arms = _claim(
        article,
        "North Korea has delivered arms to Russia valued at between 5.6 and 9.8 billion USD",
        support="partly_supported",
        kinds=["numeric", "attributed"],
    )
    aid = _claim(
        article,
        "Moscow's reciprocal aid to Pyongyang has been limited to food, oil, and air-defense "
        "systems with a maximum reported value of about 1.19 billion USD",
        support="contradicted",
        kinds=["numeric"],
        score=0.74,
    )
    soldiers = _claim(
        article,
        "the deployment of roughly 15,000 North Korean soldiers",
        support="not_found",
        kinds=["numeric"],
        score=0.61,
    )
    budanov = _claim(
        article,
        "Russia is assisting North Korea in modernizing its nuclear weapons program",
        support="not_found",
        kinds=["attributed"],
        score=0.55,
    )

    s, e = span(source.text, "North Korea has provided Russia with a staggering $9.8 billion worth")
    EvidenceLink.objects.create(
        claim=arms, source=source, start=s, end=e, text=source.text[s:e], score=0.81
    )
    s, e = span(source.text, "estimated to be worth no more than $1.2 billion")
    EvidenceLink.objects.create(
        claim=aid, source=source, start=s, end=e, text=source.text[s:e], score=0.66
    )
    Flag.objects.create(
        claim=arms,
        type=Flag.Type.RANGE_VS_POINT,
        article_text="between 5.6 and 9.8 billion USD",
        source_text="$9.8 billion",
        message="The article gives a range; the source gives only the upper figure.",
    )
    Flag.objects.create(
        claim=aid,
        type=Flag.Type.NUMBER_MISMATCH,
        article_text="about 1.19 billion USD",
        source_text="no more than $1.2 billion",
        message="The figures differ.",
    )

    attribution = _attribution(
        article,
        arms,
        "A Friedrich Naumann Foundation study",
        "concludes",
        "since 2023, North Korea has delivered arms to Russia valued at between 5.6 and 9.8 "
        "billion USD",
    )
    _attribution(
        article,
        budanov,
        "Ukraine's military intelligence chief",
        "raised concerns",
        "Russia is assisting North Korea in modernizing its nuclear weapons program",
    )
    for needle, label in [
        ("Friedrich Naumann Foundation", "ORG"),
        ("Kyrylo Budanov", "PERSON"),
        ("North Korea", "GPE"),
        ("Pyongyang", "GPE"),
    ]:
        s, e = span(article.body, needle)
        Entity.objects.create(article=article, start=s, end=e, text=needle, label=label)
    for needle, kind in [
        ("between 5.6 and 9.8 billion USD", "money"),
        ("about 1.19 billion USD", "money"),
        ("roughly 15,000", "count"),
        ("2023", "date"),
    ]:
        s, e = span(article.body, needle)
        Quantity.objects.create(article=article, start=s, end=e, text=needle, kind=kind)
    services.article_set_status(
        article=article,
        status=Article.Status.READY,
        actor=None,
        verb=AuditVerb.PREANNOTATION_STORE,
    )
    article.refresh_from_db()
    return Seed(article, source, arms, aid, soldiers, budanov, attribution)


def source_attribution(seed: Seed, *, with_speaker: bool = True) -> Attribution:
    """The source's "According to the study, … $9.8 billion" report, unlinked to any claim
    as the pipeline leaves source attributions."""
    text = seed.source.text
    cue = span(text, "According to")
    content = span(text, "North Korea has provided Russia with a staggering $9.8 billion")
    speaker = span(text, "the study") if with_speaker else (None, None)
    return Attribution.objects.create(
        article=seed.article,
        source=seed.source,
        speaker_start=speaker[0],
        speaker_end=speaker[1],
        speaker_text="the study" if with_speaker else "",
        cue_start=cue[0],
        cue_end=cue[1],
        cue_text="According to",
        content_start=content[0],
        content_end=content[1],
        content_text=text[content[0] : content[1]],
    )


def many_claims(n: int) -> Article:
    """An article with ``n`` claims (one per sentence), each with a flag and evidence."""
    sentence = "The council spent {i} million on item {i} in 2025, the audit office said. "
    body = "Synthetic Daily\nMonday, March 2, 2026\n\nA long synthetic article\n\n" + "".join(
        sentence.format(i=i) for i in range(n)
    )
    article = factories.article(body=body, title=f"Synthetic article with {n} claims")
    source = factories.first_source(article)
    claims, cursor = [], 0
    for i in range(n):
        needle = f"The council spent {i} million on item {i} in 2025"
        s, e = span(body, needle, cursor)
        cursor = e
        claims.append(
            Claim(article=article, start=s, end=e, text=needle, score=0.7, kinds=["numeric"])
        )
    Claim.objects.bulk_create(claims)
    flags, evidence, attributions, quantities = [], [], [], []
    for claim in claims:
        flags.append(Flag(claim=claim, type="number_mismatch", article_text="x", source_text="y"))
        evidence.append(
            EvidenceLink(claim=claim, source=source, start=0, end=12, text=source.text[:12])
        )
        cue_s = body.index("said", claim.end)
        attributions.append(
            Attribution(
                article=article,
                claim=claim,
                speaker_start=cue_s - 18,
                speaker_end=cue_s - 1,
                speaker_text=body[cue_s - 18 : cue_s - 1],
                cue_start=cue_s,
                cue_end=cue_s + 4,
                cue_text="said",
                content_start=claim.start,
                content_end=claim.end,
                content_text=claim.text,
            )
        )
        q = body.index("million", claim.start)
        quantities.append(
            Quantity(
                article=article, start=q - 2, end=q + 7, text=body[q - 2 : q + 7], kind="money"
            )
        )
    Flag.objects.bulk_create(flags)
    EvidenceLink.objects.bulk_create(evidence)
    Attribution.objects.bulk_create(attributions)
    Quantity.objects.bulk_create(quantities)
    return article
