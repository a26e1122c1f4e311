"""Hand-written SQL for the queries the ingest writer runs on every article.

Building and compiling a queryset cost the writer more CPU than the database spent answering it (a profile of
200 articles: a third of the writer's time inside the ORM); these queries are plain SQL run on Django's
connection, the same on SQLite and PostgreSQL.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def marks(values: Sequence[object]) -> str:
    """Placeholders for an IN list of `values` (never empty: callers return early)."""
    return ", ".join(["%s"] * len(values))


def rows(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_date(value: object) -> datetime.date | None:
    """A date column read through an aggregate: SQLite gives its text, PostgreSQL a date."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    assert value is None or isinstance(value, datetime.date), value
    return value


# PostgreSQL plans from table statistics that autovacuum refreshes at most once a minute, after a tenth of a
# table has changed; an ingest into a new or small database outgrows them in seconds. The writer analyses a
# table itself once this share of it (and at least STALE_ROWS rows) changed since it was last analysed.
STALE_SHARE = 0.1
STALE_ROWS = 500


def refresh_statistics(models: Sequence[type[Model]]) -> None:
    """Analyse the tables of `models` whose statistics are stale (nothing to do on SQLite, whose planner reads
    none unless asked). Why: a statement's 1,000 renderings read through a plan made when the tables were
    empty (a sort of every posting of a key instead of the index's newest 20) cost its candidate lookup 15
    times the database's CPU. A table that autovacuum is analysing meanwhile is skipped, not waited for."""
    if connection.vendor != "postgresql":
        return
    stale = rows(
        "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s)"
        " AND n_mod_since_analyze > %s + %s * GREATEST(n_live_tup, 0)",
        [[model._meta.db_table for model in models], STALE_ROWS, STALE_SHARE],
    )
    if stale:
        with connection.cursor() as cursor:
            cursor.execute(
                f"ANALYZE (SKIP_LOCKED) {', '.join(connection.ops.quote_name(name) for (name,) in stale)}"
            )


class Statistics:
    """Counts the articles a run writes and refreshes the statistics of `models` every `every` of them."""

    def __init__(self, models: Sequence[type[Model]], every: int = 25) -> None:
        self.models, self.every, self.written = models, every, 0

    def article_written(self) -> None:
        self.written += 1
        if self.written % self.every == 0:
            refresh_statistics(self.models)
