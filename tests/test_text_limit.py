"""Accepted means annotated: an article of exactly FACTCHECK_MAX_TEXT_BYTES — twice spaCy's
max_length — is imported, pre-annotated by the real model and stored with exact offsets.

Kept tolerable by its content: each paragraph is one real sentence followed by long filler
words, so the text has the full length (what max_length is about) but only a few thousand
tokens to parse."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings

from annotations import services
from annotations.models import AnnotationRun, Claim, Entity, Quantity

pytestmark = [pytest.mark.slow, pytest.mark.model, pytest.mark.django_db]


def _text_at_the_limit(limit: int) -> str:
    parts = ["Road spending under scrutiny\n\n"]
    size, i = len(parts[0].encode()), 0
    while True:
        i += 1
        letters = "".join(chr(97 + int(c, 16)) for c in hashlib.sha1(str(i).encode()).hexdigest())
        filler = " ".join((letters * 20)[k : k + 380] for k in range(40))
        paragraph = (
            f"The council of district {i} spent ${i}.2 million on road repairs in 2025, "
            f"the mayor said. Archive {filler}.\n\n"
        )
        if size + len(paragraph.encode()) > limit:
            break
        parts.append(paragraph)
        size += len(paragraph.encode())
    text = "".join(parts)
    # the last bytes: one short sentence and padding, to land exactly on the limit
    closing = "The audit office confirmed the figures."
    pad = limit - size - len(closing.encode()) - 1
    return text + "x" * pad + "\n" + closing


def test_an_article_at_the_size_limit_is_annotated_with_exact_offsets():
    limit = settings.FACTCHECK_MAX_TEXT_BYTES
    body = _text_at_the_limit(limit)
    assert len(body.encode("utf-8")) == limit and len(body) > 1_000_000

    article = services.article_import(
        data=services.ArticleInput(title="A very long article", body=body), queue=False
    )
    run = services.run_execute(article_id=article.pk)

    assert run.status == AnnotationRun.Status.SUCCEEDED, run.error
    assert "E088" not in run.error
    claims = list(Claim.objects.filter(article=article))
    assert len(claims) > 100
    for claim in claims:
        assert body[claim.start : claim.end] == claim.text
    # entity and quantity rows keep the first 500 characters of their text
    for row in [*Entity.objects.filter(article=article), *Quantity.objects.filter(article=article)]:
        assert body[row.start : row.end][:500] == row.text
    assert max(c.start for c in claims) > 1_900_000, "claims come from the last windows too"
    assert any("audit office confirmed" in c.text for c in claims)
