"""Quote.speaker_in_article: who spoke as the article names or describes them, whoever the speaker turns out to be.

SQLite adds a NOT NULL column by rebuilding the table, and a trigger of migration 0002 that names the quote
table would stop the rebuild: the SQLite triggers are dropped around it and made again.
"""

from importlib import import_module

from django.db import migrations, models

triggers = import_module("articles.migrations.0002_quote_text_matches_body")
SQLITE_ONLY = {"postgresql": []}


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_index_changes")]

    operations = [
        migrations.RunPython(
            triggers.run({"sqlite": triggers.SQLITE_REVERSE, **SQLITE_ONLY}),
            triggers.run({"sqlite": triggers.SQLITE, **SQLITE_ONLY}),
        ),
        migrations.AddField(
            model_name="quote",
            name="speaker_in_article",
            field=models.CharField(
                blank=True,
                help_text="Who spoke as the article names them at their fullest: 'Hillary Clinton', 'a Chinese official'.",
                max_length=300,
            ),
        ),
        migrations.RunPython(
            triggers.run({"sqlite": triggers.SQLITE, **SQLITE_ONLY}),
            triggers.run({"sqlite": triggers.SQLITE_REVERSE, **SQLITE_ONLY}),
        ),
    ]
