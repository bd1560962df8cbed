"""Backups of the database and the uploaded files together, and their restore.

One archive per backup, ``cc4c-backup-<UTC time>.tar`` in ``BACKUP_DIR``: ``database.dump``
(``pg_dump`` custom format), ``media/...`` (every file under ``MEDIA_ROOT``) and
``manifest.json`` (when, each table's row count, each file's size and SHA-256).

Consistency: the dump is one snapshot of the database, taken by ``pg_dump`` inside a
transaction that exported it; the files the database names, and each table's row count, are
read in that same snapshot. Files are written before the rows naming them commit and are not
deleted, so every file the dump names is on disk when the files are archived after it; one
that is not fails the backup, naming it. Outbox emails and reminders are rows of the same
dump: a restore knows which emails had gone and which reminders had been given at the moment
of the backup, and sends none of them again. The same holds for the texts and emails to
families waiting in Notify's outbox (cc4c.govuk_notify). What it cannot know is what went out
between the backup and the restore: staff emails and family messages still waiting at the
time of the backup go out after a restore, so one that was sent after the backup was taken
goes again (the restore says how many of each were waiting).

An archive is written under a temporary name and renamed when complete, so a half-written
backup is never taken for one. Retention: the newest backup of each of the last
``BACKUP_KEEP_DAILY`` days, and of each of the ``BACKUP_KEEP_WEEKLY`` weeks before those.
"""

import contextlib
import datetime
import glob
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import psycopg2
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from cc4c.models import BackupRun, NotificationStatus, OutboxEmail, OutboxNotification

LONDON = ZoneInfo("Europe/London")
FORMAT = 1
PREFIX = "cc4c-backup-"
NAME = re.compile(r"^cc4c-backup-(\d{8}T\d{6}Z)\.tar$")
DUMP, MANIFEST, MEDIA = "database.dump", "manifest.json", "media"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore could not be done; the message says why."""


# ---------------------------------------------------------------------------------------------
# PostgreSQL's own tools, for the server the settings name.


def _server_major():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def pg_tool(name, major=None):
    """``pg_dump`` or ``pg_restore`` of the server's major version when installed (Debian keeps
    each version's in /usr/lib/postgresql/N/bin), else the newest, else the one on PATH."""
    if settings.PG_BINDIR:
        return str(Path(settings.PG_BINDIR) / name)
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    for path in found:
        if major is not None and Path(path).parts[-3] == str(major):
            return path
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client (apt install "
            "postgresql-client) or set PG_BINDIR"
        )
    return path


def _libpq_env(db):
    """The connection as libpq's environment: no password on a command line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
    }
    env.update({k: v for k, v in values.items() if v})
    return env


def _run(command, *, env, what, stdin=None):
    result = subprocess.run(  # noqa: S603 (PostgreSQL's own tools, arguments we build)
        command, env=env, stdin=stdin, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")
    return result


# ---------------------------------------------------------------------------------------------
# What the database holds.


def file_fields():
    """(model, field) for every file field of the installed models."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _tables(cursor):
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [name for (name,) in cursor.fetchall()]


def _row_counts(cursor):
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _referenced_files():
    names = set()
    for model, field in file_fields():
        names.update(
            model._base_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
        )
    return sorted(name for name in names if name)


# ---------------------------------------------------------------------------------------------
# Backing up.


def backup_dir():
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def archive_name(moment):
    return f"{PREFIX}{moment.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}.tar"


def archive_time(name):
    match = NAME.match(name)
    if not match:
        return None
    return datetime.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)


@contextlib.contextmanager
def _one_at_a_time():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext('cc4c.backup'))")
        if not cursor.fetchone()[0]:
            raise BackupError("another backup is running")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext('cc4c.backup'))")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root):
    """Relative names of the regular files under MEDIA_ROOT (no links followed)."""
    if not root.is_dir():
        return []
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not (Path(folder) / d).is_symlink())
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return found


def _fsync(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create(*, now=None):
    """Back up the database and the uploaded files into one archive in BACKUP_DIR, prune old
    archives, and record how it went (a BackupRun, also when it failed)."""
    started = now or timezone.now()
    run = BackupRun(started_at=started)
    try:
        with _one_at_a_time():
            _create(run, started)
        run.succeeded = not run.error
    except (BackupError, OSError, psycopg2.Error) as exc:
        run.succeeded = False
        run.error = f"{run.error}\n{exc}".strip() if run.error else str(exc)
    run.finished_at = timezone.now()
    run.save()
    if run.succeeded:
        prune()
    return run


def _create(run, started):
    folder = backup_dir()
    name = archive_name(started)
    partial = folder / f".{name}.partial"
    media_root = Path(settings.MEDIA_ROOT)
    db = connection.settings_dict
    with tempfile.TemporaryDirectory(dir=folder, prefix=".work-") as work:
        dump = Path(work) / DUMP
        # One snapshot for the dump, the row counts and the list of files the rows name.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _row_counts(cursor)
            referenced = _referenced_files()
            pg_dump = pg_tool("pg_dump", _server_major())
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password",
                 f"--file={dump}"],
                env=_libpq_env(db),
                what="pg_dump",
            )  # fmt: skip
        manifest = {
            "format": FORMAT,
            "created_at": started.isoformat(),
            "database": db["NAME"],
            "dump": {"size": dump.stat().st_size, "sha256": _sha256(dump)},
            "tables": counts,
            "files": {},
        }
        with open(partial, "wb") as out:
            os.chmod(partial, 0o600)
            with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tar.add(dump, arcname=DUMP)
                for relative in _media_files(media_root):
                    path = media_root / relative
                    manifest["files"][relative] = {
                        "size": path.stat().st_size,
                        "sha256": _sha256(path),
                    }
                    tar.add(path, arcname=f"{MEDIA}/{relative}", recursive=False)
                missing = sorted(set(referenced) - set(manifest["files"]))
                manifest["missing"] = missing
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(started.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            out.flush()
            os.fsync(out.fileno())
        final = folder / name
        os.replace(partial, final)
        _fsync(folder)
    run.file_name = name
    run.size = final.stat().st_size
    run.tables, run.rows = len(counts), sum(counts.values())
    run.files = len(manifest["files"])
    if missing:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        run.error = (
            f"{len(missing)} uploaded file(s) the database names are not in MEDIA_ROOT "
            f"({media_root}): {shown}. The archive holds everything else."
        )


# ---------------------------------------------------------------------------------------------
# Retention.


def to_keep(moments, *, daily, weekly):
    """Of backups taken at ``moments``, the ones to keep: the newest of each of the ``daily``
    latest days with a backup, and then the newest of each of the ``weekly`` weeks before
    those (London time; a week one of the daily backups falls in does not count as one of the
    weekly ones), so 7 daily and 4 weekly reach back about five weeks."""
    newest_first = sorted(moments, reverse=True)
    keep, days = set(), []
    for moment in newest_first:
        day = moment.astimezone(LONDON).date()
        if day not in days and len(days) < daily:
            days.append(day)
            keep.add(moment)
    covered = {day.isocalendar()[:2] for day in days}
    weeks = []
    for moment in newest_first:
        week = moment.astimezone(LONDON).isocalendar()[:2]
        if week not in covered and week not in weeks and len(weeks) < weekly:
            weeks.append(week)
            keep.add(moment)
    return keep


def archives():
    """{time taken: path} of the complete archives in BACKUP_DIR."""
    folder = Path(settings.BACKUP_DIR)
    if not folder.is_dir():
        return {}
    found = {}
    for path in folder.iterdir():
        moment = archive_time(path.name)
        if moment is not None and path.is_file():
            found[moment] = path
    return found


def prune():
    """Delete the archives retention does not keep; the names of those deleted."""
    found = archives()
    keep = to_keep(found, daily=settings.BACKUP_KEEP_DAILY, weekly=settings.BACKUP_KEEP_WEEKLY)
    deleted = []
    for moment, path in sorted(found.items()):
        if moment not in keep:
            path.unlink(missing_ok=True)
            deleted.append(path.name)
    return deleted


# ---------------------------------------------------------------------------------------------
# How the backups are going, for /healthz and the admin site.


def status(now=None):
    """ "ok", "failed" (the latest backup failed), "overdue" (none succeeded within
    BACKUP_OVERDUE_HOURS) or "never"."""
    latest = BackupRun.objects.order_by("-started_at", "-id").first()
    if latest is None:
        return "never"
    if not latest.succeeded:
        return "failed"
    now = now or timezone.now()
    if now - latest.finished_at > datetime.timedelta(hours=settings.BACKUP_OVERDUE_HOURS):
        return "overdue"
    return "ok"


# ---------------------------------------------------------------------------------------------
# Restoring.


def read_manifest(path):
    try:
        with tarfile.open(path, mode="r:") as tar:
            member = tar.getmember(MANIFEST)
            manifest = json.load(tar.extractfile(member))
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{path} is not a complete backup archive: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: archive format {manifest.get('format')!r} is not {FORMAT}")
    return manifest


def _maintenance_connection(db):
    params = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    for name in ("postgres", "template1"):
        try:
            admin = psycopg2.connect(dbname=name, **params)
        except psycopg2.OperationalError:
            continue
        admin.autocommit = True
        return admin
    raise BackupError("cannot reach the PostgreSQL server to create the database")


def _prepare_database(db, *, replace):
    """Create the database when it does not exist; refuse one that holds tables, unless
    ``replace`` (then everything in it is dropped first)."""
    admin = _maintenance_connection(db)
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(db['NAME'])}")
                return "created"
    finally:
        admin.close()
    connection.close()
    with connection.cursor() as cursor:
        tables = _tables(cursor)
        if tables and not replace:
            raise BackupError(
                f"the database {db['NAME']} is not empty ({len(tables)} tables): restore into "
                "a fresh database (set DATABASE_URL to a new name), or pass --replace "
                "(make restore ... REPLACE=1) to drop everything in it first"
            )
        if tables:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            return "replaced"
    return "empty"


def _safe_member(name):
    """The path under media/ a member names, or None for anything that could leave it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (MEDIA,):
        return None
    return PurePosixPath(*path.parts[1:]) if len(path.parts) > 1 else None


def restore(path, *, replace=False):
    """Restore an archive into the configured database (created if it does not exist, refused
    if it is not empty unless ``replace``) and its files into MEDIA_ROOT; check that every
    table has the rows and every file the bytes it had. Returns a summary dict."""
    path = Path(path)
    manifest = read_manifest(path)
    db = connection.settings_dict
    state = _prepare_database(db, replace=replace)
    media_root = Path(settings.MEDIA_ROOT)
    restored_files = 0
    with tarfile.open(path, mode="r:") as tar:
        dump = tar.extractfile(tar.getmember(DUMP))
        digest = hashlib.sha256()
        with tempfile.TemporaryFile() as copy:
            while chunk := dump.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
            if digest.hexdigest() != manifest["dump"]["sha256"]:
                raise BackupError(f"{path}: the database dump is damaged (checksum differs)")
            copy.seek(0)
            connection.close()
            _run(
                [pg_tool("pg_restore", _server_major()), "--no-owner", "--no-privileges",
                 "--exit-on-error", "--single-transaction", "--no-password",
                 f"--dbname={db['NAME']}"],
                env=_libpq_env(db),
                stdin=copy,
                what="pg_restore",
            )  # fmt: skip
        for member in tar:
            relative = _safe_member(member.name)
            if relative is None or not member.isfile():
                continue
            expected = manifest["files"].get(relative.as_posix())
            if expected is None:
                raise BackupError(f"{path}: {member.name} is not in the manifest")
            target = media_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.restoring")
            digest = hashlib.sha256()
            with tar.extractfile(member) as source, open(temporary, "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != expected["sha256"]:
                temporary.unlink()
                raise BackupError(f"{path}: {member.name} is damaged (checksum differs)")
            os.replace(temporary, target)
            restored_files += 1
    with connection.cursor() as cursor:
        counts = _row_counts(cursor)
    differ = {
        table: (count, counts.get(table))
        for table, count in manifest["tables"].items()
        if counts.get(table) != count
    }
    if differ:
        raise BackupError(f"restored tables differ from the backup (backup, restored): {differ}")
    if restored_files != len(manifest["files"]):
        raise BackupError(
            f"{len(manifest['files'])} files in the manifest, {restored_files} restored"
        )
    return {
        "database": db["NAME"],
        "state": state,
        "taken_at": manifest["created_at"],
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": restored_files,
        "missing": manifest.get("missing", []),
        "waiting_emails": OutboxEmail.objects.filter(sent_at__isnull=True).count(),
        "waiting_messages": OutboxNotification.objects.filter(
            status=NotificationStatus.QUEUED
        ).count(),
    }
