"""Input that used to slip through or confuse: a NUL pasted into the add form, more sources
than the limit on any path, and a lone surrogate in a batch line."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import services
from annotations.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

SOURCES = {"sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"}


def _add(client, **data):
    return client.post("/articles/new/", {**SOURCES, **data})


def test_a_nul_in_the_pasted_article_says_what_and_where(client, reviewer):
    client.force_login(reviewer)
    text = factories.ARTICLE_TEXT.replace("spent $4.2", "spent\x00 $4.2")
    response = _add(client, text=text)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The article text contains NUL characters" in page
    assert "the first on line 4" in page and "plain-text copy" in page
    assert "Paste the article text or upload a file" not in page  # the old, wrong headline
    assert not Article.objects.exists()


def test_a_nul_in_a_pasted_source_is_refused_the_same_way(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        "/articles/new/",
        {
            "text": factories.ARTICLE_TEXT,
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-text": "Audit Office (1/3/2026): budget\x00 was $3.9 million.",
        },
    )
    assert response.status_code == 400
    assert "The source text contains NUL characters" in response.content.decode()
    assert not Article.objects.exists()


def test_more_sources_than_the_limit_are_refused_on_the_form(client, reviewer):
    client.force_login(reviewer)
    n = services.MAX_SOURCES + 10
    data = {"text": factories.ARTICLE_TEXT, "sources-TOTAL_FORMS": str(n)}
    data["sources-INITIAL_FORMS"] = "0"
    data |= {f"sources-{i}-text": f"Source number {i} says the budget rose." for i in range(n)}
    response = client.post("/articles/new/", data)
    assert response.status_code == 400
    assert "Please submit at most 50 forms" in response.content.decode()
    assert not Article.objects.exists()


def test_more_sources_than_the_limit_are_refused_by_the_batch_and_the_service(tmp_path):
    sources = [{"text": f"Source {i} says so."} for i in range(services.MAX_SOURCES + 10)]
    line = {"title": "Too many", "text": factories.ARTICLE_TEXT, "sources": sources}
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="at most 50 sources; this one has 60"):
        call_command("import_batch", str(path), "--no-queue", stdout=StringIO())
    with pytest.raises(services.ServiceError, match="at most 50 sources"):
        factories.article(sources=[s["text"] for s in sources])
    assert not Article.objects.exists()
    factories.article(sources=[s["text"] for s in sources[: services.MAX_SOURCES]])
    assert Article.objects.get().sources.count() == services.MAX_SOURCES


def test_a_lone_surrogate_in_a_batch_is_a_clear_refusal_not_a_traceback(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text('{"title": "A", "text": "Bad \\ud800 text in a line."}\n')
    with pytest.raises(CommandError, match="Line 1: .*lone surrogates"):
        call_command("import_batch", str(path), "--no-queue", stdout=StringIO())
