"""The fact-check domain: articles and their sources, the machine's suggestions, the
reviewers' decisions, verdicts and the audit trail.

Machine output and human decisions live side by side on the same rows (``origin``,
``review_state`` and the ``machine_*`` copy of a corrected span) so that we can always
measure the machine against what reviewers made of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .spans import validate_span


def _span_constraints(prefix: str, field_prefix: str = "", nullable: bool = False):
    start, end = f"{field_prefix}start", f"{field_prefix}end"
    ok = Q(**{f"{start}__gte": 0}) & Q(**{f"{start}__lt": F(end)})
    if nullable:
        # CHECK passes on NULL, so "half a span" must be excluded explicitly.
        both_set = Q(**{f"{start}__isnull": False}) & Q(**{f"{end}__isnull": False})
        ok = (both_set & ok) | (Q(**{f"{start}__isnull": True}) & Q(**{f"{end}__isnull": True}))
    return models.CheckConstraint(condition=ok, name=f"{prefix}_{field_prefix}span_valid")


class Origin(models.TextChoices):
    MACHINE = "machine", "Machine"
    REVIEWER = "reviewer", "Reviewer"


class ReviewState(models.TextChoices):
    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    CORRECTED = "corrected", "Corrected"


class AttributionKind(models.TextChoices):
    """What kind of report an attribution is (the nlp contract's attribution "kind")."""

    QUOTE = "quote", "quote"
    PARAPHRASE = "paraphrase", "paraphrase"
    INTENTION = "intention", "intention"
    EVIDENCE = "evidence", "evidence"


class Support(models.TextChoices):
    SUPPORTED = "supported", "Supported"
    PARTLY_SUPPORTED = "partly_supported", "Partly supported"
    CONTRADICTED = "contradicted", "Contradicted"
    NOT_FOUND = "not_found", "Not found"


class Article(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        PREANNOTATING = "preannotating", "Pre-annotating"
        READY = "ready", "Ready for review"
        IN_REVIEW = "in_review", "In review"
        REVIEWED = "reviewed", "Reviewed"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"

    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    # The text exactly as imported (masthead and trailing source list included) so that every
    # stored offset points into what the reviewer was given.
    body = models.TextField()
    language = models.CharField(max_length=12, default="en")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_articles",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_article", "Can review articles: claims, attributions, verdict drafts"),
            ("assign_article", "Can assign articles to other people and dismiss flags"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["outlet"]),
            models.Index(fields=["assigned_to", "status"]),
        ]

    def __str__(self) -> str:
        return self.title


class Source(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    text = models.TextField()
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "content_hash"], name="source_unique_text"),
            models.CheckConstraint(condition=~Q(text=""), name="source_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name or f"Source {self.position + 1}"


class AnnotationRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="runs")
    pipeline_version = models.CharField(max_length=40)
    model_name = models.CharField(max_length=100, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    # The trained models the run scored with, name -> version ({"checkworthy":
    # "checkworthy-20261202-1a2b3c4d", "support": "2026-12-02"}): a retrained ranker changes
    # scores without changing the spaCy model (annotations/nlp/retrain.model_versions).
    model_versions = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, for the queue's bar
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    timings = models.JSONField(default=dict, blank=True)  # stage -> seconds
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The run's way through the broker and the worker (services/runs.py): when its task was
    # last handed to the broker (empty: not yet, e.g. the broker was down), which task holds
    # it, and that task's last sign of life. The sweeper reads all three.
    queued_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "-created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Run {self.pk} of article {self.article_id} ({self.status})"


class Claim(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    run = models.ForeignKey(AnnotationRun, null=True, blank=True, on_delete=models.SET_NULL)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    score = models.FloatField(null=True, blank=True)
    kinds = models.JSONField(default=list, blank=True)
    # the machine's strongest reasons for the score, strongest first ("a figure", "attributed"),
    # and those that lowered it ("hedged")
    reasons = models.JSONField(default=list, blank=True)
    reasons_against = models.JSONField(default=list, blank=True)
    # what the machine compared with the sources (figures, dates, credits, quotes), agreements
    # too, each {"kind", "article_text", "source_text", "outcome", "note", "source", "start",
    # "end"}; and the support model's probability of each support value
    comparisons = models.JSONField(default=list, blank=True)
    support_scores = models.JSONField(default=dict, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    support = models.CharField(max_length=20, choices=Support.choices, default=Support.NOT_FOUND)
    # What the machine proposed, kept when a reviewer corrects the span.
    machine_start = models.PositiveIntegerField(null=True, blank=True)
    machine_end = models.PositiveIntegerField(null=True, blank=True)
    machine_text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "start", "id"]
        constraints = [
            _span_constraints("claim"),
            _span_constraints("claim", "machine_", nullable=True),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=1)),
                name="claim_score_in_unit_interval",
            ),
            # Two reviewers adding the same selection at once: the database keeps one.
            # Rejected claims do not count, so a rejected span can be claimed again.
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                condition=~Q(review_state="rejected"),
                name="claim_unique_open_span",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "start"]),
            models.Index(fields=["article", "review_state"]),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        validate_span(self.article.body, self.start, self.end, self.text, label="claim")


class Attribution(models.Model):
    """Speaker – cue – content. Offsets point into the article body, or into ``source.text``
    when ``source`` is set (attributions found in a cited source)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attributions")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="attributions"
    )
    run = models.ForeignKey(AnnotationRun, null=True, blank=True, on_delete=models.SET_NULL)
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="attributions"
    )
    speaker_start = models.PositiveIntegerField(null=True, blank=True)
    speaker_end = models.PositiveIntegerField(null=True, blank=True)
    speaker_text = models.TextField(blank=True)
    speaker_resolved = models.CharField(max_length=300, blank=True)
    cue_start = models.PositiveIntegerField()
    cue_end = models.PositiveIntegerField()
    cue_text = models.CharField(max_length=300)
    content_start = models.PositiveIntegerField()
    content_end = models.PositiveIntegerField()
    content_text = models.TextField()
    direct = models.BooleanField(default=False)
    hedged = models.BooleanField(default=False)
    kind = models.CharField(
        max_length=12, choices=AttributionKind.choices, default=AttributionKind.PARAPHRASE
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    machine_snapshot = models.JSONField(null=True, blank=True)  # the machine's spans if corrected
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "source", "cue_start", "id"]
        constraints = [
            _span_constraints("attribution", "speaker_", nullable=True),
            _span_constraints("attribution", "cue_"),
            _span_constraints("attribution", "content_"),
        ]
        indexes = [models.Index(fields=["article", "source", "cue_start"])]

    def __str__(self) -> str:
        return f"{self.speaker_text or '?'} {self.cue_text}: {self.content_text[:60]}"

    @property
    def speaker_display(self) -> str:
        return self.speaker_resolved or self.speaker_text


class Entity(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="entities")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE)
    run = models.ForeignKey(AnnotationRun, null=True, blank=True, on_delete=models.SET_NULL)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    label = models.CharField(max_length=30)

    class Meta:
        ordering = ["article", "source", "start"]
        verbose_name_plural = "entities"
        constraints = [_span_constraints("entity")]
        indexes = [models.Index(fields=["article", "source", "start"])]

    def __str__(self) -> str:
        return f"{self.text} ({self.label})"


class Quantity(models.Model):
    class Kind(models.TextChoices):
        MONEY = "money", "Money"
        COUNT = "count", "Count"
        PERCENT = "percent", "Percent"
        DURATION = "duration", "Duration"
        DATE = "date", "Date"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quantities")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE)
    run = models.ForeignKey(AnnotationRun, null=True, blank=True, on_delete=models.SET_NULL)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    approximate = models.BooleanField(default=False)
    bound = models.CharField(max_length=12, blank=True)
    iso_date = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["article", "source", "start"]
        verbose_name_plural = "quantities"
        constraints = [_span_constraints("quantity")]
        indexes = [models.Index(fields=["article", "source", "start"])]

    def __str__(self) -> str:
        return self.text


class EvidenceLink(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="evidence")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    score = models.FloatField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)

    class Meta:
        ordering = ["claim", "-score", "id"]
        constraints = [_span_constraints("evidence")]

    def __str__(self) -> str:
        return self.text[:80]


class Flag(models.Model):
    class Type(models.TextChoices):
        NUMBER_MISMATCH = "number_mismatch", "Number differs"
        RANGE_VS_POINT = "range_vs_point", "Range vs single figure"
        ATTRIBUTION_MISMATCH = "attribution_mismatch", "Attributed to someone else"
        DATE_MISMATCH = "date_mismatch", "Date differs"
        QUOTE_MISMATCH = "quote_mismatch", "Quote wording differs"
        NOT_IN_SOURCES = "not_in_sources", "Not found in any source"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="flags")
    type = models.CharField(max_length=24, choices=Type.choices)
    article_text = models.TextField(blank=True)
    source_text = models.TextField(blank=True)
    message = models.TextField(blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["claim", "id"]
        indexes = [models.Index(fields=["type"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.article_text[:60]}"

    @property
    def is_dismissed(self) -> bool:
        return self.dismissed_at is not None


class RatingScale(models.Model):
    name = models.CharField(max_length=100, unique=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_scale"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def bounds(self) -> tuple[float, float] | None:
        values = [r.value for r in self.ratings.all() if r.value is not None]
        return (min(values), max(values)) if values else None


class Rating(models.Model):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="ratings")
    label = models.CharField(max_length=100)
    # None puts the rating outside the numeric range (e.g. "Unverifiable").
    value = models.FloatField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "label"], name="rating_unique_label")
        ]

    def __str__(self) -> str:
        return self.label


class ClaimantType(models.TextChoices):
    """Who made a claim, as schema.org types it."""

    PERSON = "Person", "Person"
    ORGANIZATION = "Organization", "Organization"


class Verdict(models.Model):
    """A claim's verdict: the desk's working copy, and where it stands with the public.

    The rating, rationale, wording and claimant here are what reviewers edit. The public
    never reads them: it reads ``published_revision``, an immutable copy an editor made
    when publishing. So a reviewer editing a published verdict changes nothing the public
    sees until an editor publishes the new revision (with a correction note).
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting an editor"
        PUBLISHED = "published", "Published"  # the working copy is the live revision
        WITHDRAWN = "withdrawn", "Withdrawn"  # the working copy is the withdrawn revision

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="verdict")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    rationale = models.TextField()
    evidence = models.ManyToManyField(EvidenceLink, blank=True, related_name="verdicts")
    # ClaimReview ``claimReviewed``: a short wording of the claim, the claim's text by default.
    claim_reviewed = models.TextField(blank=True)
    # Who made the claim: the article's outlet by default, or the speaker of a confirmed
    # attribution the reviewer picked (``claimant_attribution``).
    claimant_name = models.CharField(max_length=300, blank=True)
    claimant_type = models.CharField(max_length=12, choices=ClaimantType.choices, blank=True)
    claimant_attribution = models.ForeignKey(
        Attribution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="verdicts"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    return_note = models.TextField(blank=True)  # why an editor sent it back
    # Public status: live (``is_published``), withdrawn (``withdrawn_at``) or never published.
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)  # first publication
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_revision = models.ForeignKey(
        "VerdictRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("publish_verdict", "Can publish, correct, send back and withdraw verdicts"),
        ]
        indexes = [models.Index(fields=["is_published", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="verdict_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_revision__isnull=False),
                name="verdict_published_has_revision",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(withdrawn_at__isnull=True),
                name="verdict_live_or_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} — {self.claim}"

    @property
    def has_pending_revision(self) -> bool:
        """Edits the public does not see yet (a draft or submitted revision)."""
        return self.published_revision_id is not None and self.state in (
            self.State.DRAFT,
            self.State.SUBMITTED,
        )


class VerdictRevision(models.Model):
    """What the public saw: a copy of the verdict taken when an editor published it.

    Never changed after it is made. Revision 1 is the first publication; every later one is
    a correction and carries its note.
    """

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    evidence = models.ManyToManyField(EvidenceLink, blank=True, related_name="+")
    claim_reviewed = models.TextField()
    claimant_name = models.CharField(max_length=300, blank=True)
    claimant_type = models.CharField(max_length=12, choices=ClaimantType.choices, blank=True)
    claimant_attribution = models.ForeignKey(
        Attribution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    correction_note = models.TextField(blank=True)

    class Meta:
        ordering = ["verdict", "number"]
        constraints = [
            models.UniqueConstraint(fields=["verdict", "number"], name="revision_unique_number"),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_note=""),
                name="revision_correction_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of verdict {self.verdict_id}"


class CorrectionNotice(models.Model):
    """One line of the public corrections page: a correction or a withdrawal, with its note.

    A log, never edited: a verdict corrected twice and then withdrawn has three notices.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        WITHDRAWAL = "withdrawal", "Withdrawal"

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="notices")
    # The revision published by the correction, or the one withdrawn.
    revision = models.ForeignKey(VerdictRevision, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    note = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at"]), models.Index(fields=["verdict", "kind"])]
        constraints = [models.CheckConstraint(condition=~Q(note=""), name="notice_has_note")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of verdict {self.verdict_id}: {self.note[:60]}"


class AuditVerb(models.TextChoices):
    """Every kind of change the audit trail records. The label is the history screen's
    phrase after the actor's name ("rita confirmed the claim")."""

    ARTICLE_IMPORT = "article.import", "imported the article"
    ARTICLE_BATCH_IMPORT = "article.batch_import", "imported a batch"
    ARTICLE_ASSIGN = "article.assign", "changed the assignment"
    ARTICLE_TAKEOVER = "article.takeover", "took over the article"
    ARTICLE_REVIEW_STARTED = "article.review_started", "started the review"
    ARTICLE_REVIEWED = "article.reviewed", "marked the article reviewed"
    ARTICLE_PUBLISHED = "article.published", "published the article"
    ARTICLE_UNPUBLISHED = "article.unpublished", "unpublished the article"
    PREANNOTATION_QUEUE = "preannotation.queue", "queued pre-annotation"
    PREANNOTATION_STORE = "preannotation.store", "stored pre-annotation"
    PREANNOTATION_FAIL = "preannotation.fail", "pre-annotation failed"
    PREANNOTATION_REQUEUE = "preannotation.requeue", "queued pre-annotation again"
    PREANNOTATION_RETRY = "preannotation.retry", "retried pre-annotation"
    CLAIM_CONFIRM = "claim.confirm", "confirmed the claim"
    CLAIM_REJECT = "claim.reject", "rejected the claim"
    CLAIM_REOPEN = "claim.reopen", "reopened the claim"
    CLAIM_CORRECT = "claim.correct", "corrected the claim's span"
    CLAIM_STATEMENT = "claim.statement", "edited the claim statement"
    CLAIM_ADD = "claim.add", "added a claim"
    CLAIM_ANALYSE = "claim.analyse", "checked the claim against its sources"
    ATTRIBUTION_CONFIRM = "attribution.confirm", "confirmed an attribution"
    ATTRIBUTION_REJECT = "attribution.reject", "rejected an attribution"
    ATTRIBUTION_CORRECT = "attribution.correct", "corrected an attribution"
    ATTRIBUTION_ADD = "attribution.add", "added an attribution"
    FLAG_DISMISS = "flag.dismiss", "dismissed a flag"
    VERDICT_CREATE = "verdict.create", "gave a verdict"
    VERDICT_UPDATE = "verdict.update", "updated the verdict"
    VERDICT_SUBMIT = "verdict.submit", "submitted the verdict for publication"
    VERDICT_RETURN = "verdict.return", "sent the verdict back"
    VERDICT_PUBLISH = "verdict.publish", "published the verdict"
    VERDICT_CORRECT = "verdict.correct", "published a correction"
    VERDICT_WITHDRAW = "verdict.withdraw", "withdrew the verdict"
    VERDICT_DISCARD = "verdict.discard", "discarded the verdict draft"
    UNDO = "undo", "undid their last change"
    TOKEN_CREATE = "token.create", "made an API token"
    TOKEN_REVOKE = "token.revoke", "revoked their API token"
    # Recorded before the editorial gate existed; no service writes it any more.
    VERDICT_UNPUBLISH = "verdict.unpublish", "unpublished the verdict"
    COMMENT_ADD = "comment.add", "commented"
    COMMENT_EDIT = "comment.edit", "edited a comment"
    COMMENT_DELETE = "comment.delete", "deleted a comment"
    DOUBLE_REVIEW_SET = "double_review.set", "changed whether a second review is required"
    REVIEW_PASS_SAVE = "review_pass.save", "saved their independent review"
    REVIEW_PASS_SUBMIT = "review_pass.submit", "submitted their independent review"
    ADJUDICATION_DECIDE = "adjudication.decide", "settled a disagreement between the reviews"
    ADJUDICATION_FINISH = "adjudication.finish", "finished the adjudication"
    CLAIMREVIEW_IMPORT = "claimreview.import", "imported a ClaimReview"
    ADMIN_ADD = "admin.add", "added it in the admin console"
    ADMIN_CHANGE = "admin.change", "changed it in the admin console"
    ADMIN_DELETE = "admin.delete", "deleted it in the admin console"


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    verb = models.CharField(max_length=60, choices=AuditVerb.choices)
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField(null=True)
    # Denormalised so an article's history is one indexed query.
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-created_at"]),
            models.Index(fields=["article", "-created_at"]),
            # the dashboard counts reviews per day: 172 ms -> 8 ms at 100k audit events
            models.Index(fields=["verb", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type}:{self.target_id}"


class Comment(models.Model):
    """A note on a claim, or on the article as a whole (``claim`` empty): plain text, shown
    escaped with its links made clickable (``commenttext``). Deleting keeps the row, blanked,
    so the history and the mentions that pointed at it still read."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "claim", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body="") | Q(deleted_at__isnull=False), name="comment_has_body"
            )
        ]

    def __str__(self) -> str:
        return self.body[:80]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Mention(models.Model):
    """Someone named with @username in a comment: their in-app list, read or not."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="mention_once_per_comment")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"@{self.user_id} in comment {self.comment_id}"


# The blind double review's models live in their own module (this one keeps under the 800-line
# rule); importing them here registers them with the app like every other model.
from .double_review_models import (  # noqa: E402
    AdjudicationDecision,
    DoubleReview,
    PassDecision,
    ReviewPass,
)

__all__ = ["AdjudicationDecision", "DoubleReview", "PassDecision", "ReviewPass"]
