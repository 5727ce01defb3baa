"""Settings come from the environment and refuse nonsense with a clear start-up error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from factcheck import settings as project_settings


def _django_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_without_debug_is_a_clear_startup_error(tmp_path):
    result = _django_check({"FACTCHECK_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_run_works_without_a_secret_key(tmp_path):
    result = _django_check({"DEBUG": "1", "FACTCHECK_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()


def test_bad_database_url_is_refused(tmp_path):
    result = _django_check(
        {"DEBUG": "1", "FACTCHECK_VAR_DIR": str(tmp_path), "DATABASE_URL": "mysql://x@y/z"}
    )
    assert result.returncode != 0 and "DATABASE_URL must be" in result.stderr


@pytest.mark.parametrize("raw,expected", [("1", True), ("false", False), ("", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert project_settings.env_bool("X_FLAG", not expected) is expected


def test_env_bool_and_int_refuse_garbage(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        project_settings.env_bool("X_FLAG", False)
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be an integer"):
        project_settings.env_int("X_NUM", 1)


def test_default_broker_is_a_folder_and_sqlite_uses_wal_and_immediate():
    assert project_settings.CELERY_BROKER_URL == "filesystem://" or os.environ.get(
        "CELERY_BROKER_URL"
    )
    options = project_settings._SQLITE_OPTIONS
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"] and options["timeout"] >= 5


@pytest.mark.django_db
def test_sqlite_connections_wait_for_locks_instead_of_failing():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only pragma")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


def test_a_shared_cache_url_turns_on_cached_sessions_and_permissions(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/1")
    caches = project_settings._caches_from_env()
    assert caches["default"]["BACKEND"] == "factcheck.cache.ForgivingRedisCache"
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; import django;"
            "django.setup(); print(s.SESSION_ENGINE, s.FACTCHECK_CACHE_SECONDS)",
        ],
        cwd=django_settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DEBUG": "1",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.stdout.split() == ["django.contrib.sessions.backends.cached_db", "300"]
    monkeypatch.setenv("CACHE_URL", "memcached://x")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be"):
        project_settings._caches_from_env()


def test_caching_without_a_shared_cache_is_refused(tmp_path):
    result = _django_check(
        {"DEBUG": "1", "FACTCHECK_VAR_DIR": str(tmp_path), "FACTCHECK_CACHE_SECONDS": "300"}
    )
    assert result.returncode != 0 and "FACTCHECK_CACHE_SECONDS needs CACHE_URL" in result.stderr
