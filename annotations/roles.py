"""Roles are Django groups: reviewers annotate and give verdicts, editors also publish,
dismiss flags and assign; staff use the admin console."""

from __future__ import annotations

REVIEWER = "reviewer"
EDITOR = "editor"


def _in_group(user, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_factcheck_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._factcheck_groups = cache
    return name in cache


def is_editor(user) -> bool:
    return _in_group(user, EDITOR)


def is_reviewer(user) -> bool:
    return is_editor(user) or _in_group(user, REVIEWER)
