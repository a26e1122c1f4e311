"""Quote.label_confidence: how sure the label proposed against its statement's reference is (review queue).

Filled here for renderings already filed under a statement; articles.statements.recompute keeps it after.
"""

from django.db import migrations, models

from articles.nlp.confidence import label_confidence
from articles.nlp.diff import propose_label


def fill(apps, schema_editor) -> None:
    Quote = apps.get_model("articles", "Quote")
    Statement = apps.get_model("articles", "Statement")
    references = dict(
        Statement.objects.filter(reference__isnull=False).values_list("pk", "reference__text")
    )
    kinds = dict(Statement.objects.filter(reference__isnull=False).values_list("pk", "reference__kind"))
    sql = "UPDATE articles_quote SET label_confidence = %s WHERE id = %s"
    rows: list[tuple[float, int]] = []
    quotes = Quote.objects.filter(statement__in=references, not_a_quote=False).order_by("pk")
    with schema_editor.connection.cursor() as cursor:
        for pk, statement_id, text, kind in quotes.values_list("pk", "statement_id", "text", "kind").iterator(
            chunk_size=10_000
        ):
            reference = references[statement_id]
            if (text, kind) != (reference, kinds[statement_id]):
                proposal = propose_label(reference=reference, other=text, other_kind=kind)
                rows.append((label_confidence(proposal), pk))
            if len(rows) >= 5_000:
                cursor.executemany(sql, rows)
                rows = []
        cursor.executemany(sql, rows)


class Migration(migrations.Migration):
    dependencies = [("articles", "0022_name_search_indexes")]

    operations = [
        migrations.AddField(model_name="quote", name="label_confidence", field=models.FloatField(blank=True, null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
