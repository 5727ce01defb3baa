"""Permission sets read from the cache instead of two queries on every request.

Every workbench view asks whether the user is a reviewer or an editor; Django's
``ModelBackend`` answers with two queries (the user's own permissions and their groups'),
per request. Here the answer is kept in the cache under the user's identity and a
*generation* that any change of roles moves on (group membership, a group's permissions,
a user's own permissions, a group or permission deleted), so a role given or taken away
counts on the next request in every process — which is why it is on only with a cache
shared by all processes (``CACHE_URL``), or where one process serves everything (tests).
The key also holds the account's ``is_active``/``is_superuser`` and date joined: a user
row changed or a primary key reused never meets an old entry.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cached

GENERATION = "factcheck:perms:generation"


def _user_key(user: Any) -> str:
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return f"factcheck:perms:{user.pk}:{joined}:{int(user.is_superuser)}"


class CachedPermissionsBackend(ModelBackend):
    """``ModelBackend`` whose permission set comes from the cache while roles are unchanged."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        seconds = settings.FACTCHECK_CACHE_SECONDS
        if (
            seconds
            and user_obj.is_active
            and not user_obj.is_anonymous
            and obj is None
            and not hasattr(user_obj, "_perm_cache")
        ):
            key = _user_key(user_obj)
            found = cache.get_many([GENERATION, key])
            generation = found.get(GENERATION)
            stored = found.get(key)
            if stored is not None and stored[0] == generation:
                user_obj._perm_cache = set(stored[1])
            else:
                perms = super().get_all_permissions(user_obj)
                cache.set(key, (generation, sorted(perms)), seconds)
                return perms
        return super().get_all_permissions(user_obj, obj)


def _new_generation() -> None:
    cache.set(GENERATION, uuid.uuid4().hex, None)


def roles_changed(**_: Any) -> None:
    """Any change of who holds which permission: every cached set is out of date. Moved on
    at once and again at commit, so that a request that read the old roles in between
    cannot leave them cached under the new generation."""
    cached.now_and_at_commit(_new_generation)
    cached.forget([cached.ASSIGNEES])  # who may be given an article follows the roles


def connect() -> None:
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(roles_changed, sender=through, dispatch_uid=f"perms-{through}")
    for model in (Group, Permission):
        for signal in (post_save, post_delete):
            signal.connect(roles_changed, sender=model, dispatch_uid=f"perms-{model}-{signal}")
