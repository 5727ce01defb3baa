"""The blind double review: whether an article needs a second, independent review, each
reviewer's pass and decisions, and the editor's adjudication. Imported by ``models`` (so the
app registers them there); split off only to keep ``models.py`` under the 800-line rule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .models import Article, Claim, Rating, _span_constraints


class DoubleReview(models.Model):
    """Whether an article needs a second, independent review, and where that stands.

    Without a row the desk default applies (``settings.FACTCHECK_DOUBLE_REVIEW_DEFAULT``).
    The first reviewer's decisions are the canonical records the review page edits (copied
    into a ``ReviewPass`` when they submit); the second reviewer's live only in their own
    ``ReviewPass``. An editor settles each disagreement (``AdjudicationDecision``), which
    writes the canonical records, then finishes; until then nothing on it can be published.
    """

    class Stage(models.TextChoices):
        NOT_REQUIRED = "not_required", "Single review"
        AWAITING_FIRST = "awaiting_first", "Awaiting first review"
        AWAITING_SECOND = "awaiting_second", "Awaiting second review"
        AWAITING_ADJUDICATION = "awaiting_adjudication", "Awaiting adjudication"
        ADJUDICATED = "adjudicated", "Adjudicated"

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="double_review")
    required = models.BooleanField(default=True)
    stage = models.CharField(max_length=24, choices=Stage.choices, default=Stage.AWAITING_FIRST)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adjudicated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["stage"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.article}"


class ReviewPass(models.Model):
    """One reviewer's independent review of an article: pass 1 (the canonical review, copied
    when submitted) or pass 2 (the blind second review). One person cannot hold both."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_passes")
    number = models.PositiveSmallIntegerField()  # 1 or 2
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_passes"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="review_pass_one_per_number"
            ),
            models.UniqueConstraint(
                fields=["article", "reviewer"], name="review_pass_one_per_reviewer"
            ),
            models.CheckConstraint(condition=Q(number__in=(1, 2)), name="review_pass_number"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Review {self.number} of article {self.article_id} ({self.status})"


class PassDecision(models.Model):
    """A reviewer's decision on one machine claim within their pass: kept or not, the span
    kept, the rating given (if any), and per attribution of the claim whether it was kept
    and its speaker span: ``{"<attribution id>": {"accepted": bool | null, "speaker":
    [start, end] | null}}``."""

    review_pass = models.ForeignKey(ReviewPass, on_delete=models.CASCADE, related_name="decisions")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="pass_decisions")
    accepted = models.BooleanField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attributions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["review_pass", "start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review_pass", "claim"], name="pass_decision_once"),
            _span_constraints("pass_decision"),
        ]

    def __str__(self) -> str:
        return f"{'kept' if self.accepted else 'rejected'} claim {self.claim_id}"


class AdjudicationDecision(models.Model):
    """An editor's final word on one disagreement: which review won (or the typed value)."""

    class Choice(models.TextChoices):
        FIRST = "first", "First review"
        SECOND = "second", "Second review"
        TYPED = "typed", "Editor's correction"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="adjudications")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="adjudications")
    aspect = models.CharField(max_length=40)  # "accept", "span", "rating", "attribution:<id>"
    choice = models.CharField(max_length=8, choices=Choice.choices)
    value = models.JSONField(null=True, blank=True)  # what was applied to the canonical record
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["article", "claim", "aspect"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "claim", "aspect"], name="adjudication_once_per_aspect"
            )
        ]

    def __str__(self) -> str:
        return f"{self.aspect} of claim {self.claim_id}: {self.choice}"
