"""Importing articles: metadata from the text, and every kind of bad input refused whole."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from annotations import services
from annotations.ingest.headers import parse_article_header
from annotations.ingest.text import TextInputError, decode_text
from annotations.models import Article, AuditEvent, Source

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed"
SEED_ARTICLE = SEED / "article_express_gazette_2026-01-27.txt"
SEED_SOURCE = SEED / "source_calitoday_2025-09-22.txt"


def test_seed_masthead_gives_outlet_date_and_headline():
    text = SEED_ARTICLE.read_text()
    header = parse_article_header(text)
    assert header.outlet == "The Express Gazette"
    assert header.published_on == date(2026, 1, 27)
    assert header.title.startswith("Study finds North Korea supplied Russia up to $9.8B")
    assert text[header.body_end :].strip() == "Sources"


def test_article_without_masthead_uses_first_line_as_title():
    header = parse_article_header("A plain headline\n\nBody text here.")
    assert header.title == "A plain headline"
    assert header.outlet == "" and header.published_on is None


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
    ],
)
def test_decode_text_refuses_bad_bytes(data, message):
    with pytest.raises(TextInputError, match=message):
        decode_text(data, label="upload")


def test_decode_text_enforces_the_size_limit():
    with pytest.raises(TextInputError, match="limit"):
        decode_text(b"a" * 101, max_bytes=100)


def test_decode_text_drops_a_byte_order_mark_and_stores_line_ends_as_lf():
    assert decode_text("\ufeffHéllo\r\nworld\n".encode()) == "Héllo\nworld\n"


@pytest.mark.django_db
def test_import_article_command_reads_masthead_and_source_header(tmp_path):
    call_command("import_article", str(SEED_ARTICLE), "--source", str(SEED_SOURCE), "--no-queue")
    article = Article.objects.get()
    assert article.outlet == "The Express Gazette"
    assert article.published_on == date(2026, 1, 27)
    assert article.body == SEED_ARTICLE.read_text()
    source = article.sources.get()
    assert (source.name, source.published_on) == ("CaliToday", date(2025, 9, 22))
    assert AuditEvent.objects.filter(verb="article.import", article=article).exists()


@pytest.mark.django_db
def test_reimporting_the_same_text_is_detected_not_duplicated():
    call_command("import_article", str(SEED_ARTICLE), "--no-queue")
    with pytest.raises(CommandError, match="already imported as article"):
        call_command("import_article", str(SEED_ARTICLE), "--no-queue")
    assert Article.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"\xff\xfe\xfa not utf8", "UTF-8"),
    ],
)
def test_import_article_refuses_bad_files_and_stores_nothing(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(path), "--no-queue")
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_import_article_refuses_a_20_mb_file(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Words and more words. " * (20_000_000 // 22 + 1))
    with pytest.raises(CommandError, match="limit is 2,000,000 bytes"):
        call_command("import_article", str(path), "--no-queue")
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_size_limit_is_configurable(tmp_path, settings):
    settings.FACTCHECK_MAX_TEXT_BYTES = 50
    path = tmp_path / "a.txt"
    path.write_text("A headline\n\n" + "x" * 60)
    with pytest.raises(CommandError, match="limit is 50 bytes"):
        call_command("import_article", str(path), "--no-queue")


@pytest.mark.django_db
def test_a_source_with_no_text_rejects_the_whole_import(tmp_path):
    empty = tmp_path / "empty_source.txt"
    empty.write_text("   \n")
    with pytest.raises(CommandError, match="empty"):
        call_command("import_article", str(SEED_ARTICLE), "--source", str(empty), "--no-queue")
    assert Article.objects.count() == 0 and Source.objects.count() == 0


@pytest.mark.django_db
def test_service_refuses_empty_source_text():
    data = services.ArticleInput(title="T", body="Body.", sources=(services.SourceInput(text=""),))
    with pytest.raises(services.ServiceError, match="source 1 is empty"):
        services.article_import(data=data, queue=False)
    assert Article.objects.count() == 0


def _batch(tmp_path, lines):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


GOOD = json.dumps(
    {
        "title": "One",
        "text": "First article text.",
        "date": "2026-01-02",
        "sources": [{"name": "S", "text": "Source text.", "date": "2025-12-31"}],
    }
)
GOOD2 = json.dumps(
    {"title": "Headline two", "text": "The Daily Test\nMonday, March 2, 2026\n\nSecond text."}
)


@pytest.mark.django_db
def test_import_batch_imports_every_line(tmp_path):
    call_command("import_batch", _batch(tmp_path, [GOOD, "", GOOD2]), "--no-queue")
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Headline two", "One"]
    one = Article.objects.get(title="One")
    assert one.published_on == date(2026, 1, 2)
    assert one.sources.get().published_on == date(2025, 12, 31)
    two = Article.objects.get(title="Headline two")  # outlet and date left blank: masthead
    assert (two.outlet, two.published_on) == ("The Daily Test", date(2026, 3, 2))


@pytest.mark.django_db
def test_a_malformed_batch_line_rejects_the_batch_naming_the_line(tmp_path):
    lines = [GOOD, '{"title": "broken", "text": ', GOOD2, json.dumps({"title": "no text"})]
    with pytest.raises(CommandError) as info:
        call_command("import_batch", _batch(tmp_path, lines), "--no-queue")
    message = str(info.value)
    assert message.startswith("Nothing was imported: 2 bad line(s).")
    assert "Line 2: not valid JSON" in message
    assert "Line 4: “text” is missing or empty" in message
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_duplicate_inside_a_batch_is_refused_naming_both_lines(tmp_path):
    with pytest.raises(CommandError, match="Line 2: same article text as line 1"):
        call_command("import_batch", _batch(tmp_path, [GOOD, GOOD]), "--no-queue")
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_text_already_in_the_database_rolls_back_earlier_lines(tmp_path):
    call_command("import_batch", _batch(tmp_path, [GOOD2]), "--no-queue")
    with pytest.raises(CommandError, match="Line 2: This text was already imported"):
        call_command("import_batch", _batch(tmp_path, [GOOD, GOOD2]), "--no-queue")
    assert list(Article.objects.values_list("title", flat=True)) == ["Headline two"]


@pytest.mark.django_db
def test_batch_with_bad_date_and_empty_source_is_reported(tmp_path):
    bad = json.dumps({"text": "x y z", "date": "yesterday", "sources": [{"text": ""}]})
    with pytest.raises(CommandError) as info:
        call_command("import_batch", _batch(tmp_path, [bad]), "--no-queue")
    message = str(info.value)
    assert "Line 1: “title” is missing or empty" in message
    assert "“date” 'yesterday' is not a date" in message
    assert "source 1: “text” is missing or empty" in message


@pytest.mark.django_db
def test_importing_enqueues_preannotation_only_on_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        "annotations.tasks.preannotate_article.delay", lambda *args: calls.append(args)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = services.article_import(
            data=services.ArticleInput(title="T", body="Some text."), queue=True
        )
    run = article.runs.get()
    assert (run.status, article.status) == ("queued", "preannotating")
    assert calls == [] and len(callbacks) == 1
    callbacks[0]()
    assert calls == [(article.pk, run.pk)]
