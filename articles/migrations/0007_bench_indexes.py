"""Indexes found missing by `make bench` (PostgreSQL only; SQLite has no trigram indexes).

The statements page searches renderings with `text__icontains`, which PostgreSQL runs as
`upper(text) LIKE '%WORD%'`: without a trigram index on that expression every search reads every quote.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "quote_text_upper_trgm"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_quote USING gin (upper(text) gin_trgm_ops)"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_quote_speaker_follows")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop, elidable=False)]
