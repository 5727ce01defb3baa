"""`load_demo` gives a fresh install the seed pair, pre-annotated, with what the workbench must
surface before anyone reads: the range-vs-figure and the misattributed study."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command

from annotations.models import (
    Article,
    Attribution,
    AuditEvent,
    Claim,
    Flag,
    Quantity,
    Verdict,
)
from claimreview.records import review_record_for_claim

pytestmark = [pytest.mark.django_db, pytest.mark.model]


def _counts():
    return {
        m.__name__: m.objects.count()
        for m in (Article, Claim, Attribution, Flag, Quantity, Verdict, User, AuditEvent)
    }


def test_load_demo_loads_the_seed_pair_preannotated_and_is_idempotent(capsys):
    call_command("load_demo")
    first = _counts()
    out = capsys.readouterr().out
    call_command("load_demo")
    assert _counts() == first

    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.sources.get().name == "CaliToday"
    flags = {f.type: f for f in Flag.objects.filter(claim__article=article)}
    assert "range_vs_point" in flags and "attribution_mismatch" in flags
    assert "5.6" in flags["range_vs_point"].article_text
    assert "9.8" in flags["range_vs_point"].source_text
    assert "Friedrich Naumann" in flags["attribution_mismatch"].article_text

    verdict = Verdict.objects.get()
    assert verdict.is_published and verdict.rating.label == "Mixed"
    assert len(verdict.claim.claim_reviewed) < 75
    record = review_record_for_claim(verdict.claim_id)
    assert (record.speaker_name, record.speaker_type) == (
        "Friedrich Naumann Foundation",
        "Organization",
    )

    passwords = json.loads((settings.VAR_DIR / "demo_credentials.json").read_text())
    for username, password in passwords.items():
        assert f"{username} / {password}" in out
        assert User.objects.get(username=username).check_password(password)
    assert User.objects.get(username="demo-reviewer").groups.filter(name="reviewer").exists()
