"""Writing many rows of one of the taxes app's tables at once: PostgreSQL ``COPY`` (text format, rows streamed in
chunks) where available, ``bulk_create`` elsewhere (SQLite). Rows are plain tuples in the order of ``columns``
(model attribute names, e.g. ``tax_object_id``), so no model instance is built for each of the hundreds of thousands
of rows of a yearly SPPT run. The caller holds the transaction; database constraints still apply to every row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models

CHUNK_BYTES = 1 << 20
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def _converter(field: models.Field) -> Any:
    """The fastest way to write values of ``field`` (numbers need no escaping; anything else goes through _text)."""
    numeric = isinstance(field, (models.IntegerField, models.DecimalField, models.ForeignKey, models.AutoField))
    if numeric and not field.null:
        return str
    return _text


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert ``rows`` into ``model``'s table; returns how many. Must run inside ``transaction.atomic()``."""
    if not rows:
        return 0
    if not connection.in_atomic_block:
        raise RuntimeError("insert_rows must run inside transaction.atomic()")
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500)
        return len(rows)
    meta = model._meta
    fields = [meta.get_field(c[:-3] if c.endswith("_id") and c != "id" else c) for c in columns]
    names = [field.column for field in fields]
    converters = [_converter(field) for field in fields]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        buffer: list[str] = []
        size = 0
        for row in rows:
            line = "\t".join([convert(value) for convert, value in zip(converters, row, strict=True)]) + "\n"
            buffer.append(line)
            size += len(line)
            if size >= CHUNK_BYTES:
                copy.write("".join(buffer))
                buffer, size = [], 0
        if buffer:
            copy.write("".join(buffer))
    return len(rows)
