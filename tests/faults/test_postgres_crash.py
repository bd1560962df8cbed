"""PostgreSQL killed outright (`kill -9` of the postmaster and all its children) in the middle of
an import, of an advice email and of an MDT outcome: whatever was confirmed to the user is there
after the restart, the rest is absent, and doing it again succeeds.

Each test copies the test database into a private, durable cluster (PostgreSQL's defaults:
fsync, synchronous_commit and full_page_writes on) and points this process at it, then starts
the real command, mail receiver or gunicorn against it. "In the middle" is made certain with a
lock this test holds on the table the work writes: the work has started its transaction and
waits on the lock when the server is killed."""

import contextlib
import csv
import http.client
import re
import smtplib
import subprocess
import threading
from email.utils import make_msgid

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from advice.models import InboundEmail
from hubs.models import Practice, Role
from mdt.models import CaseDiscussion, MeetingStatus
from population.models import Child
from tests.advice.mail import RELAY_ENV
from tests.advice.test_email_receiver import ADDRESS, question
from tests.cc4c.csv_files import valid_nhs_number
from tests.factories import HubFactory, PracticeFactory, member
from tests.faults.servers import (
    PYTHON,
    ROOT,
    Process,
    free_port,
    listening,
    pg_bindir,
    project_env,
    wait_for,
)
from tests.mdt.factories import CaseFactory, MeetingFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

DURABLE = ("fsync", "synchronous_commit", "full_page_writes")


@pytest.fixture
def durable(private_postgres, tmp_path):
    """The test database, copied into the private durable cluster; this process's connection
    points at the copy for the length of the test."""
    s = connection.settings_dict
    dump = tmp_path / "copy.dump"
    bindir = pg_bindir()
    source = ["-h", s["HOST"], "-p", str(s["PORT"]), "-U", s["USER"]]
    target = ["-h", "127.0.0.1", "-p", str(private_postgres.port), "-U", "cc4c"]
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run([bindir / "pg_dump", "-Fc", *source, "-f", dump, s["NAME"]], **run)  # noqa: S603
    subprocess.run([bindir / "createdb", *target, "cc4c"], **run)  # noqa: S603
    subprocess.run(  # noqa: S603
        [bindir / "pg_restore", "--no-owner", *target, "-d", "cc4c", dump], **run
    )
    saved = dict(s)
    connection.close()
    s.update(HOST="127.0.0.1", PORT=str(private_postgres.port), NAME="cc4c", USER="cc4c")
    s["PASSWORD"] = ""
    private_postgres.database_url = f"postgres://cc4c@127.0.0.1:{private_postgres.port}/cc4c"
    try:
        with connection.cursor() as cursor:
            for name in DURABLE:
                cursor.execute(f"SHOW {name}")
                assert cursor.fetchone()[0] == "on", f"{name} is off: not a durable cluster"
        yield private_postgres
    finally:
        connection.close()
        s.clear()
        s.update(saved)


def crash_and_restart(server):
    server.crash()
    connection.close()  # this process's connection died with the server
    server.start()  # crash recovery replays the write-ahead log


@contextlib.contextmanager
def holding_lock(server, table):
    """Hold a lock on ``table`` that lets it be read but not written, until the server dies."""
    blocker = psycopg2.connect(host="127.0.0.1", port=server.port, user="cc4c", dbname="cc4c")
    blocker.cursor().execute(f"LOCK TABLE {table} IN SHARE MODE")
    try:
        yield
    finally:
        with contextlib.suppress(psycopg2.Error):
            blocker.close()


def waiting_on_a_lock(server):
    """Whether some client's backend (the work under test, not autovacuum) waits on a lock."""
    watcher = psycopg2.connect(host="127.0.0.1", port=server.port, user="cc4c", dbname="cc4c")
    try:
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND backend_type = 'client backend'"
            )
            return cursor.fetchone()[0] > 0
    finally:
        watcher.close()


def manage(*args, server, folder):
    return subprocess.run(  # noqa: S603 (our own interpreter and project)
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=project_env(DATABASE_URL=server.database_url, MEDIA_ROOT=folder / "media", **RELAY_ENV),
        capture_output=True,
        text=True,
        timeout=180,
    )


def write_csv(path, header, rows):
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# ---------------------------------------------------------------------------------------------


def test_an_import_killed_with_postgresql_leaves_nothing_and_what_was_confirmed_stays(
    durable, tmp_path
):
    hub = HubFactory(code="CRASH")
    practices = write_csv(
        tmp_path / "practices.csv",
        ["ods_code", "name", "hub_code"],
        [[f"E9{n:04d}", f"Surgery {n}", hub.code] for n in range(1, 6)],
    )
    header = ["nhs_number", "given_name", "family_name", "date_of_birth", "sex"]
    header += ["practice_ods", "registered_on"]
    count = 3000
    children = write_csv(
        tmp_path / "children.csv",
        header,
        [
            [valid_nhs_number(n), "Given", f"Family{n}", "2019-01-01", "female", "E90001",
             "2019-02-01"]
            for n in range(1, count + 1)
        ],
    )  # fmt: skip

    # Confirmed ("5 created", exit 0), then the server is killed at once.
    done = manage("import_csv", "practices", str(practices), server=durable, folder=tmp_path)
    assert done.returncode == 0 and "5 created" in done.stdout, done.stderr
    crash_and_restart(durable)
    assert Practice.objects.filter(hub=hub).count() == 5

    # Killed in the middle: the import has its rows checked and waits to write them.
    with holding_lock(durable, "population_child"):
        importing = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "import_csv", "children", str(children)],
            cwd=ROOT,
            env=project_env(DATABASE_URL=durable.database_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(lambda: waiting_on_a_lock(durable), timeout=120, what="import writing")
        durable.crash()
    out, err = importing.communicate(timeout=60)
    assert importing.returncode != 0
    assert "created" not in out  # the user was never told it was imported
    connection.close()
    durable.start()
    assert not Child.objects.exists()  # nothing half-written

    # Run again: all of it, and it stays through another crash.
    again = manage("import_csv", "children", str(children), server=durable, folder=tmp_path)
    assert again.returncode == 0 and f"{count} created" in again.stdout, again.stderr
    crash_and_restart(durable)
    assert Child.objects.count() == count


# ---------------------------------------------------------------------------------------------


def numbered_question(n):
    message = question()
    del message["Subject"]
    message["Subject"] = f"Question {n}: toddler with bow legs"
    message["Message-ID"] = make_msgid(domain="practice.example")
    return message


def start_receiver(server, folder):
    port = free_port()
    receiver = Process(
        "advice_smtpd",
        [PYTHON, "manage.py", "advice_smtpd", "--port", str(port)],
        env=project_env(DATABASE_URL=server.database_url, MEDIA_ROOT=folder / "media", **RELAY_ENV),
        folder=folder,
    ).start()
    wait_for(lambda: listening(port), timeout=30, what="advice mail receiver listening")
    receiver.port = port
    return receiver


def test_an_advice_email_answered_250_survives_a_crash_and_one_cut_off_is_not_kept(
    durable, tmp_path
):
    hub = HubFactory(code="MAIL", advice_email=ADDRESS)
    member(Role.GP, hub, practice=PracticeFactory(hub=hub), email="dr.gp@practice.example")
    receiver = start_receiver(durable, tmp_path)
    try:
        # Three questions, each answered 250; the server is killed right after the last.
        with smtplib.SMTP("127.0.0.1", receiver.port, timeout=30) as client:
            for n in range(3):
                client.send_message(numbered_question(n))
        crash_and_restart(durable)
        assert InboundEmail.objects.count() == 3

        # The fourth is being stored when the server dies: the sender is not told it arrived.
        answer = {}

        def send():
            try:
                with smtplib.SMTP("127.0.0.1", receiver.port, timeout=60) as client:
                    client.send_message(numbered_question(3))
                answer["code"] = 250
            except smtplib.SMTPResponseException as refused:
                answer["code"] = refused.smtp_code

        with holding_lock(durable, "advice_inboundemail"):
            sender = threading.Thread(target=send)
            sender.start()
            wait_for(lambda: waiting_on_a_lock(durable), timeout=60, what="receiver storing")
            durable.crash()
        sender.join(timeout=60)
        assert answer["code"] != 250 and 400 <= answer["code"] < 500  # try again later
        connection.close()
        durable.start()
        assert InboundEmail.objects.count() == 3

        # The sending server tries again: stored, as the other three.
        with smtplib.SMTP("127.0.0.1", receiver.port, timeout=30) as client:
            client.send_message(numbered_question(3))
        crash_and_restart(durable)
        assert InboundEmail.objects.count() == 4
        assert receiver.alive(), receiver.output()[-3000:]
    finally:
        receiver.kill()


# ---------------------------------------------------------------------------------------------


class SignedIn:
    """A browser's session on the gunicorn under test: cookies, the CSRF token, posts."""

    def __init__(self, port, person):
        from django.test import Client

        client = Client()
        client.force_login(person)
        self.port = port
        self.cookies = {"sessionid": client.cookies["sessionid"].value}
        self.token = None

    def request(self, method, path, body=""):
        connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            connection_.request(method, path, body=body, headers=headers)
            response = connection_.getresponse()
            page = response.read().decode(errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";")[0]
            found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if found:
                self.token = found.group(1)
            return response.status, page
        finally:
            connection_.close()

    def post_outcome(self, case, outcome, plan):
        from urllib.parse import urlencode

        self.request("GET", reverse("mdt:case", args=[case.pk]))
        body = urlencode({"csrfmiddlewaretoken": self.token, "outcome": outcome, "plan": plan})
        return self.request("POST", reverse("mdt:case_outcome", args=[case.pk]), body)


def test_an_mdt_outcome_saved_survives_a_crash_and_one_cut_off_is_absent_then_saved(
    durable, tmp_path
):
    hub = HubFactory(code="MDT")
    chair = member(Role.PAEDIATRICIAN, hub)
    now = timezone.now()
    meeting = MeetingFactory(
        hub=hub, starts_at=now, status=MeetingStatus.IN_PROGRESS, started_at=now
    )
    first, second = CaseFactory(meeting=meeting), CaseFactory(meeting=meeting)
    port = free_port()
    web = Process(
        "web",
        [PYTHON, "-m", "gunicorn", "cc4c.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        env=project_env(DATABASE_URL=durable.database_url),
        folder=tmp_path,
    ).start()
    try:
        wait_for(lambda: listening(port), timeout=30, what="gunicorn listening")
        browser = SignedIn(port, chair)

        # Saved (the chair is sent on to the next case), then the server is killed at once.
        status, _ = browser.post_outcome(first, "primary_care_advice", "Start a preventer.")
        assert status == 302
        crash_and_restart(durable)
        first.refresh_from_db()
        assert (first.outcome, first.plan) == ("primary_care_advice", "Start a preventer.")

        # Killed while the outcome is being saved: the chair is not told it was saved.
        answer = {}
        browser.request("GET", reverse("mdt:case", args=[second.pk]))  # a fresh token
        with holding_lock(durable, "mdt_casediscussion"):
            poster = threading.Thread(
                target=lambda: answer.update(
                    status=browser.post_outcome(second, "other", "Ask the school nurse.")[0]
                )
            )
            poster.start()
            wait_for(lambda: waiting_on_a_lock(durable), timeout=60, what="outcome saving")
            durable.crash()
        poster.join(timeout=60)
        assert answer["status"] >= 500
        connection.close()
        durable.start()
        second.refresh_from_db()
        assert second.outcome == "" and second.plan == ""

        # Saved again: there, through another crash.
        status, _ = browser.post_outcome(second, "other", "Ask the school nurse.")
        assert status == 302
        crash_and_restart(durable)
        second.refresh_from_db()
        assert (second.outcome, second.plan) == ("other", "Ask the school nurse.")
        assert CaseDiscussion.objects.filter(meeting=meeting, discussed=True).count() == 2
        assert web.alive(), web.output()[-3000:]
    finally:
        web.kill()
