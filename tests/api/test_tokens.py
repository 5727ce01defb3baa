"""The "API token" page: make one (its key shown once), replace it, revoke it; the key is
what other tools call the API with. The session works for the browser, with CSRF."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests import factories
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

PAGE = "/api/token/"
REVOKE = "/api/token/revoke/"


def _key(response) -> str:
    found = re.search(r'value="([0-9a-f]{40})"', response.content.decode())
    assert found, "the new key is on the page"
    return found.group(1)


def test_make_show_once_use_replace_and_revoke(client, reviewer):
    client.force_login(reviewer)
    empty = client.get(PAGE)
    assert empty.status_code == 200 and "You have no API token" in empty.content.decode()

    made = client.post(PAGE)
    assert made.status_code == 201 and made["Cache-Control"] == "no-store"
    key = _key(made)
    assert Token.objects.get(user=reviewer).key == key
    assert ApiClient(key).get("/api/articles/").status_code == 200

    later = client.get(PAGE).content.decode()
    assert key not in later and "You have a token" in later  # shown only that once

    replaced = _key(client.post(PAGE))
    assert replaced != key
    assert ApiClient(key).get("/api/articles/").status_code == 401  # the old one stops working
    assert ApiClient(replaced).get("/api/articles/").status_code == 200

    revoked = client.post(REVOKE)
    assert revoked.status_code == 302 and revoked["Location"] == PAGE
    assert not Token.objects.filter(user=reviewer).exists()
    assert ApiClient(replaced).get("/api/articles/").status_code == 401


def test_the_page_needs_csrf_and_a_role(reviewer, outsider):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reviewer)
    assert strict.post(PAGE).status_code == 403
    assert not Token.objects.filter(user=reviewer).exists()
    nobody = Client()
    nobody.force_login(outsider)
    assert nobody.get(PAGE).status_code == 403
    assert nobody.post(PAGE).status_code == 403
    assert not Token.objects.filter(user=outsider).exists()


def test_a_bad_or_inactive_token_is_401(reviewer):
    assert ApiClient("0" * 40).get("/api/articles/").status_code == 401
    token = Token.objects.create(user=reviewer)
    reviewer.is_active = False
    reviewer.save()
    assert ApiClient(token.key).get("/api/articles/").status_code == 401


def test_the_browser_session_works_and_writes_need_csrf(reviewer):
    article = factories.article()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reviewer)
    assert strict.get("/api/articles/").status_code == 200
    url = f"/api/articles/{article.pk}/claims/"
    refused = strict.post(url, {"start": 0, "end": 5}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not article.claims.exists()
    strict.get("/api/token/")  # any page sets the CSRF cookie
    csrf = strict.cookies["csrftoken"].value
    accepted = strict.post(
        url, {"start": 0, "end": 5}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201, accepted.content


def test_the_admin_lists_tokens_for_the_install_administrator(reviewer):
    Token.objects.create(user=reviewer)
    admin = factories.user("root", role=None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/authtoken/tokenproxy/")
    assert page.status_code == 200 and reviewer.username in page.content.decode()


def test_making_and_revoking_a_token_is_audited_without_the_key(client, reviewer):
    from annotations.models import AuditEvent, AuditVerb

    client.force_login(reviewer)
    key = _key(client.post(PAGE))
    _key(client.post(PAGE))  # replaced
    client.post(REVOKE)
    events = list(AuditEvent.objects.filter(actor=reviewer).order_by("id"))
    assert [e.verb for e in events] == [
        AuditVerb.TOKEN_CREATE,
        AuditVerb.TOKEN_CREATE,
        AuditVerb.TOKEN_REVOKE,
    ]
    assert [e.before["token"] for e in events] == ["no", "yes", "yes"]
    assert all(key not in str(e.before) + str(e.after) for e in events)
    assert Token.objects.filter(user=reviewer).count() == 0
