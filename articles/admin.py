from django.contrib import admin, messages

from articles.feeds import poll_now, schedule
from articles.models import (
    Article,
    AuditEvent,
    Feed,
    FeedPoll,
    IngestJob,
    IngestJobFile,
    Outlet,
    Quote,
    QuoteKey,
    Speaker,
    SpeakerAlias,
    Statement,
    VariantLabel,
)
from articles.uploads import rerun_job


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "language"]
    search_fields = ["name", "domain"]
    list_filter = ["language"]


class QuoteInline(admin.TabularInline):
    model = Quote
    fields = ["text", "kind", "speaker", "speaker_as_written", "cue", "relay", "statement", "start", "end"]
    raw_id_fields = ["speaker", "statement"]
    extra = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "published", "published_guessed", "source_name", "ingested_at"]
    list_filter = ["outlet", "published_guessed", "outlet_guessed", "language", "published"]
    search_fields = ["title", "source_name", "url", "body"]
    date_hierarchy = "ingested_at"
    readonly_fields = ["content_hash", "ingested_at"]
    raw_id_fields = ["outlet"]
    inlines = [QuoteInline]


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    fields = ["name", "decided_by", "evidence"]
    extra = 0


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "description", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "description", "aliases__name"]
    inlines = [SpeakerAliasInline]


@admin.register(SpeakerAlias)
class SpeakerAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "speaker", "decided_by", "evidence"]
    list_filter = ["decided_by"]
    search_fields = ["name", "speaker__name"]
    raw_id_fields = ["speaker"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "speaker", "occasion_date", "reference_decided_by", "created_at"]
    list_filter = ["reference_decided_by", "occasion_date"]
    search_fields = ["label", "occasion", "speaker__name", "renderings__text"]
    raw_id_fields = ["speaker", "reference"]
    list_select_related = ["speaker"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "speaker", "speaker_as_written", "article", "statement"]
    list_filter = ["kind", "speaker_decided_by", "statement_decided_by", "not_a_quote"]
    search_fields = ["text", "speaker_as_written", "speaker__name", "article__title"]
    raw_id_fields = ["article", "statement", "speaker"]
    list_select_related = ["speaker", "article", "statement"]


@admin.register(QuoteKey)
class QuoteKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "quote"]
    search_fields = ["key"]
    raw_id_fields = ["quote"]


@admin.register(VariantLabel)
class VariantLabelAdmin(admin.ModelAdmin):
    list_display = ["quote", "label", "severity", "proposed", "author", "created_at"]
    list_filter = ["label", "severity", "proposed"]
    search_fields = ["note", "evidence", "quote__text"]
    raw_id_fields = ["quote", "author"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "statement"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["object_id", "actor__username", "action"]
    raw_id_fields = ["actor", "statement"]
    date_hierarchy = "at"


# --- uploads ----------------------------------------------------------------------------------------------


class IngestJobFileInline(admin.TabularInline):
    model = IngestJobFile
    fields = ["position", "name", "kind", "size", "status", "error", "finished_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "files_done", "files_total", "articles_created", "sources_failed",
                    "created_by", "created_at", "finished_at", "attempt"]  # fmt: skip
    list_filter = ["status", "created_at"]
    search_fields = ["files__name", "outlet", "error"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_by", "created_at", "status", "attempt", "task_id", "started_at", "heartbeat_at", "finished_at",
        "files_total", "files_done", "articles_created", "articles_unchanged", "articles_updated",
        "sources_failed", "error",
    ]  # fmt: skip
    list_select_related = ["created_by"]
    inlines = [IngestJobFileInline]
    actions = ["rerun"]

    def has_add_permission(self, request) -> bool:
        return False  # jobs come from the upload page

    @admin.action(description="Re-run the failed files of the selected jobs", permissions=["change"])
    def rerun(self, request, queryset):
        rerun, skipped = 0, []
        for job in queryset:
            try:
                rerun_job(job=job)
                rerun += 1
            except ValueError as error:
                skipped.append(str(error))
        if rerun:
            self.message_user(request, f"{rerun} job(s) queued again.", messages.SUCCESS)
        for reason in skipped:
            self.message_user(request, reason, messages.WARNING)


@admin.register(IngestJobFile)
class IngestJobFileAdmin(admin.ModelAdmin):
    list_display = ["name", "job", "status", "size", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name"]
    raw_id_fields = ["job"]
    readonly_fields = ["job", "position", "name", "kind", "stored_as", "size", "status", "outcomes", "error",
                       "finished_at"]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False


class FeedPollInline(admin.TabularInline):
    model = FeedPoll
    fields = ["started_at", "status", "items_seen", "items_new", "articles_stored", "items_failed", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0  # the record of polls is the worker's, not edited by hand

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-started_at")


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "url",
        "outlet",
        "interval",
        "active",
        "last_polled_at",
        "failures",
        "next_poll_at",
    ]
    list_filter = ["active"]
    search_fields = ["url", "title", "outlet"]
    fields = ["url", "title", "outlet", "interval", "active", "next_poll_at", "last_polled_at", "failures",
              "last_error", "etag", "last_modified", "created_by", "created_at"]  # fmt: skip
    readonly_fields = ["next_poll_at", "last_polled_at", "failures", "last_error", "etag", "last_modified",
                       "created_by", "created_at"]  # fmt: skip
    inlines = [FeedPollInline]
    actions = ["poll_selected_now"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        schedule()

    @admin.action(description="Poll the selected feeds now")
    def poll_selected_now(self, request, queryset) -> None:
        for feed in queryset.filter(active=True):
            poll_now(feed)
        self.message_user(request, f"{queryset.filter(active=True).count()} feed(s) will be polled now.")
