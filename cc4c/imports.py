"""The CSV import engine: parse a file, validate every row, then write it all in one transaction.

Each app declares its formats in ``<app>/imports.py`` as an ``ImportFormat`` subclass decorated
with ``@register``: columns, a natural key and a few hooks (../shared/spec/import-formats.md).
The engine owns everything common to the seven formats: encoding, headers, line numbers,
refusing the whole file when one row is bad, the coordinator's hub scope, bulk upserts and the
``ImportRun`` record of every attempt.
"""

import csv
import datetime
import gc
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from hubs.validators import ODS_RE, nhs_number_is_valid, normalise_nhs_number, normalise_postcode

# The spec's order; the admin upload offers the registered ones in this order.
KINDS = (
    "practices",
    "children",
    "hospital-activity",
    "mdt-cases",
    "clinic-appointments",
    "advice-requests",
    "champion-activities",
)
# A failed run keeps this many error lines; the exception carries all of them.
STORED_ERRORS = 1000


@dataclass(frozen=True)
class Column:
    """One column of a format. ``parse`` gets the stripped, non-empty cell and raises
    ValueError("reason") when it is not acceptable; an empty optional cell becomes None. It must
    depend on the cell alone (each distinct value is parsed once per file) and its result is
    shared by the rows holding that value, so it is never changed in place."""

    name: str
    required: bool = True
    parse: Callable[[str], object] = str


class Row(dict):
    """One parsed data row, keyed by column name; ``line`` is its line in a spreadsheet."""

    __slots__ = ("line",)


class Context(dict):
    """What one import run shares between its hooks; keys are also attributes (``ctx.today``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value


class ImportFormat:
    """A CSV format. Subclasses set ``kind``, ``columns``, ``natural_key`` and write ``write``."""

    kind = ""
    columns: list[Column] = []
    natural_key: tuple[str, ...] = ()
    # The column named when a row touches a hub outside the uploader's (e.g. "practice_ods").
    hub_column = "hub_code"

    def prepare(self, rows, ctx):
        """Load what validate_row needs for all rows at once (a query per lookup, not per row)."""

    def validate_row(self, row, ctx):
        """Cross-field and lookup checks: a list of (column, reason)."""
        return []

    def hub_ids(self, rows, ctx):
        """Ids of the hubs these rows touch, existing records included (a practice a child
        leaves counts). Called for the whole file, and row by row (``[row]``) to check a
        coordinator's upload, after ``prepare``; a pure look-up in what prepare loaded."""
        return set()

    def write(self, rows, ctx):
        """Upsert every row in bulk, inside the engine's transaction: dict(created=, updated=)."""
        raise NotImplementedError

    def after_write(self, rows, ctx):
        """Follow-up work inside the same transaction (e.g. recomputing derived fields);
        ``ctx.created`` and ``ctx.updated`` hold what ``write`` returned."""


_registry: dict[str, type[ImportFormat]] = {}
_discovered = False


def register(format_class):
    """Class decorator: make a format available to the command and the admin upload."""
    if format_class.kind not in KINDS:
        raise ValueError(f"{format_class.kind!r} is not one of the import kinds {KINDS}")
    _registry[format_class.kind] = format_class
    return format_class


def registered_kinds():
    """The kinds some installed app provides, in the spec's order."""
    global _discovered
    if not _discovered:
        autodiscover_modules("imports")
        _discovered = True
    return [kind for kind in KINDS if kind in _registry]


def get_format(kind):
    if kind not in registered_kinds():
        kinds = ", ".join(registered_kinds())
        raise ValueError(f"unknown import kind {kind!r}; choose from {kinds}")
    return _registry[kind]


class ImportFailed(Exception):
    """The file was refused and nothing was written; ``errors`` are ``line N: column: reason``."""

    def __init__(self, errors, run=None):
        super().__init__(f"{len(errors)} problem(s); nothing was imported")
        self.errors = errors
        self.run = run


@dataclass
class ImportResult:
    kind: str
    rows: int
    created: int
    updated: int
    hub_ids: set = field(default_factory=set)
    extra: dict = field(default_factory=dict)
    run: object = None

    @property
    def unchanged(self):
        return self.rows - self.created - self.updated

    def summary(self):
        text = (
            f"{self.kind}: {self.rows} rows read, {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        extra = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.extra.items())
        return f"{text}; {extra}" if extra else text


# ---------------------------------------------------------------------------------------------
# Cell parsers shared by the formats: each returns a clean value or raises ValueError(reason).


_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def text(max_length):
    def parse(value):
        if len(value) > max_length:
            raise ValueError(f"is longer than {max_length} characters")
        return value

    return parse


def parse_date(value):
    try:
        if _DATE_RE.fullmatch(value):
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(f"'{value}' is not a date in the form YYYY-MM-DD")


def parse_datetime(value):
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in value:
        raise ValueError(
            f"'{value}' is not a date-time with an offset, e.g. 2025-03-04T09:15:00+00:00"
        )
    return parsed


def parse_month(value):
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", value) or not 1 <= int(value[5:]) <= 12:
        raise ValueError(f"'{value}' is not a month in the form YYYY-MM")
    return datetime.date(int(value[:4]), int(value[5:]), 1)


def parse_time(value):
    if not re.fullmatch(r"[0-9]{2}:[0-9]{2}", value):
        raise ValueError(f"'{value}' is not a time in the form HH:MM")
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a time in the form HH:MM") from None


def int_between(low=0, high=None):
    def parse(value):
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise ValueError(f"'{value}' is not a whole number")
        number = int(value)
        if number < low or (high is not None and number > high):
            span = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise ValueError(f"{number} is not {span}")
        return number

    return parse


non_negative_int = int_between(0)


def non_negative_decimal(value):
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"'{value}' is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"'{value}' is not a number of 0 or more")
    return number


def one_of(choices):
    """A parser accepting the given values (case-insensitive), returned in lower case."""
    allowed = frozenset(choices)
    listed = ", ".join(choices)

    def parse(value):
        lowered = value.lower()
        if lowered not in allowed:
            raise ValueError(f"'{value}' is not one of: {listed}")
        return lowered

    return parse


def ods_code(value):
    code = value.upper()
    if not ODS_RE.match(code):
        raise ValueError(f"'{value}' is not an ODS code (a letter and five digits, e.g. E85001)")
    return code


def nhs_number(value):
    digits = value.replace(" ", "")
    # The common case checked once; anything else gets the validator's own explanation.
    return digits if nhs_number_is_valid(digits) else normalise_nhs_number(value)


def postcode(value):
    return normalise_postcode(value)


# ---------------------------------------------------------------------------------------------
# Running an import.


def run_import(kind, source, *, by=None, allowed_hub_ids=None):
    """Import a whole CSV file or nothing; record the attempt; raise ImportFailed on refusal.

    ``allowed_hub_ids`` (a coordinator's upload) refuses rows touching any other hub.
    """
    fmt = get_format(kind)()
    file_name, data = _read(source)
    # Rows hold no reference cycles; the cyclic collector rescanning hundreds of thousands of
    # them while they are built costs a third of the time, so it waits until the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(fmt, kind, file_name, data, by=by, allowed_hub_ids=allowed_hub_ids)
    finally:
        if collecting:
            gc.enable()


def _run(fmt, kind, file_name, data, *, by, allowed_hub_ids):
    allowed = None if allowed_hub_ids is None else set(allowed_hub_ids)
    ctx = Context(
        kind=kind, by=by, allowed_hub_ids=allowed, file_name=file_name, today=timezone.localdate()
    )
    started = timezone.now()
    rows, errors = _validate(fmt, data, ctx)
    if errors:
        hubs = fmt.hub_ids(rows, ctx) if rows else set()
        _refuse(ctx, started, len(rows), errors, hubs)
    try:
        with transaction.atomic():
            counts = dict(fmt.write(rows, ctx))
            created, updated = counts.pop("created", 0), counts.pop("updated", 0)
            ctx.created, ctx.updated = created, updated
            fmt.after_write(rows, ctx)
            hubs = fmt.hub_ids(rows, ctx)
            run = _record(ctx, started, len(rows), hubs, created=created, updated=updated)
    except DatabaseError as exc:
        # Validation should make this unreachable; if not, say so rather than fail silently.
        _refuse(ctx, started, len(rows), [(0, "file", f"the database refused the rows: {exc}")])
    return ImportResult(kind, len(rows), created, updated, hubs, counts, run)


def _refuse(ctx, started, row_count, errors, hubs=()):
    lines = [_format_error(*error) for error in errors]
    if ctx.allowed_hub_ids is not None:
        hubs = set(hubs) & ctx.allowed_hub_ids
    run = _record(ctx, started, row_count, hubs, errors=lines)
    raise ImportFailed(lines, run)


def _format_error(line, column, reason):
    where = f"line {line}: " if line else ""
    return f"{where}{column}: {reason.rstrip('.')}"


def _record(ctx, started, row_count, hub_ids, *, created=0, updated=0, errors=()):
    from cc4c.models import ImportRun

    run = ImportRun.objects.create(
        kind=ctx.kind,
        by=ctx.by if getattr(ctx.by, "pk", None) else None,
        started_at=started,
        finished_at=timezone.now(),
        file_name=ctx.file_name[:255],
        rows=row_count,
        created=created,
        updated=updated,
        succeeded=not errors,
        errors=list(errors[:STORED_ERRORS]),
        error_count=len(errors),
    )
    if hub_ids:
        run.hubs.set(sorted(hub_ids))
    return run


def _read(source):
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return path.name, path.read_bytes()
    data = source.read()
    return os.path.basename(getattr(source, "name", "") or "upload.csv"), data


def _decode(data, ctx):
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        _refuse(
            ctx,
            timezone.now(),
            0,
            [(line, "file", 'is not UTF-8 text; save it as "CSV UTF-8" and try again')],
        )


def _validate(fmt, data, ctx):
    """Parse and check every row: (good rows, [(line, column, reason), ...])."""
    text_ = _decode(data, ctx)
    reader = csv.reader(io.StringIO(text_, newline=""))
    errors = []
    try:
        header = next(reader, None)
        if header is None:
            return [], [(1, "file", "is empty: the first line must name the columns")]
        plan, width, errors = _read_header(fmt, header)
        if errors:
            return [], errors
        rows = _parse_rows(reader, plan, width, errors)
    except csv.Error as exc:
        return [], [(reader.line_num, "file", f"is not readable CSV: {exc}")]

    rows = _drop_duplicate_keys(fmt, rows, errors)
    fmt.prepare(rows, ctx)
    good = []
    bad_lines = set()
    for row in rows:
        problems = fmt.validate_row(row, ctx)
        scoped = not problems and ctx.allowed_hub_ids is not None
        if scoped and fmt.hub_ids([row], ctx) - ctx.allowed_hub_ids:
            problems = [(fmt.hub_column, "belongs to a hub you do not manage")]
        if problems:
            bad_lines.add(row.line)
            errors.extend((row.line, column, reason) for column, reason in problems)
        else:
            good.append(row)
    order = {column.name: i for i, column in enumerate(fmt.columns)}
    errors.sort(key=lambda e: (e[0], order.get(e[1], len(order))))
    return good, errors


def _read_header(fmt, header):
    known = {column.name: column for column in fmt.columns}
    names = [name.strip().lower() for name in header]
    while names and not names[-1]:
        names.pop()  # trailing empty header cells are a spreadsheet artefact
    errors, positions = [], {}
    for index, name in enumerate(names):
        if name not in known:
            label = name or f"column {index + 1}"
            errors.append((1, label, f"unknown column; expected: {', '.join(known)}"))
        elif name in positions:
            errors.append((1, name, "the column appears twice"))
        else:
            positions[name] = index
    for column in fmt.columns:
        if column.required and column.name not in positions:
            errors.append((1, column.name, "required column is missing"))
    plan = [(column, positions.get(column.name)) for column in fmt.columns]
    return plan, len(names), errors


class _Refusal(str):
    """A cell parser's reason for refusing a value."""


# Distinct values remembered per column when encoding for COPY: dates and codes repeat a lot.
ENCODE_MEMO_SIZE = 20_000


def _parse_rows(reader, plan, width, errors):
    """Parse the data rows column by column: each distinct value of a column is parsed once."""
    lines, records = [], []
    padding = [""] * width
    # Records, not physical lines: a quoted cell may hold a line break, as in a spreadsheet.
    for line, record in enumerate(reader, start=2):
        if not "".join(record).strip():
            continue
        cells = len(record)
        if cells > width:
            if "".join(record[width:]).strip():
                errors.append((line, "file", f"has {cells} cells but the header has {width}"))
                continue
        elif cells < width:
            record += padding[cells:]
        lines.append(line)
        records.append(record)

    names, columns, bad = [], [], set()
    for column, position in plan:
        names.append(column.name)
        if position is None:
            columns.append([None] * len(records))
            continue
        raw = [record[position].strip() for record in records]
        parsed = {}
        for value in set(raw):
            if not value:
                parsed[value] = _Refusal("is required") if column.required else None
                continue
            try:
                parsed[value] = column.parse(value)
            except ValueError as exc:
                parsed[value] = _Refusal(exc)
        refused = {value for value, result in parsed.items() if type(result) is _Refusal}
        if refused:
            for index, value in enumerate(raw):
                if value in refused:
                    errors.append((lines[index], column.name, str(parsed[value])))
                    bad.add(index)
        columns.append(list(map(parsed.__getitem__, raw)))

    rows = []
    for index, values in enumerate(zip(*columns, strict=True)):
        if index not in bad:
            row = Row(zip(names, values, strict=True))
            row.line = lines[index]
            rows.append(row)
    return rows


def _drop_duplicate_keys(fmt, rows, errors):
    if not fmt.natural_key:
        return rows
    key_names = ", ".join(fmt.natural_key)
    first_line, kept = {}, []
    for row in rows:
        key = tuple(row[name] for name in fmt.natural_key)
        first = first_line.setdefault(key, row.line)
        if first == row.line:
            kept.append(row)
        else:
            shown = ", ".join(str(part) for part in key)
            errors.append((row.line, key_names, f"{shown} is also on line {first}"))
    return kept


# ---------------------------------------------------------------------------------------------
# Bulk upsert: COPY into a temporary table, then one INSERT ... ON CONFLICT DO UPDATE.

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
