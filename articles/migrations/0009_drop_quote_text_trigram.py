"""Drop the trigram index on quote text (0007, PostgreSQL only).

It served the statements page's search over rendering texts, which now reads `Statement.search_text` (0008).
Every ingested quote paid for keeping it up to date; the admin's quote search ORs several fields and never
used it.
"""

from django.db import migrations

INDEX = "quote_text_upper_trgm"


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_quote USING gin (upper(text) gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_statement_search_text")]

    operations = [migrations.RunPython(drop, create, elidable=False)]
