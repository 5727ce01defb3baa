"""The admin console: articles, sources, users (Django's own), rating scales and jobs.

Admin edits go through ``AuditedAdmin`` so they leave the same audit trail as the web UI,
bulk "Delete selected" included (one event per object deleted). What the public has seen
cannot be deleted here: an article, claim or source behind a published (or withdrawn)
verdict is listed as protected, since its public page and corrections must keep existing.

Texts are guarded the way imports guard them: line endings are normalised by the one ingest
check, and once an article is annotated its text and its sources' texts are read-only,
because every stored offset points into them. Re-annotating (the action) keeps reviewer work;
a changed text is a new import. Verdicts, their revisions and the corrections log are
read-only here: they change through the editorial steps in the workbench, never around them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest

from . import services
from .ingest.text import TextInputError, check_text
from .models import (
    AnnotationRun,
    Article,
    Attribution,
    AuditEvent,
    AuditVerb,
    Claim,
    CorrectionNotice,
    DoubleReview,
    Entity,
    EvidenceLink,
    Flag,
    PassDecision,
    Quantity,
    Rating,
    RatingScale,
    ReviewPass,
    Source,
    Verdict,
    VerdictRevision,
)
from .services.articles import content_hash
from .services.audit import audit_record


def _actor(request: HttpRequest) -> User | None:
    """The admin only serves signed-in staff; the check is for the type checker."""
    return request.user if isinstance(request.user, User) else None


def _jsonable(obj) -> dict:
    data = model_to_dict(obj)
    return {
        k: (v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v))
        for k, v in data.items()
        if k not in ("body", "text")
    }


def _article_of(obj):
    if isinstance(obj, Article):
        return obj
    for path in ("article", "claim.article"):
        target = obj
        for part in path.split("."):
            target = getattr(target, part, None)
        if isinstance(target, Article):
            return target
    return None


def _public_record(obj: Model) -> str:
    """Why deleting ``obj`` would erase something the public has seen ("" if nothing)."""
    if isinstance(obj, Article):
        public = Verdict.objects.filter(claim__article=obj, published_revision__isnull=False)
    elif isinstance(obj, Claim):
        public = Verdict.objects.filter(claim=obj, published_revision__isnull=False)
    elif isinstance(obj, Source):
        public = Verdict.objects.filter(revisions__evidence__source=obj)
    else:
        return ""
    if public.exists():
        return "a published or withdrawn verdict depends on it (its public page and notices)"
    return ""


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            before = _jsonable(type(obj).objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        audit_record(
            actor=_actor(request),
            verb=AuditVerb.ADMIN_CHANGE if change else AuditVerb.ADMIN_ADD,
            target=obj,
            article=_article_of(obj),
            before=before,
            after=_jsonable(obj),
        )

    def _audit_delete(self, request: HttpRequest, obj: Model) -> None:
        audit_record(
            actor=_actor(request),
            verb=AuditVerb.ADMIN_DELETE,
            target=obj,
            article=None if isinstance(obj, Article) else _article_of(obj),
            before=_jsonable(obj),
        )

    def delete_model(self, request, obj):
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """ "Delete selected" deletes in bulk, bypassing ``delete_model``: audit each one."""
        for obj in queryset:
            self._audit_delete(request, obj)
        super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            reason = _public_record(obj)
            if reason:
                protected = [*protected, f"{obj._meta.verbose_name} “{obj}”: {reason}"]
        return deleted, counts, perms_needed, protected


def article_is_annotated(article: Article | None) -> bool:
    """Offsets point into its text (or soon will: a run is queued or running)."""
    if article is None or article.pk is None:
        return False
    if any(
        model.objects.filter(article=article).exists()
        for model in (Claim, Attribution, Entity, Quantity)
    ):
        return True
    return article.runs.exclude(
        status__in=(AnnotationRun.Status.FAILED, AnnotationRun.Status.SKIPPED)
    ).exists()


def _checked_text(text: str, label: str) -> str:
    try:
        return check_text(text, label=label, max_bytes=settings.FACTCHECK_MAX_TEXT_BYTES)
    except TextInputError as exc:
        raise forms.ValidationError(str(exc)) from None


class ArticleAdminForm(forms.ModelForm):
    """The body is checked and normalised as every import is (CR LF from the browser's
    textarea becomes LF), and its hash kept in step so duplicates are still found."""

    class Meta:
        model = Article
        fields = (
            "title",
            "outlet",
            "url",
            "published_on",
            "body",
            "language",
            "status",
            "assigned_to",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].strip = False  # type: ignore[attr-defined]  # offsets count every space

    def clean_body(self) -> str:
        body = _checked_text(self.cleaned_data["body"], "The article text")
        others = Article.objects.filter(content_hash=content_hash(body))
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        existing = others.first()
        if existing is not None:
            raise forms.ValidationError(f"This text is already article #{existing.pk}.")
        return body

    def save(self, commit: bool = True) -> Article:
        article = super().save(commit=False)
        article.content_hash = content_hash(article.body)
        if commit:
            article.save()
        return article


class SourceAdminForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ("article", "position", "name", "published_on", "url", "text")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "text" in self.fields:
            self.fields["text"].strip = False  # type: ignore[attr-defined]  # offsets count every space

    def clean_text(self) -> str:
        return _checked_text(self.cleaned_data["text"], "The source text")

    def save(self, commit: bool = True) -> Source:
        source = super().save(commit=False)
        source.content_hash = content_hash(source.text)
        if commit:
            source.save()
        return source


LOCKED_TEXT = (
    "Read-only: the article is annotated and stored offsets point into this text. Import a "
    "corrected text as a new article; re-annotating keeps reviewer work."
)


class SourceInline(admin.StackedInline):
    model = Source
    form = SourceAdminForm
    extra = 0
    fields = ("position", "name", "published_on", "url", "text")

    def get_readonly_fields(self, request, obj=None):
        return ("text",) if article_is_annotated(obj) else ()


class ClaimInline(admin.TabularInline):
    model = Claim
    extra = 0
    fields = ("start", "end", "text", "score", "support", "origin", "review_state")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description="Re-annotate (keeps reviewer work)")
def rerun_preannotation(modeladmin, request, queryset):
    for article in queryset:
        services.run_queue(article=article, actor=_actor(request))
    messages.success(request, f"Queued pre-annotation for {queryset.count()} article(s).")


@admin.register(Article)
class ArticleAdmin(AuditedAdmin):
    form = ArticleAdminForm
    list_display = ("title", "outlet", "published_on", "status", "assigned_to", "created_at")
    list_filter = ("status", "outlet", "language")
    search_fields = ("title", "outlet", "url")
    date_hierarchy = "created_at"
    readonly_fields = ("content_hash", "created_at", "updated_at")
    inlines = [SourceInline, ClaimInline]
    actions = [rerun_preannotation]
    list_select_related = ("assigned_to",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # articles come in through the workbench, which checks and annotates them

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "body") if article_is_annotated(obj) else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not article_is_annotated(obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "description": LOCKED_TEXT}), *rest]


@admin.register(Source)
class SourceAdmin(AuditedAdmin):
    form = SourceAdminForm
    list_display = ("name", "article", "published_on", "url")
    search_fields = ("name", "url", "article__title")
    list_select_related = ("article",)
    readonly_fields = ("content_hash",)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        annotated = obj is not None and article_is_annotated(obj.article)
        return (*fields, "text", "article") if annotated else fields


@admin.register(AnnotationRun)
class AnnotationRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "article",
        "status",
        "stage",
        "progress",
        "model_name",
        "model_version",
        "scorer_version",
        "attempts",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "model_name", "pipeline_version")
    search_fields = ("article__title", "error")
    readonly_fields = [f.name for f in AnnotationRun._meta.fields]
    list_select_related = ("article",)

    @admin.display(description="claim scorer")
    def scorer_version(self, obj: AnnotationRun) -> str:
        return (obj.model_versions or {}).get("checkworthy", "")

    def has_add_permission(self, request):
        return False


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    fields = ("type", "article_text", "source_text", "message", "dismissed_by", "dismiss_reason")
    readonly_fields = ("dismissed_by",)


class EvidenceInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0
    fields = ("source", "start", "end", "text", "score", "origin")


@admin.register(Claim)
class ClaimAdmin(AuditedAdmin):
    list_display = ("short_text", "article", "score", "support", "origin", "review_state")
    list_filter = ("review_state", "support", "origin", "flags__type", "article__outlet")
    search_fields = ("text", "article__title")
    list_select_related = ("article",)
    readonly_fields = ("machine_start", "machine_end", "machine_text", "version", "run")
    inlines = [FlagInline, EvidenceInline]

    @admin.display(description="claim")
    def short_text(self, obj: Claim) -> str:
        return obj.text[:90]


@admin.register(Attribution)
class AttributionAdmin(AuditedAdmin):
    list_display = (
        "speaker_text",
        "cue_text",
        "short_content",
        "direct",
        "origin",
        "review_state",
        "article",
        "source",
    )
    list_filter = ("review_state", "origin", "direct", "hedged")
    search_fields = ("speaker_text", "cue_text", "content_text", "article__title")
    list_select_related = ("article", "source")
    readonly_fields = ("machine_snapshot", "version", "run")

    @admin.display(description="content")
    def short_content(self, obj: Attribution) -> str:
        return obj.content_text[:80]


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("text", "label", "article", "source")
    list_filter = ("label",)
    search_fields = ("text",)
    list_select_related = ("article", "source")


@admin.register(Quantity)
class QuantityAdmin(admin.ModelAdmin):
    list_display = ("text", "kind", "value", "low", "high", "unit", "approximate", "article")
    list_filter = ("kind", "unit", "approximate")
    search_fields = ("text",)
    list_select_related = ("article",)


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(AuditedAdmin):
    list_display = ("claim", "source", "score", "origin")
    list_select_related = ("claim", "source")


@admin.register(Flag)
class FlagAdmin(AuditedAdmin):
    list_display = ("type", "claim", "article_text", "source_text", "dismissed_by")
    list_filter = ("type", ("dismissed_at", admin.EmptyFieldListFilter))
    search_fields = ("article_text", "source_text", "message")
    list_select_related = ("claim", "dismissed_by")


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    fields = ("position", "label", "value", "description")


@admin.register(RatingScale)
class RatingScaleAdmin(AuditedAdmin):
    list_display = ("name", "is_default")
    inlines = [RatingInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never edited here: these change only through the workbench's editorial steps."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevisionInline(admin.TabularInline):
    model = VerdictRevision
    extra = 0
    fields = (
        "number",
        "rating",
        "claim_reviewed",
        "claimant_name",
        "published_at",
        "correction_note",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ("claim", "rating", "state", "reviewer", "is_published", "published_at")
    list_filter = ("state", "is_published", "rating")
    search_fields = ("claim__text", "rationale", "claim_reviewed", "claimant_name")
    list_select_related = ("claim", "rating", "reviewer")
    inlines = [RevisionInline]


@admin.register(VerdictRevision)
class VerdictRevisionAdmin(ReadOnlyAdmin):
    list_display = ("verdict", "number", "rating", "published_at", "published_by")
    search_fields = ("claim_reviewed", "rationale", "correction_note")
    list_select_related = ("verdict", "rating", "published_by")


@admin.register(CorrectionNotice)
class CorrectionNoticeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "verdict", "note", "created_by")
    list_filter = ("kind",)
    search_fields = ("note",)
    list_select_related = ("verdict", "created_by")


class _ShownInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PassDecisionInline(_ShownInline):
    model = PassDecision
    fields = ("claim", "accepted", "start", "end", "rating", "attributions")
    readonly_fields = fields


@admin.register(DoubleReview)
class DoubleReviewAdmin(ReadOnlyAdmin):
    """The blind double review changes only through its workbench steps (the editor's
    decisions are in the audit trail and on the adjudication page)."""

    list_display = ("article", "required", "stage", "adjudicated_by", "adjudicated_at")
    list_filter = ("stage", "required")
    list_select_related = ("article", "adjudicated_by")


@admin.register(ReviewPass)
class ReviewPassAdmin(ReadOnlyAdmin):
    list_display = ("article", "number", "reviewer", "status", "submitted_at")
    list_filter = ("status", "number")
    list_select_related = ("article", "reviewer")
    inlines = [PassDecisionInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "verb", "target_type", "target_id", "article")
    list_filter = ("verb", "target_type")
    search_fields = ("verb", "actor__username")
    list_select_related = ("actor", "article")
    readonly_fields = (
        "created_at",
        "actor",
        "verb",
        "target_type",
        "target_id",
        "article",
        "before",
        "after",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
