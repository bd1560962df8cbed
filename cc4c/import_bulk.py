"""Bulk upsert for imports: COPY into a temporary table, then one INSERT ... ON CONFLICT."""

import datetime
import io

from django.db import connections
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

# Distinct values remembered per column when encoding for COPY: dates and codes repeat a lot.
ENCODE_MEMO_SIZE = 20_000

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _array_literal(values):
    quoted = (str(v).replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return "{" + ",".join(f'"{v}"' for v in quoted) + "}"


def _copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | tuple):
        return _array_literal(value).translate(_COPY_ESCAPES)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _column_encoder():
    """Encode one column's values for COPY, remembering repeated non-text values."""
    memo = {}

    def encode(value):
        if value is None:
            return "\\N"
        if type(value) is str:
            return value.translate(_COPY_ESCAPES)
        key = tuple(value) if isinstance(value, list) else value
        text_ = memo.get(key)
        if text_ is None:
            text_ = _copy_value(value)
            if len(memo) < ENCODE_MEMO_SIZE:
                memo[key] = text_
        return text_

    return encode


def _history_columns(model, connection):
    """(historical table, columns copied from the record) when the model keeps history."""
    try:
        history_model = get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None, []
    own = {f.column for f in model._meta.concrete_fields}
    copied = [
        f.column
        for f in history_model._meta.concrete_fields
        if not f.name.startswith("history_") and f.column in own
    ]
    return history_model._meta.db_table, copied


def copy_upsert(model, fields, records, *, conflict, update=None, by=None, using="default"):
    """Insert or update ``records`` (tuples in ``fields`` order) keyed on the ``conflict`` fields.

    Returns (created, updated); rows equal to what is stored are left alone, so importing the
    same file twice changes nothing. A model with django-simple-history gets one history row
    per created or changed record, written by the same statement. Must run in a transaction.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("copy_upsert runs inside transaction.atomic()")
    meta = model._meta
    quote = connection.ops.quote_name
    given = [meta.get_field(name) for name in fields]
    columns = [f.column for f in given]
    keys = [meta.get_field(name).column for name in conflict]
    update_fields = [f for f in fields if f not in conflict] if update is None else list(update)
    changes = [meta.get_field(name).column for name in update_fields]
    # Fields the file does not carry get their model default on insert (and are kept on update).
    defaults = [
        f
        for f in meta.concrete_fields
        if f.column not in columns and not f.primary_key and f.has_default()
    ]
    temp = quote(f"import_{meta.db_table}")
    target = quote(meta.db_table)

    buffer = io.StringIO()
    encoded = [list(map(_column_encoder(), values)) for values in zip(*records, strict=True)]
    buffer.writelines(line + "\n" for line in map("\t".join, zip(*encoded, strict=True)))
    buffer.seek(0)

    insert_columns = ", ".join(quote(c) for c in columns + [f.column for f in defaults])
    select = ", ".join(
        [f"t.{quote(c)}" for c in columns] + [f"%s::{f.db_type(connection)}" for f in defaults]
    )
    params = [f.get_db_prep_save(f.get_default(), connection=connection) for f in defaults]
    if changes:
        assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in changes)
        old = ", ".join(f"{target}.{quote(c)}" for c in changes)
        new = ", ".join(f"EXCLUDED.{quote(c)}" for c in changes)
        on_conflict = f"DO UPDATE SET {assignments} WHERE ROW({old}) IS DISTINCT FROM ROW({new})"
    else:
        on_conflict = "DO NOTHING"
    history_table, history_columns = _history_columns(model, connection)
    returning = ", ".join([quote(c) for c in history_columns] + ["(xmax = 0) AS import_created"])
    history = ""
    if history_table:
        copied = ", ".join(quote(c) for c in history_columns)
        history = (
            f", history AS (INSERT INTO {quote(history_table)} ({copied}, history_date, "  # noqa: S608
            "history_type, history_user_id, history_change_reason) "
            f"SELECT {copied}, %s, CASE WHEN import_created THEN '+' ELSE '~' END, %s, %s "
            "FROM written)"
        )
        params += [timezone.now(), getattr(by, "pk", None), "CSV import"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        definition = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in given)
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} ({definition}) ON COMMIT DROP")
        cursor.copy_expert(
            f"COPY {temp} ({', '.join(quote(c) for c in columns)}) FROM STDIN", buffer
        )
        cursor.execute(
            f"WITH written AS (INSERT INTO {target} ({insert_columns}) "  # noqa: S608
            f"SELECT {select} FROM {temp} t "
            f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) {on_conflict} "
            f"RETURNING {returning}){history} "
            "SELECT count(*) FILTER (WHERE import_created), "
            "count(*) FILTER (WHERE NOT import_created) FROM written",
            params,
        )
        created, updated = cursor.fetchone()
        cursor.execute(f"DROP TABLE {temp}")
    return created, updated
