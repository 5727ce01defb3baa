"""Running the app the way production does, in subprocesses: a production environment
(DEBUG off, its own var dir and database), ``manage.py`` commands, and servers on free ports.

The environment starts from this process's, minus everything the test settings or a developer
may have set that would leak into the deployed configuration under test.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
SECRET_KEY = "production-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
_LEAKY_PREFIXES = ("DJANGO_", "DATABASE_", "CELERY_", "TEST_DATABASE", "SECURE_", "EMAIL_", "AXES_")
_LEAKY = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "STATIC_ROOT"}
_LEAKY |= {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "FACTCHECK_VAR_DIR"}


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """DEBUG off with a SQLite file in ``var_dir`` unless ``DATABASE_URL`` is given."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(_LEAKY_PREFIXES) and k not in _LEAKY
    }
    var_dir.mkdir(parents=True, exist_ok=True)
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "SECRET_KEY": SECRET_KEY,
        "FACTCHECK_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,factcheck.example.org",
        **extra,
    }


def manage(
    env: dict[str, str], *args: str, check: bool = True, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}"
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, *, process: subprocess.Popen[str] | None = None, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            out = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the server exited with {process.returncode}:\n{out[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {timeout}s")


def stop(process: subprocess.Popen[str], *, timeout: float = 15) -> None:
    """Terminate one process we started (by its own handle), killing it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
