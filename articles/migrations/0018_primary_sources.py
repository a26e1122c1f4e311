"""Primary sources: an article may be a primary source, and its sentences quotes of kind primary.

SQLite changes the quote table's CHECK constraint by rebuilding the table, which the triggers of migration
0002 would stop: they are dropped around it and made again (as in 0010).
"""

from importlib import import_module

from django.db import migrations, models

triggers = import_module("articles.migrations.0002_quote_text_matches_body")
SQLITE_ONLY = {"postgresql": []}


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_rebuild_quote_keys")]

    operations = [
        migrations.RunPython(
            triggers.run({"sqlite": triggers.SQLITE_REVERSE, **SQLITE_ONLY}),
            triggers.run({"sqlite": triggers.SQLITE, **SQLITE_ONLY}),
        ),
        migrations.RemoveConstraint(model_name="quote", name="quote_kind_valid"),
        migrations.AddField(
            model_name="article",
            name="kind",
            field=models.CharField(
                choices=[("news", "news article"), ("primary", "primary source")], default="news", max_length=8
            ),
        ),
        migrations.AlterField(
            model_name="quote",
            name="kind",
            field=models.CharField(
                choices=[
                    ("direct", "direct"),
                    ("partial", "partial"),
                    ("headline", "headline"),
                    ("indirect", "indirect (reported speech)"),
                    ("primary", "primary source"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="quote",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["direct", "partial", "headline", "indirect", "primary"])),
                name="quote_kind_valid",
            ),
        ),
        migrations.RunPython(
            triggers.run({"sqlite": triggers.SQLITE, **SQLITE_ONLY}),
            triggers.run({"sqlite": triggers.SQLITE_REVERSE, **SQLITE_ONLY}),
        ),
    ]
