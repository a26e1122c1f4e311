"""Quote keys rebuilt: matching now stems words with Snowball's English stemmer (issue 13), which changes the
candidate-index keys (articles.nlp.matching.index_keys). Without this, quotes stored before would no longer
share keys with new articles' quotes, and new renderings of their statements would go unfound.

Unlike the other data migrations this one calls the running code on purpose: the keys must be the ones the
matcher computes for new quotes, whatever it computes then. A later change of key shape adds a migration
that runs `rebuild` again.
"""

from django.db import migrations

BATCH = 5_000


def rebuild(apps, schema_editor) -> None:
    from articles.nlp.matching import index_keys

    Quote = apps.get_model("articles", "Quote")
    QuoteKey = apps.get_model("articles", "QuoteKey")
    alias = schema_editor.connection.alias
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {schema_editor.quote_name(QuoteKey._meta.db_table)}")
    rows = []
    for pk, text in (
        Quote.objects.using(alias).order_by("pk").values_list("pk", "text").iterator(chunk_size=BATCH)
    ):
        rows += [QuoteKey(quote_id=pk, key=key) for key in set(index_keys(text))]  # as ingest stores them
        if len(rows) >= BATCH:
            QuoteKey.objects.using(alias).bulk_create(rows)
            rows = []
    QuoteKey.objects.using(alias).bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_article_versions")]

    # Backwards too: the keys are the running code's either way.
    operations = [migrations.RunPython(rebuild, rebuild, elidable=False)]
