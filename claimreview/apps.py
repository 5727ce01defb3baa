from __future__ import annotations

from django.apps import AppConfig


class ClaimReviewConfig(AppConfig):
    """No models; registered for its templates, management commands and URL namespace."""

    name = "claimreview"
    verbose_name = "ClaimReview"
