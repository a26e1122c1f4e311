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
