"""A real Celery worker process pre-annotates an imported article, over Redis and over the
server-less filesystem broker that `make run` uses. Everything runs in subprocesses against a
throwaway SQLite file, exactly as the deployed processes would."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_service

ROOT = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")

ARTICLE = (
    "Budget row over city roads\n\n"
    "The city council spent $4.2 million on road repairs in 2025, the mayor said on Monday. "
    "According to the audit office, spending rose by 12 percent compared with 2024.\n"
)
SOURCE = "Audit Office (1/3/2026): The council's road budget was $3.9 million in 2025."

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _env(tmp_path: Path, broker: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "TEST_DATABASE"))
    }
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "SECRET_KEY": "worker-test-secret-key-00000000000000000000000000",
        "FACTCHECK_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
    }


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _wait_for_run(db: Path, timeout: float = 180) -> tuple[str, str]:
    deadline = time.monotonic() + timeout
    row = None
    while time.monotonic() < deadline:
        with sqlite3.connect(db, timeout=20) as conn:
            row = conn.execute(
                "SELECT status, error FROM annotations_annotationrun ORDER BY id DESC LIMIT 1"
            ).fetchone()
        if row and row[0] in ("succeeded", "failed"):
            return row
        time.sleep(0.2)
    raise AssertionError(f"the worker did not finish the run in {timeout}s (last: {row})")


@pytest.mark.parametrize("broker", ["redis", "filesystem"])
def test_a_real_worker_preannotates_an_imported_article(tmp_path, broker):
    if broker == "redis":
        require_service("Redis", "127.0.0.1", 6379)
        url = "redis://127.0.0.1:6379/15"
    else:
        url = "filesystem://"
    env = _env(tmp_path, url)
    _manage(env, "migrate", "--noinput")
    worker = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "factcheck",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            env["CELERY_TASK_DEFAULT_QUEUE"],
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        (tmp_path / "a.txt").write_text(ARTICLE)
        (tmp_path / "s.txt").write_text(SOURCE)
        out = _manage(
            env, "import_article", str(tmp_path / "a.txt"), "--source", str(tmp_path / "s.txt")
        )
        assert "status preannotating" in out.stdout
        status, error = _wait_for_run(tmp_path / "db.sqlite3")
        assert status == "succeeded", error
        with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
            claims = conn.execute("SELECT count(*) FROM annotations_claim").fetchone()[0]
            article_status = conn.execute("SELECT status FROM annotations_article").fetchone()[0]
        assert claims >= 1 and article_status == "ready"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
