"""Indexes found missing by `make bench` (the trigram index on PostgreSQL only).

The statements page searches renderings with `text__icontains`, which PostgreSQL runs as
`upper(text) LIKE '%WORD%'`: without a trigram index on that expression every search reads every quote.

Candidate lookup at ingest (ingest._candidates) reads, for every index key of a new article, the quote and
its statement and article. With covering indexes it never visits the quote rows (about 1 kB each): at 1M
quotes the lookup went from 478 ms to 10 ms for one article on PostgreSQL (index-only scans).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRESQL = {
    "quote_text_upper_trgm": "ON articles_quote USING gin (upper(text) gin_trgm_ops)",
    "quotekey_key_quote_idx": "ON articles_quotekey (key) INCLUDE (quote_id)",
    "quote_candidate_idx": "ON articles_quote (id) INCLUDE (statement_id, article_id)",
    # The statements page's default sort in full (forms.SORTS["outlets"]): deep pages need no sort of the
    # thousands of statements that tie on (outlets, renderings) = (1, 1).
    "statement_outlets_sort_idx": "ON articles_statement (outlet_count DESC, rendering_count DESC, "
    "occasion_date DESC, id)",
}
SQLITE = {
    "quotekey_key_quote_idx": "ON articles_quotekey (key, quote_id)",
    "quote_candidate_idx": "ON articles_quote (id, statement_id, article_id)",
    "statement_outlets_sort_idx": "ON articles_statement (outlet_count DESC, rendering_count DESC, "
    "occasion_date DESC, id)",
}


def _indexes(schema_editor) -> dict[str, str]:
    return {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor, {})


def create(apps, schema_editor) -> None:
    for name, definition in _indexes(schema_editor).items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor) -> None:
    for name in _indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_quote_speaker_follows")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop, elidable=False)]
