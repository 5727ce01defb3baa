"""Line endings are normalised once, in ``annotations.ingest.text``, whatever way a text comes
in — pasted in a form, uploaded, in a JSONL batch, from a file, through the service — so a
stored offset always indexes the stored text. (The admin console: tests/test_admin_publishing.)
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from annotations import services
from annotations.ingest.text import check_text, normalize_newlines
from annotations.models import Article
from annotations.spans import validate_span

pytestmark = pytest.mark.django_db

WINDOWS = (
    "Harbour Herald\r\nMonday, March 2, 2026\r\n\r\nPier costs rise\r\n\r\nThe pier cost $3m.\r\n"
)
OLD_MAC = WINDOWS.replace("\r\n", "\r")
UNIX = WINDOWS.replace("\r\n", "\n")
SOURCE = "Port Office (1/3/2026):\r\nThe pier cost $2.8m.\r\n"


def management() -> dict:
    return {
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "50",
    }


def stored() -> Article:
    article = Article.objects.get()
    assert article.body == UNIX
    assert article.sources.get().text == SOURCE.replace("\r\n", "\n")
    start = article.body.index("The pier cost $3m.")
    # An offset counted in the stored text picks out the same words.
    assert validate_span(article.body, start, start + 18) == "The pier cost $3m."
    return article


@pytest.mark.parametrize("text", [WINDOWS, OLD_MAC, UNIX])
def test_check_text_stores_every_line_ending_as_lf(text):
    assert check_text(text) == UNIX
    assert normalize_newlines(normalize_newlines(text)) == UNIX  # once or twice, the same


def test_the_service_normalises_what_any_caller_gives_it(db):
    services.article_import(
        data=services.ArticleInput(
            title="Pier", body=WINDOWS, sources=(services.SourceInput(text=SOURCE),)
        ),
        queue=False,
    )
    stored()


def test_a_text_pasted_in_the_form(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        "/articles/new/",
        {"text": WINDOWS, "sources-0-text": SOURCE, **management()},
    )
    assert response.status_code == 302
    article = stored()
    assert article.outlet == "Harbour Herald"  # the masthead is read from the stored text


def test_an_uploaded_file(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        "/articles/new/",
        {
            "file": SimpleUploadedFile("a.txt", WINDOWS.encode()),
            "sources-0-file": SimpleUploadedFile("s.txt", SOURCE.encode()),
            **management(),
        },
    )
    assert response.status_code == 302
    stored()


def test_a_jsonl_batch(client, reviewer):
    client.force_login(reviewer)
    row = json.dumps({"title": "Pier", "text": WINDOWS, "sources": [{"text": SOURCE}]})
    upload = SimpleUploadedFile("b.jsonl", (row + "\r\n").encode())
    response = client.post("/articles/batch/", {"batch-file": upload})
    assert response.status_code == 302
    stored()


def test_the_import_command(tmp_path):
    article, source = tmp_path / "a.txt", tmp_path / "s.txt"
    article.write_bytes(WINDOWS.encode())
    source.write_bytes(SOURCE.encode())
    call_command("import_article", str(article), "--source", str(source), "--no-queue")
    stored()
