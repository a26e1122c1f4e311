from django.contrib import admin

from articles.models import (
    Article,
    AuditEvent,
    Outlet,
    Quote,
    QuoteKey,
    Speaker,
    SpeakerAlias,
    Statement,
    VariantLabel,
)


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
