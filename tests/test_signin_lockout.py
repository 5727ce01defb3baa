"""Sign-in is throttled, on the site and in the admin: after AXES_FAILURE_LIMIT wrong passwords
for a username from one address, even the right password is refused with a page that says
why and how an administrator lifts the lock."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from tests import factories

pytestmark = pytest.mark.django_db

SITE = "/accounts/login/"
ADMIN = "/admin/login/"


def _sign_in(client, url: str, username: str, password: str):
    return client.post(url, {"username": username, "password": password, "next": "/"})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", [SITE, ADMIN])
def test_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused(client, url):
    factories.user("rita", role="reviewer", is_staff=True)
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5  # the documented default

    for _ in range(limit - 1):
        response = _sign_in(client, url, "rita", "wrong")
        assert response.status_code == 200  # the form again, with its error
    locked = _sign_in(client, url, "rita", "wrong")
    assert locked.status_code == 429

    refused = _sign_in(client, url, "rita", "pw-rita")
    assert refused.status_code == 429
    assert not _signed_in(client)
    page = refused.content.decode()
    assert "Sign-in locked" in page and "even with the right password" in page
    assert "for 30 minutes" in page and "manage.py axes_reset_username rita" in page


def test_the_lock_is_per_username_at_an_address(client):
    factories.user("rita")
    factories.user("olga")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, SITE, "rita", "wrong")
    assert _sign_in(client, SITE, "olga", "pw-olga").status_code == 302
    assert _signed_in(client)


def test_a_success_before_the_limit_starts_the_count_again(client):
    factories.user("rita")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, SITE, "rita", "wrong")
    assert _sign_in(client, SITE, "rita", "pw-rita").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, SITE, "rita", "wrong").status_code == 200
    assert _sign_in(client, SITE, "rita", "pw-rita").status_code == 302


@pytest.mark.parametrize("command", [["axes_reset"], ["axes_reset_username", "rita"]])
def test_an_administrator_lifts_the_lock_with_the_documented_command(client, command):
    factories.user("rita")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, SITE, "rita", "wrong")
    assert _sign_in(client, SITE, "rita", "pw-rita").status_code == 429

    call_command(*command)

    assert _sign_in(client, SITE, "rita", "pw-rita").status_code == 302
    assert _signed_in(client)


def test_the_lock_expires_after_the_cool_off(client, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    factories.user("rita")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, SITE, "rita", "wrong")
    assert _sign_in(client, SITE, "rita", "pw-rita").status_code == 429
    # as if the last attempt had been made 31 minutes ago
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31)
    )
    assert _sign_in(client, SITE, "rita", "pw-rita").status_code == 302
