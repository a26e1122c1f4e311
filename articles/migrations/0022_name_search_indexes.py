"""Trigram indexes for the name searches of the statements page (speakers, their aliases, outlets).

Django's `name__icontains` is `UPPER(name) LIKE UPPER('%…%')` on PostgreSQL: without an index on that
expression every search read the whole speaker table, twice a page (2 ms at 5,000 speakers, and growing with
them). PostgreSQL only; pg_trgm is installed by 0007.
"""

from django.db import migrations

INDEXES = {
    "speaker_name_trgm": "articles_speaker",
    "speakeralias_name_trgm": "articles_speakeralias",
    "outlet_name_trgm": "articles_outlet",
}


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name, table in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (upper(name) gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_primary_source_jobs")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
