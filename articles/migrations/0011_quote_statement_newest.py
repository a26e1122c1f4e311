"""A statement's newest renderings without sorting them all, on PostgreSQL (ingest reads the newest 40 of a
candidate statement that a thousand outlets carried; migration 0007 holds the other vendor-specific indexes).

SQLite needs none: its index on statement_id keeps each statement's rows in rowid order, read backwards; an
index on (statement_id, id) there made its planner choose worse plans elsewhere (`make bench`, one statement
with 1,005 renderings: adding the last cost 2.3 times adding the 10th, against 0.9 without).
"""

from django.db import migrations

NAME = "quote_statement_newest_idx"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON articles_quote (statement_id, id)")


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_quote_speaker_in_article")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
