"""The admin console: articles, sources, users (Django's own), rating scales and jobs.

Admin edits go through ``AuditedAdmin`` so they leave the same audit trail as the web UI.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.forms.models import model_to_dict
from django.http import HttpRequest

from . import services
from .models import (
    AnnotationRun,
    Article,
    Attribution,
    AuditEvent,
    AuditVerb,
    Claim,
    Entity,
    EvidenceLink,
    Flag,
    Quantity,
    Rating,
    RatingScale,
    Source,
    Verdict,
)
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

    def delete_model(self, request, obj):
        audit_record(
            actor=_actor(request),
            verb=AuditVerb.ADMIN_DELETE,
            target=obj,
            article=None if isinstance(obj, Article) else _article_of(obj),
            before=_jsonable(obj),
        )
        super().delete_model(request, obj)


class SourceInline(admin.StackedInline):
    model = Source
    extra = 0
    fields = ("position", "name", "published_on", "url", "text")


class ClaimInline(admin.TabularInline):
    model = Claim
    extra = 0
    fields = ("start", "end", "text", "score", "support", "origin", "review_state")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description="Re-run pre-annotation")
def rerun_preannotation(modeladmin, request, queryset):
    for article in queryset:
        services.run_queue(article=article, actor=_actor(request))
    messages.success(request, f"Queued pre-annotation for {queryset.count()} article(s).")


@admin.register(Article)
class ArticleAdmin(AuditedAdmin):
    list_display = ("title", "outlet", "published_on", "status", "assigned_to", "created_at")
    list_filter = ("status", "outlet", "language")
    search_fields = ("title", "outlet", "url")
    date_hierarchy = "created_at"
    readonly_fields = ("content_hash", "created_at", "updated_at")
    inlines = [SourceInline, ClaimInline]
    actions = [rerun_preannotation]
    list_select_related = ("assigned_to",)


@admin.register(Source)
class SourceAdmin(AuditedAdmin):
    list_display = ("name", "article", "published_on", "url")
    search_fields = ("name", "url", "article__title")
    list_select_related = ("article",)
    readonly_fields = ("content_hash",)


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
        "attempts",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "model_name", "pipeline_version")
    search_fields = ("article__title", "error")
    readonly_fields = [f.name for f in AnnotationRun._meta.fields]
    list_select_related = ("article",)

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


@admin.register(Verdict)
class VerdictAdmin(AuditedAdmin):
    list_display = ("claim", "rating", "reviewer", "is_published", "published_at", "updated_at")
    list_filter = ("is_published", "rating")
    search_fields = ("claim__text", "rationale")
    list_select_related = ("claim", "rating", "reviewer")
    filter_horizontal = ("evidence",)


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
