"""The CSV import engine: parse a file, validate every row, then write it all in one transaction.

Each app declares its formats in ``<app>/imports.py`` as an ``ImportFormat`` subclass decorated
with ``@register``: columns, a natural key and a few hooks (docs/import-formats.md).
The engine owns everything common to every format: encoding, headers, line numbers,
refusing the whole file when one row is bad, the coordinator's hub scope, bulk upserts and the
``ImportRun`` record of every attempt.
"""

import csv
import gc
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from cc4c import csv_export
from cc4c.imports import sql as in_sql
from cc4c.imports.bulk import text_lines
from cc4c.imports.cells import shape_of
from cc4c.imports.sql import step

# The spec's order; the admin upload offers the registered ones in this order.
KINDS = (
    "practices",
    "children",
    "carers",
    "hospital-activity",
    "mdt-cases",
    "clinic-appointments",
    "advice-requests",
    "champion-activities",
    "care-events",
    "hospital-events",
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
    # For formats checked in SQL (``ImportFormat.checks_in_sql``): the column's type there and
    # an optional fast path, an SQL expression of the trimmed text ``{v}`` giving what ``parse``
    # gives, or NULL to leave the value to ``parse`` (so it may skip any shape it likes).
    db_type: str = "text"
    sql: str | None = None

    @property
    def shape(self):
        """What a cell may hold, in a few words (the parser's ``shape``)."""
        return shape_of(self.parse)


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
    """A CSV format. Subclasses set ``kind``, ``title``, ``columns``, ``natural_key`` and write
    ``write``."""

    kind = ""
    # What the file holds, in plain words, for the upload page: "Children on the practices' lists".
    title = ""
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

    # A format may instead be checked and written in the database (cc4c.imports.sql), for files
    # of hundreds of thousands of rows: no Python object per row. ``rows`` is then None.
    checks_in_sql = False

    def sql_checks(self, ctx):
        """What validate_row checks, as [(sql, params)]: each selects (line, column, reason)
        from ``{rows}`` (the good rows of ``import_rows``)."""
        return []

    def sql_hub_ids(self, ctx):
        """(sql, params) selecting (line, hub_id) for every hub each of ``{rows}`` touches."""
        raise NotImplementedError

    def write_sql(self, ctx):
        """Upsert ``import_rows`` (every row good): dict(created=, updated=)."""
        raise NotImplementedError

    # A format checked in SQL may set aside the lines an earlier import wrote as they are
    # (cc4c.imports.sql.set_aside_unchanged): it stores each record's line digest from
    # ``import_digests`` when it writes it, and a record changed any other way loses it.
    skips_unchanged = False

    def unchanged_sql(self, ctx):
        """(sql, params) selecting (line, key, hub_id) of the lines of ``{digests} d`` (line,
        key: the digits of the natural key's cell, digest) whose record has that key and holds
        that digest, and that would pass every check of this upload today."""
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


def template_csv(kind):
    """The template of a format: its header row, as the text of a CSV file."""
    out = io.StringIO()
    csv_export.writer(out, lineterminator="\n").writerow(
        [column.name for column in get_format(kind).columns]
    )
    return out.getvalue()


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
        counts = (
            f"{self.kind}: {self.rows} rows read, {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        extra = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.extra.items())
        return f"{counts}; {extra}" if extra else counts


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
    if fmt.checks_in_sql:
        return _run_in_sql(fmt, ctx, data, started)
    content = _decode(data, ctx)
    rows = []
    try:
        # Checked and written under one lock: a second upload of the same kind waits, then
        # checks against what the first wrote (no meeting or hub created twice).
        with transaction.atomic():
            _one_at_a_time(kind)
            rows, errors = _validate(fmt, content, ctx)
            if errors:
                raise _Refused(len(rows), errors, fmt.hub_ids(rows, ctx) if rows else set())
            counts = dict(fmt.write(rows, ctx))
            created, updated = counts.pop("created", 0), counts.pop("updated", 0)
            ctx.created, ctx.updated = created, updated
            fmt.after_write(rows, ctx)
            hubs = fmt.hub_ids(rows, ctx)
            run = _record(ctx, started, len(rows), hubs, created=created, updated=updated)
    except _Refused as refusal:
        _refuse(ctx, started, refusal.rows, refusal.errors, refusal.hubs)
    except (DatabaseError, psycopg2.Error) as exc:
        # Validation should make this unreachable; if not, say so rather than fail silently.
        _refuse(ctx, started, len(rows), [(0, "file", f"the database refused the rows: {exc}")])
    return ImportResult(kind, len(rows), created, updated, hubs, counts, run)


def _one_at_a_time(kind):
    """Imports of one kind take turns (until the transaction ends): two uploads of the same
    file at once write one set of records, the second finding the first's."""
    with connection.cursor() as cursor:
        # Compiling the long row checks costs more than it saves on a file of any size; a
        # large file's sorts and joins stay in memory.
        cursor.execute(
            "SET LOCAL jit = off; SET LOCAL work_mem = '256MB'; "
            "SELECT pg_advisory_xact_lock(hashtext('cc4c.import'), hashtext(%s))",
            [kind],
        )


class _Refused(Exception):
    def __init__(self, rows, errors, hubs):
        super().__init__(rows, errors, hubs)
        self.rows, self.errors, self.hubs = rows, errors, hubs


def _run_in_sql(fmt, ctx, data, started):
    """The whole file checked and written inside one transaction, in set-based SQL."""
    content = _decode(data, ctx)
    reader = csv.reader(text_lines(content))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        _refuse(ctx, started, 0, [(reader.line_num, "file", f"is not readable CSV: {exc}")])
    if header is None:
        _refuse(ctx, started, 0, [(1, "file", "is empty: the first line must name the columns")])
    plan, width, errors = _read_header(fmt, header)
    if errors:
        _refuse(ctx, started, 0, errors)
    # The database's CSV reader takes the bytes as they are; a header with blank cells at its
    # end or a line break inside takes Python's road (see cc4c.imports.sql.load).
    plain = width == len(header) and reader.line_num == 1
    payload = data if plain and isinstance(data, bytes) else content
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _one_at_a_time(ctx.kind)
            set_aside, set_aside_hubs, everything = 0, set(), False
            if fmt.skips_unchanged:
                with step("set aside the lines written as they are"):
                    set_aside, set_aside_hubs, everything = in_sql.set_aside_unchanged(
                        cursor, fmt, ctx, payload, plan
                    )
            if everything:
                # Nothing to check or write: the file holds what the records do.
                run = _record(ctx, started, set_aside, set_aside_hubs)
                return ImportResult(ctx.kind, set_aside, 0, 0, set_aside_hubs, {}, run)
            with step("copy into a temporary table"):
                loaded = in_sql.load(cursor, payload, width, errors)
            if not loaded:
                raise _Refused(0, errors, set())
            if set_aside:
                in_sql.drop_set_aside(cursor)
            with step("check cells"):
                total = in_sql.check_cells(cursor, plan, errors) + set_aside
            with step("check rows"):
                hubs = in_sql.check_rows(cursor, fmt, ctx, errors) | set_aside_hubs
            if errors:
                order = {column.name: i for i, column in enumerate(fmt.columns)}
                errors.sort(key=lambda e: (e[0], order.get(e[1], len(order))))
                bad = {line for line, column, _ in errors if column != "file"}
                raise _Refused(total - len(bad), errors, hubs)
            ctx.rows_to_write = total - set_aside
            with step("write"):
                counts = dict(fmt.write_sql(ctx))
            created, updated = counts.pop("created", 0), counts.pop("updated", 0)
            ctx.created, ctx.updated = created, updated
            with step("after write"):
                fmt.after_write(None, ctx)
            run = _record(ctx, started, total, hubs, created=created, updated=updated)
    except _Refused as refusal:
        _refuse(ctx, started, refusal.rows, refusal.errors, refusal.hubs)
    except (DatabaseError, psycopg2.Error) as exc:
        _refuse(ctx, started, 0, [(0, "file", f"the database refused the rows: {exc}")])
    return ImportResult(ctx.kind, total, created, updated, hubs, counts, run)


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
        run.hubs.add(*sorted(hub_ids))
    return run


def _read(source):
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return path.name, path.read_bytes()
    data = source.read()
    return os.path.basename(getattr(source, "name", "") or "upload.csv"), data


def _decode(data, ctx):
    if isinstance(data, str):
        content = data.removeprefix("\ufeff")
    else:
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            _refuse(
                ctx,
                timezone.now(),
                0,
                [(line, "file", 'is not UTF-8 text; save it as "CSV UTF-8" and try again')],
            )
    # No text file holds a NUL, and no database text column can: refuse it here, by line.
    nul = content.find("\x00")
    if nul >= 0:
        line = content.count("\n", 0, nul) + 1
        _refuse(ctx, timezone.now(), 0, [(line, "file", "is not readable CSV: line contains NUL")])
    return content


def _validate(fmt, data, ctx):
    """Parse and check every row: (good rows, [(line, column, reason), ...])."""
    content = _decode(data, ctx)
    reader = csv.reader(text_lines(content))
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
