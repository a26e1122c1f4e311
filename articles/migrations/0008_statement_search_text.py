"""Statement.search_text: the renderings' texts, casefolded, one per line (see articles.search).

Filled here for existing statements; on PostgreSQL a trigram index lets `LIKE '%word%'` on it use the index.
"""

from django.db import migrations, models

INDEX = "statement_search_text_trgm"


def fill(apps, schema_editor) -> None:
    """The same text as articles.search.search_text, written in batches (the code may change, this may not)."""
    Quote = apps.get_model("articles", "Quote")
    quotes = Quote.objects.filter(statement__isnull=False, not_a_quote=False).order_by("statement_id", "pk")
    sql = "UPDATE articles_statement SET search_text = %s WHERE id = %s"
    rows: list[tuple[str, int]] = []
    current, texts = None, {}
    with schema_editor.connection.cursor() as cursor:
        for statement_id, text in quotes.values_list("statement_id", "text").iterator(chunk_size=10_000):
            if statement_id != current:
                if current is not None:
                    rows.append(("\n".join(texts), current))
                current, texts = statement_id, {}
            texts[text.casefold()] = None
            if len(rows) >= 5_000:
                cursor.executemany(sql, rows)
                rows = []
        if current is not None:
            rows.append(("\n".join(texts), current))
        cursor.executemany(sql, rows)


def create_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_statement USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_bench_indexes")]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="search_text",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="The renderings' texts, casefolded, one per line: what the statements page searches "
                "(articles.search; ingest.refresh_statements keeps it).",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
