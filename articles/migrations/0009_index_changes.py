"""Index changes measured by `make bench` after the statements page moved to Statement.search_text (0008).

- The trigram index on quote text (0007, PostgreSQL) served the old search over rendering texts; every
  ingested quote paid to keep it and the admin's quote search (an OR over several fields) never used it.
- Candidate lookup reads at most the newest postings of each key (ingest._candidate_statements): on
  PostgreSQL the covering index becomes (key, quote_id), ordered as that read wants, as it is on SQLite.
  The plain index on key is a prefix of it and goes.
"""

from django.db import migrations

POSTGRESQL_DROP = ["quote_text_upper_trgm", "quotekey_key_quote_idx"]
POSTGRESQL_CREATE = {"quotekey_key_quote_idx": "ON articles_quotekey (key, quote_id)"}
POSTGRESQL_RESTORE = {
    "quote_text_upper_trgm": "ON articles_quote USING gin (upper(text) gin_trgm_ops)",
    "quotekey_key_quote_idx": "ON articles_quotekey (key) INCLUDE (quote_id)",
}


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name in POSTGRESQL_DROP:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        for name, definition in POSTGRESQL_CREATE.items():
            schema_editor.execute(f"CREATE INDEX {name} {definition}")


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS quotekey_key_quote_idx")
        for name, definition in POSTGRESQL_RESTORE.items():
            schema_editor.execute(f"CREATE INDEX {name} {definition}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_statement_search_text")]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveIndex(model_name="quotekey", name="quotekey_key_idx"),
    ]
