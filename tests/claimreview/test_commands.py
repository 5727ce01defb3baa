"""export_claimreview, validate_claimreview and import_claimreview (database-backed)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations.models import AuditEvent, Claim, Entity, Verdict
from claimreview.validation import validate_document
from tests import factories

from .conftest import CLAIM, legacy_wording, publish_verdict
from .helpers import VECTORS_DIR, load_vector, vector_files

pytestmark = pytest.mark.django_db

VALID = ["valid_full.jsonld", "valid_minimal_required_only.jsonld"]
WARN = "warn_claimReviewed_contains_rating_and_over_75_chars.jsonld"
INVALID = sorted(p.name for p in vector_files() if p.name.startswith("invalid_"))


def run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_failing(*args, **options) -> tuple[str, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as info:
        call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue(), str(info.value)


# ---- export


def test_export_feed_to_a_file(tmp_path, editor):
    first = publish_verdict(editor)
    publish_verdict(editor, label="False", speaker=None)
    publish_verdict(editor, publish=False)
    target = tmp_path / "out" / "feed.jsonld"
    _out, err = run("export_claimreview", "--out", str(target))
    feed = json.loads(target.read_text(encoding="utf-8"))
    assert feed["@type"] == "DataFeed"
    assert len(feed["dataFeedElement"]) == 2
    assert feed["dataFeedElement"][0]["item"]["identifier"] == str(first.claim.pk)
    assert all(r.ok for r in validate_document(feed, site_domain="factcheck.example.org"))
    assert "exported 2 ClaimReview(s)" in err and "0 refused" in err
    assert [p.name for p in target.parent.iterdir()] == ["feed.jsonld"]  # no temp file left


def test_export_jsonl_to_stdout_filtered_by_article(editor):
    wanted = publish_verdict(editor)
    publish_verdict(editor)
    out, _err = run(
        "export_claimreview", "--format", "jsonl", "--article", str(wanted.claim.article_id)
    )
    lines = out.splitlines()
    assert len(lines) == 1
    review = json.loads(lines[0])
    assert review["@context"] == "https://schema.org"
    assert review["claimReviewed"] == CLAIM


def test_export_since(editor):
    old = publish_verdict(editor)
    Verdict.objects.filter(pk=old.verdict.pk).update(published_at="2020-01-01T00:00:00Z")
    publish_verdict(editor)
    out, _ = run("export_claimreview", "--format", "jsonl", "--since", "2021-01-01")
    assert len(out.splitlines()) == 1
    out, _ = run("export_claimreview", "--format", "jsonl", "--since", "2019-12-31T23:00:00+00:00")
    assert len(out.splitlines()) == 2
    *_, message = run_failing("export_claimreview", "--since", "yesterday")
    assert "ISO 8601" in message


def test_export_refuses_and_reports_a_record_that_would_be_wrong(tmp_path, editor):
    good = publish_verdict(editor, speaker=None)
    body = "The Daily Test\n\nThe minister said the figures were false, the mayor said.\n"
    bad = publish_verdict(
        editor,
        article=factories.article(body=body),
        needle="The minister said the figures were false",
        label="False",
        speaker=None,
        evidence=False,
        claim_reviewed="The minister disputed the figures",
    )
    legacy_wording(bad, "The minister said the figures were false")
    target = tmp_path / "feed.jsonl"
    _out, err, message = run_failing(
        "export_claimreview", "--format", "jsonl", "--out", str(target)
    )
    assert f"refused claim {bad.claim.pk}" in err
    assert "verdict label" in err
    assert "1 record(s) refused" in message
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["identifier"] for line in lines] == [str(good.claim.pk)]


def test_export_refuses_what_the_validator_rejects(monkeypatch, editor):
    """The validator is a second gate behind the builder: its errors refuse the record."""
    import claimreview.management.commands.export_claimreview as export_module
    from claimreview.validation import validate_claim_review

    def strict_elsewhere(review, **kwargs):
        return validate_claim_review(review, **dict(kwargs, site_domain="elsewhere.example"))

    monkeypatch.setattr(export_module, "validate_claim_review", strict_elsewhere)
    pub = publish_verdict(editor)
    out, err, message = run_failing("export_claimreview", "--format", "jsonl")
    assert out == ""
    assert f"refused claim {pub.claim.pk}" in err and "[url-off-domain]" in err
    assert "1 record(s) refused" in message


# ---- validate


@pytest.mark.parametrize("name", VALID + [WARN])
def test_validate_passes_valid_and_warned_files(name):
    out, _ = run("validate_claimreview", str(VECTORS_DIR / name))
    assert "0 invalid" in out
    if name == WARN:
        assert "[claimReviewed-too-long]" in out
        assert "[claimReviewed-contains-rating]" in out


@pytest.mark.parametrize("name", INVALID)
def test_validate_fails_each_invalid_file_naming_the_problem(name):
    out, _err, message = run_failing("validate_claimreview", str(VECTORS_DIR / name))
    assert "INVALID" in out and message == "1 invalid record(s)"
    expected = {
        "invalid_context_not_schema_org.jsonld": "[context-not-schema-org]",
        "invalid_missing_alternateName.jsonld": "$.reviewRating.alternateName",
        "invalid_property_case_Name.jsonld": "[property-case]",
        "invalid_ratingValue_out_of_range.jsonld": "[rating-out-of-range]",
        "invalid_type_without_at.jsonld": "[type-without-at]",
        "invalid_url_shortener_or_offdomain.jsonld": "[url-shortener]",
    }[name]
    assert expected in out


def test_validate_reports_per_record_in_jsonl(tmp_path):
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(load_vector(p.name)) for p in vector_files()]
    path.write_text("\n".join(lines) + "\n{broken\n", encoding="utf-8")
    out, _err, message = run_failing("validate_claimreview", str(path), "--errors-only")
    assert message == f"{len(INVALID) + 1} invalid record(s)"
    assert "line 10" in out and "[invalid-json]" in out
    assert "[claimReviewed-too-long]" not in out  # --errors-only


def test_validate_a_feed_file_and_a_missing_file(tmp_path, editor):
    publish_verdict(editor)
    target = tmp_path / "feed.json"
    run("export_claimreview", "--out", str(target))
    out, _ = run("validate_claimreview", str(target), "--site-domain", "factcheck.example.org")
    assert "1 record(s): 1 valid" in out
    *_, message = run_failing("validate_claimreview", str(tmp_path / "nope.json"))
    assert "cannot read" in message


# ---- import


def test_import_valid_vectors_with_warnings_reported(editor):
    for name in VALID:
        out, _err = run("import_claimreview", str(VECTORS_DIR / name), "--user", editor.username)
        assert "imported 1" in out
    out, err = run("import_claimreview", str(VECTORS_DIR / WARN), "--user", editor.username)
    assert "imported 1" in out and "[claimReviewed-too-long]" in err
    assert Verdict.objects.count() == 3
    assert not Verdict.objects.filter(is_published=True).exists()  # not ours to publish
    assert AuditEvent.objects.filter(verb="claimreview.import").count() == 3


@pytest.mark.parametrize("name", INVALID)
def test_import_refuses_and_reports_each_invalid_vector(editor, name):
    out, err, message = run_failing(
        "import_claimreview", str(VECTORS_DIR / name), "--user", editor.username
    )
    assert "refused, invalid ClaimReview" in err
    assert "refused 1" in out and "1 record(s) refused" in message
    assert Claim.objects.count() == 0


def test_import_a_list_reports_every_invalid_record_and_imports_the_rest(tmp_path, editor):
    path = tmp_path / "all.json"
    path.write_text(json.dumps([load_vector(p.name) for p in vector_files()]), encoding="utf-8")
    out, err, _ = run_failing("import_claimreview", str(path), "--user", editor.username)
    assert f"imported {len(VALID) + 1}, already imported 0, refused {len(INVALID)}" in out
    assert err.count("refused, invalid ClaimReview") == len(INVALID)


def test_import_is_idempotent(editor):
    path = str(VECTORS_DIR / "valid_full.jsonld")
    run("import_claimreview", path, "--user", editor.username)
    out, _ = run("import_claimreview", path, "--user", editor.username)
    assert "imported 0, already imported 1" in out
    assert Verdict.objects.count() == 1


def test_import_maps_ratings_onto_our_scale(editor):
    run("import_claimreview", str(VECTORS_DIR / "valid_full.jsonld"), "--user", editor.username)
    run(
        "import_claimreview",
        str(VECTORS_DIR / "valid_minimal_required_only.jsonld"),
        "--user",
        editor.username,
    )
    # "Misattributed" 2 on [1, 5] -> our 2 ("Mostly false"); "False" is our label.
    assert sorted(Verdict.objects.values_list("rating__label", flat=True)) == [
        "False",
        "Mostly false",
    ]


def test_import_refuses_an_unplaceable_rating(tmp_path, editor):
    doc = load_vector("valid_minimal_required_only.jsonld")
    doc["reviewRating"]["alternateName"] = "Spicy"
    path = tmp_path / "spicy.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    _out, err, _ = run_failing("import_claimreview", str(path), "--user", editor.username)
    assert "cannot be placed on the scale" in err
    assert Claim.objects.count() == 0


def test_import_accepts_legacy_shapes_with_a_warning(tmp_path, editor):
    doc = load_vector("valid_full.jsonld")
    doc["@type"] = ["Review", "ClaimReview"]
    doc["itemReviewed"] = {
        "@type": "CreativeWork",
        "url": "https://news.example.com/legacy",
        "author": {"@type": "Person", "name": "Old Speaker"},
        "datePublished": "2019-05-01",
    }
    path = tmp_path / "legacy.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out, err = run("import_claimreview", str(path), "--user", editor.username)
    assert "[legacy-type-list]" in err and "[legacy-itemReviewed-type]" in err
    claim = Claim.objects.get()
    assert claim.article.url == "https://news.example.com/legacy"
    assert claim.attributions.get().speaker_text == "Old Speaker"


def test_import_needs_a_reviewer_and_publishing_needs_an_editor(reviewer, outsider):
    path = str(VECTORS_DIR / "valid_full.jsonld")
    _out, err, _ = run_failing("import_claimreview", path, "--user", outsider.username)
    assert "Only reviewers" in err
    _out, err, _ = run_failing("import_claimreview", path, "--user", reviewer.username, "--publish")
    assert "Only editors" in err
    assert Claim.objects.count() == 0
    *_, message = run_failing("import_claimreview", path, "--user", "nobody")
    assert "no user" in message


def test_import_dry_run_writes_nothing(editor):
    out, _ = run(
        "import_claimreview",
        str(VECTORS_DIR / "valid_full.jsonld"),
        "--user",
        editor.username,
        "--dry-run",
    )
    assert "would import 1" in out and "Mostly false" in out
    assert Claim.objects.count() == 0


def _modelled(review: dict) -> dict:
    """The parts of a ClaimReview our data model keeps."""
    item = review.get("itemReviewed", {})
    appearance = item.get("appearance", {})
    rating = review["reviewRating"]
    return {
        "claimReviewed": review["claimReviewed"],
        "date": review.get("datePublished", "")[:10],
        "ratingValue": rating.get("ratingValue"),
        "bestRating": rating.get("bestRating"),
        "worstRating": rating.get("worstRating"),
        "claim_author": item.get("author"),
        "claim_date": item.get("datePublished"),
        "appearance_url": appearance.get("url") if isinstance(appearance, dict) else appearance,
    }


@pytest.mark.parametrize("fmt", ["jsonl", "feed"])
def test_round_trip_import_then_export_keeps_every_modelled_field(tmp_path, editor, fmt):
    source = load_vector("valid_full.jsonld")
    out, _ = run(
        "import_claimreview",
        str(VECTORS_DIR / "valid_full.jsonld"),
        "--user",
        editor.username,
        "--publish",
    )
    assert "(published)" in out
    target = tmp_path / "export.out"
    run("export_claimreview", "--format", fmt, "--out", str(target))
    [result] = validate_document(target.read_text(encoding="utf-8"))
    assert result.ok, result.issues
    exported = dict(result.node, **{"@context": "https://schema.org"})
    assert _modelled(exported) == _modelled(source)
    # Ours, not theirs: the review now lives on our site under our name.
    assert exported["url"].startswith("https://factcheck.example.org/factchecks/")
    assert exported["author"]["name"] == "Example Fact Desk"
    assert Entity.objects.get().label == "ORG"


def test_round_trip_of_every_valid_vector_through_jsonl(tmp_path, editor):
    path = tmp_path / "valid.jsonl"
    path.write_text(
        "".join(json.dumps(load_vector(name)) + "\n" for name in VALID), encoding="utf-8"
    )
    run("import_claimreview", str(path), "--user", editor.username, "--publish")
    target = tmp_path / "again.jsonl"
    run("export_claimreview", "--format", "jsonl", "--out", str(target))
    # Publication order: valid_full keeps its 2026-11-20 date, minimal has none (now).
    exported = [r.node for r in validate_document(target.read_text(encoding="utf-8"))]
    assert len(exported) == len(VALID)
    for name, again in zip(VALID, exported, strict=True):
        for key, value in _modelled(load_vector(name)).items():
            if value not in (None, ""):
                assert _modelled(again)[key] == value, (name, key)
    # A textual rating we know keeps its label.
    assert exported[1]["reviewRating"]["alternateName"] == "False"
