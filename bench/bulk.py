"""Bulk rows straight into tables (PostgreSQL COPY, SQLite executemany): the 1M-quote data set in minutes."""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection


def columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def write(model, rows: Iterable[Sequence]) -> int:
    """Rows are tuples in the order of columns(model), primary key included."""
    table, cols = model._meta.db_table, columns(model)
    quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            marks = ", ".join("?" for _ in cols)
            batch: list[Sequence] = []
            for row in rows:
                batch.append(row)
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
