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

from annotations.models import AuditVerb
from annotations.services.audit import audit_record

log = logging.getLogger(__name__)


def token_create(*, user: User) -> Token:
    """A fresh token for ``user``, replacing any they had."""
    with transaction.atomic():
        replaced, _ = Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        # the key itself never goes into the audit trail: it is a password
        audit_record(
            actor=user,
            verb=AuditVerb.TOKEN_CREATE,
            target=user,
            before={"token": "yes" if replaced else "no"},
            after={"token": "yes"},
        )
    log.info("API token created for %s", user.get_username())
    return token


def token_revoke(*, user: User) -> bool:
    """Revoke ``user``'s token; False if they had none."""
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=user).delete()
        if deleted:
            audit_record(
                actor=user,
                verb=AuditVerb.TOKEN_REVOKE,
                target=user,
                before={"token": "yes"},
                after={"token": "no"},
            )
    if deleted:
        log.info("API token revoked for %s", user.get_username())
    return bool(deleted)
