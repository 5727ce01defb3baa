"""`load_demo` gives a fresh install the seed pair, pre-annotated, with what the workbench must
surface before anyone reads: the range-vs-figure and the misattributed study."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings

from annotations.models import (
    Article,
    Attribution,
    AuditEvent,
    Claim,
    Flag,
    Quantity,
    Verdict,
)
from claimreview.builder import build_claim_review
from claimreview.records import claimreview_org, review_record_for_claim
from claimreview.validation import validate_claim_review

pytestmark = [pytest.mark.django_db, pytest.mark.model]


@pytest.fixture(autouse=True)
def own_var_dir(settings, tmp_path):
    """The password file goes to this test's own folder, not the session's shared one (a
    production test checks that a refused load_demo leaves no such file there)."""
    settings.VAR_DIR = tmp_path


def _counts():
    return {
        m.__name__: m.objects.count()
        for m in (Article, Claim, Attribution, Flag, Quantity, Verdict, User, AuditEvent)
    }


@override_settings(DEBUG=True)  # load_demo refuses in production (tests/test_production.py)
def test_load_demo_loads_the_seed_pair_preannotated_and_is_idempotent(capsys):
    call_command("load_demo")
    first = _counts()
    out = capsys.readouterr().out
    call_command("load_demo")
    assert _counts() == first

    article = Article.objects.get()
    # One verdict is public, the other claims are still pending: in review, not "Published".
    assert article.status == Article.Status.IN_REVIEW
    assert article.sources.get().name == "CaliToday"
    flags = {f.type: f for f in Flag.objects.filter(claim__article=article)}
    assert "range_vs_point" in flags and "attribution_mismatch" in flags
    assert "5.6" in flags["range_vs_point"].article_text
    assert "9.8" in flags["range_vs_point"].source_text
    assert "Friedrich Naumann" in flags["attribution_mismatch"].article_text

    verdict = Verdict.objects.get()
    assert verdict.is_published and verdict.rating.label == "Mixed"
    assert len(verdict.claim_reviewed) < 75
    # Drafted and submitted by the reviewer, published by the editor.
    assert verdict.reviewer.username == "demo-reviewer"
    assert verdict.published_by.username == "demo-editor"
    verbs = AuditEvent.objects.filter(target_type="verdict").values_list("verb", flat=True)
    assert list(verbs.order_by("id")) == ["verdict.create", "verdict.submit", "verdict.publish"]
    # The claim was made by the outlet; the foundation it credits is what the check refutes.
    record = review_record_for_claim(verdict.claim_id)
    assert (record.speaker_name, record.speaker_type) == ("The Express Gazette", "Organization")
    review = build_claim_review(record, org=claimreview_org())
    assert review["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "The Express Gazette",
    }
    assert "Naumann" not in json.dumps(review["itemReviewed"])
    issues = validate_claim_review(review, site_domain=claimreview_org().domain)
    assert [i for i in issues if i.code == "missing-recommended"] == []
    assert issues == []

    passwords = json.loads((settings.VAR_DIR / "demo_credentials.json").read_text())
    for username, password in passwords.items():
        assert f"{username} / {password}" in out
        assert User.objects.get(username=username).check_password(password)
    assert User.objects.get(username="demo-reviewer").groups.filter(name="reviewer").exists()
    editor = User.objects.get(username="demo-editor")
    assert editor.is_staff and not editor.is_superuser
    assert editor.has_perm("annotations.publish_verdict")
    assert not editor.has_perm("auth.change_user") and not editor.has_perm("auth.change_group")


@override_settings(DEBUG=True)
def test_load_demo_demotes_an_old_superuser_demo_editor():
    User.objects.create_superuser("demo-editor", "", "old-password")
    call_command("load_demo")
    editor = User.objects.get(username="demo-editor")
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name="editor").exists()
