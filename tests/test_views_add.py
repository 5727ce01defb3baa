"""Adding articles: one by paste or upload with its sources, or a JSONL batch that is
imported whole or not at all."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import AnnotationRun, Article, AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

SOURCE = "CaliToday (22/9/2025): The council's road budget was $3.9 million in 2025."


def html(response) -> str:
    return response.content.decode()


def management(total: int = 2) -> dict:
    return {
        "sources-TOTAL_FORMS": str(total),
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "50",
    }


def test_form_renders(client, reviewer):
    client.force_login(reviewer)
    body = html(client.get("/articles/new/"))
    assert 'name="sources-TOTAL_FORMS"' in body and 'id="source-template"' in body
    assert 'action="/articles/batch/"' in body


def test_paste_with_blank_title_takes_masthead_and_headline(client, reviewer):
    client.force_login(reviewer)
    text = factories.ARTICLE_TEXT.replace("\n", "\r\n")  # as a browser submits a textarea
    response = client.post(
        "/articles/new/",
        {"text": text, "sources-0-text": SOURCE, "sources-0-name": "Audit", **management()},
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    assert article.title == "Council spent $4.2 million on roads in 2025"
    assert article.outlet == "The Daily Test"
    assert article.published_on == date(2026, 3, 2)
    assert article.body == factories.ARTICLE_TEXT  # CR LF from the textarea undone
    assert [s.name for s in article.sources.all()] == ["Audit"]
    assert article.status == Article.Status.PREANNOTATING
    assert AnnotationRun.objects.filter(article=article).exists()
    assert AuditEvent.objects.filter(verb="article.import", actor=reviewer).exists()


def test_source_header_gives_name_and_date(client, reviewer):
    client.force_login(reviewer)
    client.post(
        "/articles/new/",
        {"title": "T", "text": factories.ARTICLE_TEXT, "sources-0-text": SOURCE, **management()},
    )
    source = Article.objects.get().sources.get()
    assert (source.name, source.published_on) == ("CaliToday", date(2025, 9, 22))


def test_upload_files(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        "/articles/new/",
        {
            "file": SimpleUploadedFile(
                "a.txt", "\ufeff".encode() + factories.ARTICLE_TEXT.encode()
            ),
            "sources-0-file": SimpleUploadedFile("s.txt", SOURCE.encode()),
            "sources-0-name": "Audit Office",
            **management(),
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.body == factories.ARTICLE_TEXT  # BOM dropped
    assert article.sources.get().text == SOURCE


def test_binary_upload_is_refused(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        "/articles/new/",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF\x00\x01\x02"), **management()},
    )
    assert response.status_code == 400
    assert "looks binary" in html(response)
    assert not Article.objects.exists()


def test_invalid_utf8_upload_is_refused(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        "/articles/new/",
        {"file": SimpleUploadedFile("a.txt", "caf\xe9".encode("latin-1")), **management()},
    )
    assert response.status_code == 400
    assert "not valid UTF-8" in html(response)


def test_nothing_given_is_refused(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/articles/new/", {"title": "x", **management()})
    assert response.status_code == 400
    assert "Paste the article text or upload a file" in html(response)


def test_duplicate_is_a_form_error_with_a_link(client, reviewer):
    existing = factories.article(body=factories.ARTICLE_TEXT)
    client.force_login(reviewer)
    response = client.post("/articles/new/", {"text": factories.ARTICLE_TEXT, **management()})
    assert response.status_code == 400
    assert f"already imported as article #{existing.pk}" in html(response)
    assert f'href="/articles/{existing.pk}/"' in html(response)
    assert Article.objects.count() == 1


def line(**fields) -> str:
    data = {"title": "A title", "text": "Some article text.", **fields}
    return json.dumps({k: v for k, v in data.items() if v is not ...})


def batch(client, *lines: str):
    content = "\n".join(lines).encode()
    return client.post("/articles/batch/", {"batch-file": SimpleUploadedFile("b.jsonl", content)})


def test_batch_imports_every_line(client, reviewer):
    client.force_login(reviewer)
    response = batch(
        client,
        line(
            title="One",
            text="First text.",
            outlet="Gazette",
            url="https://example.org/1",
            date="2026-01-27",
            sources=[{"name": "CaliToday", "text": "Source one.", "date": "2025-09-22"}],
        ),
        "",
        line(title="Two", text="Second text 😀 \u202eRTL"),
    )
    assert response.status_code == 302 and response["Location"] == "/"
    one, two = Article.objects.order_by("title")
    assert (one.title, one.outlet, one.published_on) == ("One", "Gazette", date(2026, 1, 27))
    assert one.sources.get().published_on == date(2025, 9, 22)
    assert two.body == "Second text 😀 \u202eRTL"
    assert AuditEvent.objects.filter(verb="article.batch_import").count() == 1


def test_bad_lines_reject_the_whole_batch_naming_each_line(client, reviewer):
    client.force_login(reviewer)
    response = batch(
        client,
        line(title="Good"),
        '{"title": "broken", ',
        line(title=..., text="No title here."),
        line(title="Bad date", text="x", date="27th of Jan"),
        line(title="Bad source", text="y", sources=[{"name": "no text"}]),
        line(title="Typo", text="z", titel="oops"),
        "[1, 2]",
        line(title="Bad url", text="w", url="not a url"),
    )
    assert response.status_code == 400
    body = html(response)
    assert "Nothing was imported: 7 bad line(s)." in body
    assert "Line 2: not valid JSON" in body
    assert "Line 3: “title” is missing or empty" in body
    assert "Line 4: “date” &#x27;27th of Jan&#x27; is not a date" in body
    assert "Line 5: source 1: “text” is missing or empty" in body
    assert "Line 6: unknown field(s) “titel”" in body
    assert "Line 7: must be a JSON object, got list" in body
    assert "Line 8: “url” &#x27;not a url&#x27; is not a valid URL" in body
    assert "Line 1" not in body
    assert not Article.objects.exists()


def test_duplicates_in_the_batch_or_the_database_reject_it(client, reviewer):
    factories.article(body="Already here.")
    client.force_login(reviewer)
    response = batch(
        client, line(title="A", text="Fresh."), line(title="B", text="Fresh."), line(text="x")
    )
    assert response.status_code == 400
    assert "Line 2: same article text as line 1" in html(response)

    response = batch(client, line(title="A", text="Fresh."), line(title="B", text="Already here."))
    assert response.status_code == 400
    body = html(response)
    assert "line(s) 2 were refused" in body and "already imported as article" in body
    assert Article.objects.count() == 1


def test_empty_batch_is_refused(client, reviewer):
    client.force_login(reviewer)
    response = batch(client, "", "  ")
    assert response.status_code == 400
    assert "is empty" in html(response) or "no articles" in html(response)
