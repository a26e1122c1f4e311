"""Bulk rows straight into tables (PostgreSQL COPY, SQLite executemany): the 1M-quote data set in minutes."""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from django.db import connection


def write(model, rows: Iterable[Mapping[str, object]]) -> int:
    """Rows map field names (`outlet_id` for a foreign key) to values, primary key included. A field left out
    takes its default, so a column added to a model with a default needs nothing here; an unknown name fails."""
    fields = model._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in fields}
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(f.column) for f in fields)

    def values(row: Mapping[str, object]) -> tuple:
        if unknown := row.keys() - defaults.keys():
            raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
        return tuple(row.get(name, default) for name, default in defaults.items())

    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
                    n += 1
        else:
            marks = ", ".join("?" for _ in fields)
            batch: list[tuple] = []
            for row in rows:
                batch.append(values(row))
                if len(batch) >= 20_000:
                    cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", batch)
                n += len(batch)
    return n


def reset_sequences(*models) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite continues after the largest id by itself
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"
            )


def analyze() -> None:
    """Statistics, and on PostgreSQL the visibility map that index-only scans need (autovacuum's steady state)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def database_bytes() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
        else:
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        return int(cursor.fetchone()[0])


@contextmanager
def offsets_trigger_off() -> Iterator[None]:
    """PostgreSQL: skip the per-row offsets trigger (migration 0002) for generated rows; check a sample after."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE articles_quote DISABLE TRIGGER quote_text_matches_body")
        yield
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the pending foreign-key checks first
        cursor.execute("ALTER TABLE articles_quote ENABLE TRIGGER quote_text_matches_body")
        cursor.execute(
            "SELECT count(*) FROM (SELECT q.text, a.body, q.start, q.end FROM articles_quote q"
            " JOIN articles_article a ON a.id = q.article_id ORDER BY q.id DESC LIMIT 2000) s"
            " WHERE substr(s.body, s.start + 1, s.end - s.start) IS DISTINCT FROM s.text"
        )
        bad = cursor.fetchone()[0]
        if bad:
            raise AssertionError(f"{bad} generated quotes do not match their article bodies")
