"""Bulk upsert for imports: COPY into a temporary table, then one INSERT ... ON CONFLICT."""

import datetime
import re
import tempfile

from django.db import connections
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

# Distinct values remembered per column when encoding for COPY: dates and codes repeat a lot.
ENCODE_MEMO_SIZE = 20_000

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

# A line as a file opened with newline="" gives it: its own ending kept (\r\n, \n or \r).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# What a COPY buffer holds in memory before it moves to a temporary file.
SPOOL_BYTES = 1024 * 1024


def text_lines(text):
    """The lines of ``text`` for ``csv.reader``, one at a time. (``io.StringIO(text)`` would
    hold a second copy of the whole file, four bytes a character.)"""
    return (match.group() for match in _LINE.finditer(text))


def copy_buffer():
    """A text buffer for COPY ... FROM STDIN that spills to a temporary file when it grows:
    an import's memory does not grow with the data it sends to the database."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", newline="")


def _array_literal(values):
    quoted = (str(v).replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return "{" + ",".join(f'"{v}"' for v in quoted) + "}"


def copy_value(value):
    """One value in COPY's text format (None is NULL; lists are array literals)."""
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
            text_ = copy_value(value)
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
    temp = quote(f"import_{meta.db_table}")

    buffer = copy_buffer()
    encoded = [list(map(_column_encoder(), values)) for values in zip(*records, strict=True)]
    buffer.writelines(line + "\n" for line in map("\t".join, zip(*encoded, strict=True)))
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        definition = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in given)
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} ({definition}) ON COMMIT DROP")
        cursor.copy_expert(
            f"COPY {temp} ({', '.join(quote(c) for c in columns)}) FROM STDIN", buffer
        )
    source = f"SELECT {', '.join(quote(c) for c in columns)} FROM {temp}"  # noqa: S608
    counts = upsert_select(
        model, fields, source, conflict=conflict, update=update, by=by, using=using
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {temp}")
    return counts


def upsert_select(
    model,
    fields,
    source,
    params=(),
    *,
    conflict,
    update=None,
    compare=None,
    by=None,
    written=None,
    using="default",
):
    """Insert or update the rows a query gives (columns named as the model's), keyed on the
    ``conflict`` fields: the set-based half of ``copy_upsert``, with the same guarantees.

    A stored record is changed (and gets a history row) only when one of the ``compare``
    fields (by default the ``update`` fields) differs; the ``update`` fields are then all set.
    Rows equal to their stored record are set aside by one join before the insert, so an
    unchanged file costs no index look-up per row. ``written`` names a temporary table to
    create holding the ids of the records created or changed, for follow-up work on just
    those. Must run in a transaction.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("upsert_select runs inside transaction.atomic()")
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in fields]
    keys = [meta.get_field(name).column for name in conflict]
    update_fields = [f for f in fields if f not in conflict] if update is None else list(update)
    changes = [meta.get_field(name).column for name in update_fields]
    compared = [meta.get_field(name) for name in (update_fields if compare is None else compare)]
    # Fields the file does not carry get their model default on insert (and are kept on update).
    defaults = [
        f
        for f in meta.concrete_fields
        if f.column not in columns and not f.primary_key and f.has_default()
    ]
    target = quote(meta.db_table)
    insert_columns = ", ".join(quote(c) for c in columns + [f.column for f in defaults])
    select = ", ".join(
        [f"t.{quote(c)}" for c in columns] + [f"%s::{f.db_type(connection)}" for f in defaults]
    )
    params = [f.get_db_prep_save(f.get_default(), connection=connection) for f in defaults] + list(
        params
    )
    stored = f"import_stored.{quote(meta.pk.column)} IS NULL"
    if changes:
        assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in changes)
        old = ", ".join(f"{target}.{quote(f.column)}" for f in compared)
        new = ", ".join(f"EXCLUDED.{quote(f.column)}" for f in compared)
        on_conflict = f"DO UPDATE SET {assignments} WHERE ROW({old}) IS DISTINCT FROM ROW({new})"
        if compared:
            was = ", ".join(f"import_stored.{quote(f.column)}" for f in compared)
            now = ", ".join(f"t.{quote(f.column)}::{f.db_type(connection)}" for f in compared)
            stored += f" OR ROW({was}) IS DISTINCT FROM ROW({now})"
    else:
        on_conflict = "DO NOTHING"
    if set(keys) <= set(columns):
        matched = " AND ".join(
            f"import_stored.{quote(k)} = t.{quote(k)}::{meta.get_field(name).db_type(connection)}"
            for k, name in zip(keys, conflict, strict=True)
        )
        source = (
            f"SELECT t.* FROM ({source}) t "  # noqa: S608
            f"LEFT JOIN {target} import_stored ON {matched} WHERE {stored}"
        )
    history_table, history_columns = _history_columns(model, connection)
    pk = quote(meta.pk.column)
    returned = [quote(c) for c in history_columns]
    if pk not in returned:
        returned.append(pk)
    returning = ", ".join(returned + ["(xmax = 0) AS import_created"])
    extra = []
    if history_table:
        copied = ", ".join(quote(c) for c in history_columns)
        extra.append(
            f"history AS (INSERT INTO {quote(history_table)} ({copied}, history_date, "  # noqa: S608
            "history_type, history_user_id, history_change_reason) "
            f"SELECT {copied}, %s, CASE WHEN import_created THEN '+' ELSE '~' END, %s, %s "
            "FROM written)"
        )
        params += [timezone.now(), getattr(by, "pk", None), "CSV import"]
    with connection.cursor() as cursor:
        if written:
            cursor.execute(
                f"DROP TABLE IF EXISTS {quote(written)}; "
                f"CREATE TEMPORARY TABLE {quote(written)} (id bigint PRIMARY KEY) ON COMMIT DROP"
            )
            extra.append(f"ids AS (INSERT INTO {quote(written)} SELECT {pk} FROM written)")  # noqa: S608
        cursor.execute(
            f"WITH written AS (INSERT INTO {target} ({insert_columns}) "  # noqa: S608
            f"SELECT {select} FROM ({source}) t "
            f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) {on_conflict} "
            f"RETURNING {returning}){''.join(', ' + e for e in extra)} "
            "SELECT count(*) FILTER (WHERE import_created), "
            "count(*) FILTER (WHERE NOT import_created) FROM written",
            params,
        )
        created, updated = cursor.fetchone()
    return created, updated
