"""Test settings: the production settings module with eager Celery and a throwaway var dir.

``TEST_DATABASE_URL=postgres://…`` runs the same suite on PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-000000")
os.environ.setdefault("FACTCHECK_VAR_DIR", tempfile.mkdtemp(prefix="factcheck-test-"))
if os.environ.get("TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]

from factcheck.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
# One process serves the tests, so its memory cache is shared by all requests: the cached
# permission sets are exercised by every role test (production turns them on with CACHE_URL).
FACTCHECK_CACHE_SECONDS = 300
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FACTCHECK_SITE_URL = "https://factcheck.example.org"
ALLOWED_HOSTS = ["*"]
# The test client and the live server speak plain HTTP, and the pages are rendered from the
# source folders: the production values of these are checked in tests/test_production.py.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns if missing)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
