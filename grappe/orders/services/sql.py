"""The orders services' bulk SQL: one statement for any number of rows, on PostgreSQL and SQLite.

Closing a national cycle writes 10^5 order lines; the ORM's bulk_create and bulk_update would split
them into batches and build a model instance per row. These two functions write them in one
statement each (docs/architecture.md, "Orders: closing a national cycle in one transaction"). The
only raw SQL of the services: the rest goes through the ORM.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection

from ..models import OrderLine


def set_allotted(pairs: list[tuple[int, Decimal]]):
    """order line id -> allotted, in one statement whatever the number of lines."""
    if not pairs:
        return
    table = OrderLine._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the arrays as literals, built here: psycopg's generic list dumper checks every item
            # for quoting, which costs a second of CPU for 10^5 lines (ids and Decimals need none)
            cursor.execute(
                f"UPDATE {table} AS l SET allotted = v.a FROM "  # noqa: S608 (table name from the model)
                "(SELECT unnest(%s::bigint[]) AS id, unnest(%s::numeric[]) AS a) AS v WHERE l.id = v.id",
                ["{" + ",".join([str(int(p[0])) for p in pairs]) + "}",
                 "{" + ",".join([str(Decimal(p[1])) for p in pairs]) + "}"],
            )
        else:
            cursor.executemany(f"UPDATE {table} SET allotted = %s WHERE id = %s",  # noqa: S608
                               [(str(a), pk) for pk, a in pairs])


def insert_rows(model, objs):
    """Insert rows whose primary keys are not needed afterwards, in one statement for any number.

    PostgreSQL: INSERT ... SELECT FROM unnest(arrays); SQLite: one executemany (bulk_create would
    split the rows into batches there, and building model instances is slow for 10^5 rows).
    `objs`: model instances or dicts of field name -> value.
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    postgres = connection.vendor == "postgresql"
    adapt = connection.ops.adapt_datetimefield_value

    def value(v):
        if isinstance(v, Decimal):
            return v if postgres else str(v)
        if isinstance(v, datetime.datetime) and not postgres:
            return adapt(v)
        return v

    if isinstance(objs[0], dict):
        rows = [[value(obj.get(name, defaults[name])) for name in names] for obj in objs]
    else:
        rows = [[value(getattr(obj, name)) for name in names] for obj in objs]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if postgres:
            casts = ", ".join(f"%s::{_array_type(f)}[]" for f in fields)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({casts})",  # noqa: S608
                           [list(column) for column in zip(*rows, strict=True)])
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",  # noqa: S608
                               rows)


def _array_type(field) -> str:
    kind = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
    return {"bigserial": "bigint", "serial": "integer"}.get(kind, kind)
