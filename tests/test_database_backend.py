import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_asked_for():
    """Guards the PostgreSQL pass of `make test` against silently falling back to SQLite."""
    wanted = os.environ.get("TEST_DATABASE_URL", "")
    assert connection.vendor == ("postgresql" if wanted.startswith("postgres") else "sqlite")
