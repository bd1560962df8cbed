"""Backups: `manage.py backup` archives the database and the uploaded files together; after the
files are wiped, `manage.py restore` into a fresh database brings every record and every
attachment back, sends none of the emails already sent and gives none of the reminders
already given again. Retention keeps 7 daily and 4 weekly backups; a failed backup shows on
/healthz and in the admin site."""

import datetime
import hashlib
import json
import shutil
import subprocess

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

from advice.models import Reminder
from cc4c import backups, outbox
from cc4c.models import BackupRun, NotificationStatus, OutboxEmail, OutboxNotification
from tests.advice.factories import PDF_BYTES, PNG_BYTES, AdviceRequestFactory, AttachmentFactory
from tests.advice.test_reminders import RECEIVED, setup_hub, sweep_at
from tests.factories import ChildFactory, PersonFactory, PracticeFactory
from tests.faults.servers import PYTHON, ROOT, MailSink, project_env

pytestmark = pytest.mark.django_db(transaction=True)


def manage(*args, **env):
    result = subprocess.run(  # noqa: S603 (our own interpreter and project)
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=project_env(**env),
        capture_output=True,
        text=True,
        timeout=240,
    )
    return result


def url_for(name):
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{name}"


def server(dbname):
    s = connection.settings_dict
    db = psycopg2.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=dbname)
    db.autocommit = True
    return db


def contents(dbname):
    """{table: (rows, digest of every row)} of a database, to compare two of them whole."""
    db = server(dbname)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            tables = [name for (name,) in cursor.fetchall()]
            found = {}
            for table in tables:
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "  # noqa: S608
                    f"ORDER BY t::text), '')) FROM \"{table}\" t"
                )
                found[table] = cursor.fetchone()
            return found
    finally:
        db.close()


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    with server("postgres").cursor() as cursor:
        cursor.execute(drop)
    yield name
    db = server("postgres")
    with db.cursor() as cursor:
        cursor.execute(drop)
    db.close()


@pytest.fixture
def folders(tmp_path, settings):
    media, backups_dir = tmp_path / "media", tmp_path / "backups"
    settings.MEDIA_ROOT, settings.BACKUP_DIR = media, backups_dir
    return media, backups_dir


@pytest.mark.timeout(400)
def test_backup_wipe_restore_brings_back_every_record_and_attachment_and_resends_nothing(
    hub, folders, restored_name, mailoutbox
):
    media, backups_dir = folders
    practice = PracticeFactory(hub=hub)
    children = ChildFactory.create_batch(3, practice=practice)
    covering, _lead = setup_hub(hub)
    asked = AdviceRequestFactory(hub=hub, child=children[0], received_at=RECEIVED)
    letter = AttachmentFactory(request=asked)
    photo = AttachmentFactory(
        request=asked, file__filename="rash.png", file__data=PNG_BYTES, original_name="rash.png"
    )
    # The reminder and the escalation were given, and their emails sent.
    assert sweep_at(18.5) == 1 and sweep_at(24.5) == 1
    assert len(mailoutbox) == 2
    # One email is still waiting when the backup is taken.
    outbox.enqueue(kind="test.waiting", subject="Still waiting", body="-", to=["a@example.nhs.uk"])
    waiting = OutboxEmail.objects.get(sent_at__isnull=True)
    # And two texts to families: one waiting, one sent to Notify already.
    for status in (NotificationStatus.QUEUED, NotificationStatus.SENDING):
        OutboxNotification.objects.create(
            kind="test", channel="sms", to="07700900123", template_id="t", status=status
        )
    test_db = connection.settings_dict["NAME"]
    folder_env = {"MEDIA_ROOT": media, "BACKUP_DIR": backups_dir}

    made = manage("backup", DATABASE_URL=url_for(test_db), **folder_env)
    assert made.returncode == 0, made.stderr
    (archive,) = backups_dir.glob("cc4c-backup-*.tar")
    assert f"to {archive}" in made.stdout
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds children's records
    run = BackupRun.objects.get()
    assert run.succeeded and run.files == 2 and run.file_name == archive.name

    shutil.rmtree(media)  # the uploaded files are lost, and the database with them
    done = manage("restore", str(archive), DATABASE_URL=url_for(restored_name), **folder_env)
    assert done.returncode == 0, done.stderr
    assert "1 email(s) were waiting to be sent" in done.stdout
    assert "1 text(s) or email(s) to families were waiting to be sent" in done.stdout

    original, restored = contents(test_db), contents(restored_name)
    # Every table and every row is back, except the record of the backup itself (written
    # once the archive was complete).
    assert set(restored) == set(original)
    differ = [t for t in original if original[t] != restored[t] and t != "cc4c_backuprun"]
    assert differ == []
    for attachment, data in ((letter, PDF_BYTES), (photo, PNG_BYTES)):
        assert (media / attachment.file.name).read_bytes() == data

    # On the restored database: the attachment downloads, nothing already sent goes again,
    # no reminder already given is given again; the email that was waiting goes.
    sink = MailSink().start()
    download = reverse("advice:attachment", args=[asked.pk, letter.pk])
    try:
        probe = f"""
import hashlib, json
from django.test import Client
from advice import reminders
from cc4c import outbox
from hubs.models import Person
client = Client()
client.force_login(Person.objects.get(pk={covering.pk}))
response = client.get({download!r}, HTTP_HOST="127.0.0.1")
body = b"".join(response.streaming_content) if response.status_code == 200 else b""
print(json.dumps({{"download": response.status_code, "sha": hashlib.sha256(body).hexdigest(),
                  "reminders": reminders.sweep(), "relayed": outbox.relay()}}))
"""
        after = manage(
            "shell", "-c", probe, DATABASE_URL=url_for(restored_name), EMAIL_URL=sink.url,
            **folder_env,
        )  # fmt: skip
    finally:
        sink.stop()
    assert after.returncode == 0, after.stderr
    found = json.loads(after.stdout.strip().splitlines()[-1])
    assert found["download"] == 200
    assert found["sha"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert found["reminders"] == 0
    assert [rcpt for rcpt, _ in sink.accepted] == [waiting.to]
    assert Reminder.objects.count() == 2  # the original, untouched


def test_a_restore_into_a_database_that_holds_tables_is_refused(folders):
    media, backups_dir = folders
    run = backups.create()
    assert run.succeeded, run.error
    done = manage(
        "restore",
        str(backups_dir / run.file_name),
        DATABASE_URL=url_for(connection.settings_dict["NAME"]),
        MEDIA_ROOT=media,
    )
    assert done.returncode != 0
    assert "Nothing restored: the database" in done.stderr and "is not empty" in done.stderr


def test_a_damaged_archive_is_refused_before_anything_is_restored(folders, restored_name):
    media, backups_dir = folders
    run = backups.create()
    archive = backups_dir / run.file_name
    data = bytearray(archive.read_bytes())
    start = data.index(b"PGDMP")  # inside the database dump
    data[start + 2000 : start + 2010] = b"0123456789"
    archive.write_bytes(bytes(data))
    done = manage("restore", str(archive), DATABASE_URL=url_for(restored_name), MEDIA_ROOT=media)
    assert done.returncode != 0
    assert "the database dump is damaged" in done.stderr


def test_a_backup_that_fails_is_recorded_and_shows_on_healthz_and_in_the_admin(
    client, folders, tmp_path, settings
):
    settings.BACKUP_DIR = tmp_path / "not-a-folder"
    settings.BACKUP_DIR.write_text("a file where the backups should go")
    run = backups.create()
    assert not run.succeeded
    assert "not-a-folder" in run.error
    assert client.get("/healthz").json()["backup"] == "failed"

    client.force_login(PersonFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:cc4c_backuprun_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "not-a-folder" in page
    # To read only: a backup is taken by the nightly task or `make backup`.
    assert reverse("admin:cc4c_backuprun_add") not in page
    assert client.get(reverse("admin:cc4c_backuprun_add")).status_code == 403

    settings.BACKUP_DIR = tmp_path / "backups"
    assert backups.create().succeeded
    assert client.get("/healthz").json()["backup"] == "ok"


def test_a_coordinator_does_not_see_the_backups(client_for, coordinator):
    response = client_for(coordinator).get(reverse("admin:cc4c_backuprun_changelist"))
    assert response.status_code in (403, 404)


def test_a_file_the_database_names_but_the_disk_lacks_fails_the_backup_naming_it(folders, hub):
    media, _ = folders
    attachment = AttachmentFactory(request=AdviceRequestFactory(hub=hub))
    (media / attachment.file.name).unlink()
    run = backups.create()
    assert not run.succeeded
    assert attachment.file.name in run.error


def test_healthz_says_a_backup_is_overdue_when_none_succeeded_for_a_day(client, folders, settings):
    assert client.get("/healthz").json()["backup"] == "never"
    run = backups.create()
    BackupRun.objects.filter(pk=run.pk).update(
        finished_at=run.finished_at - datetime.timedelta(hours=settings.BACKUP_OVERDUE_HOURS + 1)
    )
    assert client.get("/healthz").json()["backup"] == "overdue"


def _at(day, hour=2):
    return datetime.datetime(2026, 11, day, hour, 30, tzinfo=datetime.UTC)


def test_retention_keeps_the_newest_of_each_of_7_days_and_of_each_of_4_weeks():
    # Nightly backups through November 2026, and a second one on Monday the 30th.
    moments = [_at(day) for day in range(1, 31)] + [_at(30, 14)]
    keep = backups.to_keep(moments, daily=7, weekly=4)
    days = {_at(30, 14)} | {_at(day) for day in range(24, 30)}
    # The daily ones fall in the weeks of Monday the 30th and of Monday the 23rd; the four
    # weeks before those end on Sundays the 22nd, 15th, 8th and 1st: about five weeks back.
    weeks = {_at(22), _at(15), _at(8), _at(1)}
    assert keep == days | weeks


def test_pruning_deletes_the_archives_retention_does_not_keep(folders):
    _, backups_dir = folders
    backups_dir.mkdir()
    for day in range(1, 31):
        (backups_dir / backups.archive_name(_at(day))).write_bytes(b"")
    (backups_dir / "notes.txt").write_text("kept: not an archive")
    deleted = backups.prune()
    kept = {backups.archive_name(_at(day)) for day in [*range(24, 31), 22, 15, 8, 1]}
    assert {p.name for p in backups_dir.iterdir()} == kept | {"notes.txt"}
    assert len(deleted) == 30 - len(kept)
