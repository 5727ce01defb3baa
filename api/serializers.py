"""What the API reads and writes, as JSON. Input and output only: nothing here saves a model.

``…Out`` serializers turn records (as the selectors load them) into JSON. ``…In`` serializers
check the shape of a request body — types, ranges, required fields, and no unknown fields —
and hand typed values to a view, which calls the service that decides and writes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from annotations import services
from annotations.ingest.headers import parse_article_header
from annotations.ingest.inputs import source_input
from annotations.ingest.text import TextInputError, check_text
from annotations.models import (
    AnnotationRun,
    Article,
    Attribution,
    Claim,
    ClaimantType,
    EvidenceLink,
    Flag,
    Rating,
    Source,
    Verdict,
)
from annotations.nlp.types import CLAIM_KINDS
from annotations.selectors.queue import run_is_stuck, run_retryable, stage_name

# Offsets and versions are stored as PositiveIntegerField: past this a database refuses them.
MAX_INT = 2_147_483_647


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: a typo such as "soruces" must not drop data silently
    (the JSONL batch import has the same rule)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                shown = [k.encode("utf-8", "backslashreplace").decode() for k in unknown]
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in shown}, code="unknown_field"
                )
        return super().to_internal_value(data)


def _text(value: str, label: str) -> str:
    """The same check (and the same LF line endings) as every other way text comes in."""
    try:
        return check_text(value, label=label, max_bytes=settings.FACTCHECK_MAX_TEXT_BYTES)
    except TextInputError as exc:
        raise serializers.ValidationError(str(exc)) from None


class CharField(serializers.CharField):
    """Text, and only text: DRF's own CharField turns a number into a string, and a caller
    that sent ``"title": 5`` made a mistake worth naming."""

    default_error_messages = {"invalid": "Not a valid string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(CharField):
    """Article or source text: kept exactly (no trimming: offsets index it), at most the
    text limit, no NUL or lone surrogates (DRF's own validators refuse those)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)


# --- output ---------------------------------------------------------------------------------


class RunOut(serializers.ModelSerializer[AnnotationRun]):
    stage_label = serializers.SerializerMethodField()
    stuck = serializers.SerializerMethodField()
    retryable = serializers.SerializerMethodField()

    class Meta:
        model = AnnotationRun
        fields = [
            "id",
            "article",
            "status",
            "stage",
            "stage_label",
            "progress",
            "attempts",
            "error",
            "stuck",
            "retryable",
            "pipeline_version",
            "model_name",
            "model_version",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_stage_label(self, run: AnnotationRun) -> str:
        return stage_name(run.stage)

    def get_stuck(self, run: AnnotationRun) -> bool:
        return run_is_stuck(run)

    def get_retryable(self, run: AnnotationRun) -> bool:
        return run_retryable(run)


class SourceOut(serializers.ModelSerializer[Source]):
    class Meta:
        model = Source
        fields = ["id", "position", "name", "published_on", "url"]
        read_only_fields = fields


class SourceTextOut(SourceOut):
    class Meta(SourceOut.Meta):
        fields = [*SourceOut.Meta.fields, "text"]
        read_only_fields = fields


class ArticleCounts(serializers.Serializer):
    claims = serializers.IntegerField(source="n_claims")
    pending = serializers.IntegerField(source="n_pending")
    open_flags = serializers.IntegerField(source="n_open_flags")
    published = serializers.IntegerField(source="n_published")
    awaiting_editor = serializers.IntegerField(source="n_awaiting")


class ArticleOut(serializers.ModelSerializer[Article]):
    assigned_to = serializers.SlugRelatedField[User](slug_field="username", read_only=True)
    counts = serializers.SerializerMethodField()
    latest_run = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "outlet",
            "url",
            "published_on",
            "language",
            "status",
            "assigned_to",
            "counts",
            "latest_run",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ArticleCounts)
    def get_counts(self, article: Article) -> dict[str, Any]:
        return dict(ArticleCounts(article).data)

    @extend_schema_field(RunOut(allow_null=True))
    def get_latest_run(self, article: Article) -> dict[str, Any] | None:
        runs = getattr(article, "latest_runs", None)
        if runs is None:
            runs = list(article.runs.order_by("-created_at", "-id")[:1])
        return dict(RunOut(runs[0]).data) if runs else None


class ArticleDetailOut(ArticleOut):
    sources = SourceTextOut(many=True, read_only=True)

    class Meta(ArticleOut.Meta):
        fields = [*ArticleOut.Meta.fields, "body", "sources"]
        read_only_fields = fields


class ClaimOut(serializers.ModelSerializer[Claim]):
    updated_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)
    verdict = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "start",
            "end",
            "text",
            "score",
            "kinds",
            "origin",
            "review_state",
            "support",
            "machine_start",
            "machine_end",
            "machine_text",
            "verdict",
            "version",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_verdict(self, claim: Claim) -> int | None:
        """The id of the claim's verdict, if it has one."""
        if hasattr(claim, "verdict_pk"):
            return claim.verdict_pk
        return Verdict.objects.filter(claim=claim).values_list("pk", flat=True).first()


class SpanOut(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()


class AttributionOut(serializers.ModelSerializer[Attribution]):
    speaker = serializers.SerializerMethodField()
    cue = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()
    updated_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)

    class Meta:
        model = Attribution
        fields = [
            "id",
            "article",
            "source",
            "claim",
            "speaker",
            "speaker_resolved",
            "cue",
            "content",
            "direct",
            "hedged",
            "kind",
            "origin",
            "review_state",
            "version",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SpanOut(allow_null=True))
    def get_speaker(self, a: Attribution) -> dict[str, Any] | None:
        if a.speaker_start is None or a.speaker_end is None:
            return None
        return {"start": a.speaker_start, "end": a.speaker_end, "text": a.speaker_text}

    @extend_schema_field(SpanOut)
    def get_cue(self, a: Attribution) -> dict[str, Any]:
        return {"start": a.cue_start, "end": a.cue_end, "text": a.cue_text}

    @extend_schema_field(SpanOut)
    def get_content(self, a: Attribution) -> dict[str, Any]:
        return {"start": a.content_start, "end": a.content_end, "text": a.content_text}


class FlagOut(serializers.ModelSerializer[Flag]):
    article = serializers.IntegerField(source="claim.article_id", read_only=True)
    dismissed = serializers.BooleanField(source="is_dismissed", read_only=True)
    dismissed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)

    class Meta:
        model = Flag
        fields = [
            "id",
            "claim",
            "article",
            "type",
            "message",
            "article_text",
            "source_text",
            "dismissed",
            "dismissed_by",
            "dismissed_at",
            "dismiss_reason",
        ]
        read_only_fields = fields


class RatingOut(serializers.ModelSerializer[Rating]):
    class Meta:
        model = Rating
        fields = ["id", "label", "value"]
        read_only_fields = fields


class VerdictOut(serializers.ModelSerializer[Verdict]):
    rating = RatingOut(read_only=True)
    evidence = serializers.PrimaryKeyRelatedField[EvidenceLink](many=True, read_only=True)
    reviewer = serializers.SlugRelatedField[User](slug_field="username", read_only=True)
    public_revision = serializers.IntegerField(
        source="published_revision.number", read_only=True, allow_null=True, default=None
    )
    has_pending_revision = serializers.BooleanField(read_only=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "rating",
            "rationale",
            "evidence",
            "claim_reviewed",
            "claimant_name",
            "claimant_type",
            "claimant_attribution",
            "reviewer",
            "state",
            "return_note",
            "is_published",
            "published_at",
            "withdrawn_at",
            "public_revision",
            "has_pending_revision",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


# --- input ----------------------------------------------------------------------------------


class SourceIn(StrictSerializer):
    text = TextField(max_length=settings.FACTCHECK_MAX_TEXT_BYTES)
    name = CharField(max_length=200, required=False, default="", allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    url = serializers.URLField(max_length=1000, required=False, default="", allow_blank=True)

    def validate_text(self, value: str) -> str:
        return _text(value, "The source text")


class ArticleIn(StrictSerializer):
    """An article and the sources it cites. A blank title, outlet or date is read from the
    text's masthead and headline, as the add-article page does."""

    text = TextField(max_length=settings.FACTCHECK_MAX_TEXT_BYTES)
    title = CharField(max_length=500, required=False, default="", allow_blank=True)
    outlet = CharField(max_length=200, required=False, default="", allow_blank=True)
    url = serializers.URLField(max_length=1000, required=False, default="", allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    sources = serializers.ListField(
        child=SourceIn(), required=False, default=list, max_length=services.MAX_SOURCES
    )

    def validate_text(self, value: str) -> str:
        return _text(value, "The article text")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        header = parse_article_header(attrs["text"])
        attrs["title"] = attrs["title"].strip() or header.title
        attrs["outlet"] = attrs["outlet"] or header.outlet
        attrs["published_on"] = attrs["published_on"] or header.published_on
        if not attrs["title"]:
            raise serializers.ValidationError(
                {"title": ["The article needs a title and none was found in the text."]}
            )
        return attrs

    def article_input(self) -> services.ArticleInput:
        data = self.validated_data
        return services.ArticleInput(
            title=data["title"],
            body=data["text"],
            outlet=data["outlet"],
            url=data["url"],
            published_on=data["published_on"],
            sources=tuple(
                source_input(
                    s["text"], name=s["name"], published_on=s["published_on"], url=s["url"]
                )
                for s in data["sources"]
            ),
        )


class NothingIn(StrictSerializer):
    """No fields: the request itself is the whole instruction (an empty object, or no body)."""


class VersionIn(StrictSerializer):
    """The version of the record the caller read: a stale one is a 409, never an overwrite."""

    version = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class RejectIn(VersionIn):
    discard_draft = serializers.BooleanField(required=False, default=False)


def _check_order(attrs: dict[str, Any], start: str = "start", end: str = "end") -> None:
    if attrs.get(start) is not None and attrs.get(end) is not None and attrs[start] >= attrs[end]:
        raise serializers.ValidationError(
            {end: [f"The span {attrs[start]}–{attrs[end]} is empty or reversed."]}
        )


def _check_fits(attrs: dict[str, Any], text: str | None, end: str = "end") -> None:
    """A span past the end of the text (the service checks again, under its lock)."""
    if text is not None and attrs.get(end) is not None and attrs[end] > len(text):
        raise serializers.ValidationError(
            {end: [f"Ensure this value is at most {len(text)} (the length of the text)."]}
        )


class SpanIn(StrictSerializer):
    start = serializers.IntegerField(min_value=0, max_value=MAX_INT)
    end = serializers.IntegerField(min_value=1, max_value=MAX_INT)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_order(attrs)
        _check_fits(attrs, self.context.get("text"))
        return attrs


class ClaimCorrectIn(SpanIn):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class ClaimAddIn(SpanIn):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(CLAIM_KINDS)),
        required=False,
        default=list,
        max_length=len(CLAIM_KINDS),
    )


class AttributionCorrectIn(StrictSerializer):
    """Any of the parts: an omitted part is left alone, ``"speaker": null`` clears it."""

    version = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    speaker = SpanIn(required=False, allow_null=True)
    cue = SpanIn(required=False)
    content = SpanIn(required=False)
    direct = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not ({"speaker", "cue", "content"} & attrs.keys()) and attrs.get("direct") is None:
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: ["Nothing to correct: send a part."]}
            )
        return attrs


class FlagDismissIn(StrictSerializer):
    reason = CharField(max_length=2000)


class ClaimantIn(StrictSerializer):
    """The speaker of one of the claim's attributions; null (or left out) means the
    article's outlet. Allowed only once the attribution is confirmed and no attribution
    flag is open, as on the review page."""

    attribution = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    type = serializers.ChoiceField(choices=ClaimantType.choices)


class VerdictIn(StrictSerializer):
    """The verdict's working copy. ``version`` is the verdict's version when editing one,
    and null (or left out) for a claim that has none yet — if someone gave one meanwhile,
    that is a 409, not an overwrite. ``submit`` also submits it for publication."""

    rating = serializers.PrimaryKeyRelatedField(
        queryset=Rating.objects.filter(scale__is_default=True)
    )
    rationale = CharField(max_length=10_000)
    evidence = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT),
        required=False,
        default=list,
        max_length=500,
    )
    claim_reviewed = CharField(max_length=5000, required=False, default="", allow_blank=True)
    claimant = ClaimantIn(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False, allow_null=True, default=None
    )
    submit = serializers.BooleanField(required=False, default=False)

    def claimant_choice(self) -> services.ClaimantChoice | None:
        chosen = self.validated_data["claimant"]
        if chosen is None:
            return None
        return services.ClaimantChoice(chosen["attribution"], chosen["type"])


class VerdictPublishIn(VersionIn):
    note = CharField(max_length=2000, required=False, default="", allow_blank=True)


class VerdictReturnIn(VersionIn):
    note = CharField(max_length=2000)


class VerdictWithdrawIn(VersionIn):
    reason = CharField(max_length=2000)
