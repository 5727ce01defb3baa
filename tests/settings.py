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
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FACTCHECK_SITE_URL = "https://factcheck.example.org"
ALLOWED_HOSTS = ["*"]
