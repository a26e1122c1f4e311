"""Database triggers: a quote's offsets lie inside its article's body and body[start:end] == text.

A CHECK constraint cannot read another table, so both SQLite and PostgreSQL get a trigger on insert and
update of a quote (and on update of an article's body while quotes point into it). Both databases count
characters (code points) in substr(), as Python does.
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER quote_text_matches_body_insert BEFORE INSERT ON articles_quote
    WHEN (SELECT substr(body, NEW.start + 1, NEW."end" - NEW.start) FROM articles_article
          WHERE id = NEW.article_id) IS NOT NEW.text
      OR NEW."end" > (SELECT length(body) FROM articles_article WHERE id = NEW.article_id)
    BEGIN SELECT RAISE(ABORT, 'quote text does not match its article body at its offsets'); END
    """,
    """
    CREATE TRIGGER quote_text_matches_body_update BEFORE UPDATE OF text, start, "end", article_id ON articles_quote
    WHEN (SELECT substr(body, NEW.start + 1, NEW."end" - NEW.start) FROM articles_article
          WHERE id = NEW.article_id) IS NOT NEW.text
      OR NEW."end" > (SELECT length(body) FROM articles_article WHERE id = NEW.article_id)
    BEGIN SELECT RAISE(ABORT, 'quote text does not match its article body at its offsets'); END
    """,
    """
    CREATE TRIGGER article_body_keeps_quotes BEFORE UPDATE OF body ON articles_article
    WHEN EXISTS (SELECT 1 FROM articles_quote q WHERE q.article_id = NEW.id
                 AND (q."end" > length(NEW.body) OR substr(NEW.body, q.start + 1, q."end" - q.start) IS NOT q.text))
    BEGIN SELECT RAISE(ABORT, 'article body change would break the offsets of its quotes'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS quote_text_matches_body_insert",
    "DROP TRIGGER IF EXISTS quote_text_matches_body_update",
    "DROP TRIGGER IF EXISTS article_body_keeps_quotes",
]

POSTGRESQL = [
    """
    CREATE FUNCTION articles_quote_text_matches_body() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE article_body text;
    BEGIN
        SELECT body INTO article_body FROM articles_article WHERE id = NEW.article_id;
        IF NEW."end" <= NEW.start OR NEW."end" > length(article_body)
           OR substr(article_body, NEW.start + 1, NEW."end" - NEW.start) IS DISTINCT FROM NEW.text THEN
            RAISE EXCEPTION 'quote text does not match its article body at its offsets'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER quote_text_matches_body BEFORE INSERT OR UPDATE OF text, start, "end", article_id
    ON articles_quote FOR EACH ROW EXECUTE FUNCTION articles_quote_text_matches_body()
    """,
    """
    CREATE FUNCTION articles_article_body_keeps_quotes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM articles_quote q WHERE q.article_id = NEW.id
                   AND (q."end" > length(NEW.body)
                        OR substr(NEW.body, q.start + 1, q."end" - q.start) IS DISTINCT FROM q.text)) THEN
            RAISE EXCEPTION 'article body change would break the offsets of its quotes'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER article_body_keeps_quotes BEFORE UPDATE OF body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_body_keeps_quotes()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS quote_text_matches_body ON articles_quote",
    "DROP FUNCTION IF EXISTS articles_quote_text_matches_body()",
    "DROP TRIGGER IF EXISTS article_body_keeps_quotes ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_body_keeps_quotes()",
]


def run(statements):
    def apply(apps, schema_editor):
        for sql in statements[schema_editor.connection.vendor]:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
