"""The API tokens: one per person, made and revoked by that person (the "API token" page)
or by the install administrator in the admin console.

DRF's ``authtoken`` keeps one token per user; making a new one replaces the old, so a token
that leaked stops working the moment its owner makes another.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token

log = logging.getLogger(__name__)


def token_create(*, user: User) -> Token:
    """A fresh token for ``user``, replacing any they had."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
    log.info("API token created for %s", user.get_username())
    return token


def token_revoke(*, user: User) -> bool:
    """Revoke ``user``'s token; False if they had none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        log.info("API token revoked for %s", user.get_username())
    return bool(deleted)
