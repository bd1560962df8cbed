"""scripts/services.sh: the private PostgreSQL of `make run` is durable, the one of `make test`
and `make bench` fast and separate; a start right after a crash waits for the old server and
starts; with DATABASE_URL or REDIS_URL set it says which server it uses. Each test runs the
script on its own free ports with its own data folder."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest

from tests.faults.servers import ROOT, free_port, pg_bindir, wait_for

pytestmark = pytest.mark.timeout(240)

SCRIPT = ROOT / "scripts" / "services.sh"
SETTINGS = ("fsync", "synchronous_commit", "full_page_writes")


class Private:
    """The script's private servers in a temporary folder, on free ports."""

    def __init__(self):
        self.var = Path(tempfile.mkdtemp(prefix="cc4c-services-"))
        self.var.chmod(0o755)  # the postgres user must reach its data when we are root
        self.port, self.fast_port, self.redis_port = free_port(), free_port(), free_port()

    def env(self, **extra):
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "CC4C_PG_MODE")
        }
        env.update(
            CC4C_VAR=str(self.var),
            CC4C_PG_PORT=str(self.port),
            CC4C_PG_FAST_PORT=str(self.fast_port),
            CC4C_REDIS_PORT=str(self.redis_port),
        )
        env.update(extra)
        return env

    def run(self, *args, **extra):
        return subprocess.run(
            ["bash", str(SCRIPT), *args],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=180,
        )

    def start(self, *args, **extra):
        result = self.run("start", *args, **extra)
        assert result.returncode == 0, result.stderr
        return result

    def show(self, port):
        return {name: query(port, f"SHOW {name}")[0][0] for name in SETTINGS}

    def postmaster(self, folder):
        return int((self.var / folder / "postmaster.pid").read_text().split()[0])

    def remove(self):
        self.run("stop")
        shutil.rmtree(self.var, ignore_errors=True)


def query(port, sql):
    """Run one statement on the private server at ``port``: its rows, if any."""
    db = psycopg2.connect(host="127.0.0.1", port=port, user="cc4c", dbname="cc4c")
    try:
        with db, db.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
    finally:
        db.close()


DURABLE = dict.fromkeys(SETTINGS, "on")
FAST = dict.fromkeys(SETTINGS, "off")


@pytest.fixture
def private():
    servers = Private()
    yield servers
    servers.remove()


def test_make_runs_cluster_is_durable_and_the_test_suites_is_a_separate_fast_one(private):
    durable = private.start()
    assert "durable" in durable.stderr
    assert private.show(private.port) == DURABLE

    fast = private.start("--fast")
    assert "NOT DURABLE" in fast.stderr
    assert private.show(private.fast_port) == FAST
    # A test run after `make run` leaves the development cluster as it was.
    assert private.show(private.port) == DURABLE

    pid = private.postmaster("pg")
    private.start(CC4C_PG_MODE="fast")  # make test's way of asking for the fast one
    private.start()
    assert private.postmaster("pg") == pid  # a cluster in its own mode is left running
    assert private.show(private.port) == DURABLE
    assert private.show(private.fast_port) == FAST


def test_a_cluster_found_running_with_fast_settings_is_restarted_durable(private):
    private.start()
    bindir = pg_bindir()
    data = private.var / "pg"
    private.run("stop")
    # As an older version of the script, or someone by hand, started it.
    log = private.var / "log" / "postgres-durable.log"
    command = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log)]
    command += ["-w", "start", "-o", f"-p {private.port} -k {private.var / 'run'} "]
    command[-1] += "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    command[-1] += "-c full_page_writes=off"
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603
    assert private.show(private.port) == FAST

    result = private.start()
    assert "restarting it as the durable cluster" in result.stderr
    assert private.show(private.port) == DURABLE


def test_start_right_after_a_crash_waits_for_the_old_server_and_starts(private):
    private.start()
    query(private.port, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (1), (2)")
    # A backend busy with a long query outlives its postmaster until the query ends.
    busy = subprocess.Popen(  # noqa: S603
        [
            "psql", "-h", "127.0.0.1", "-p", str(private.port), "-U", "cc4c", "-d", "cc4c",
            "-c", "SELECT count(*) FROM generate_series(1, 10000000000)",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(1)
        os.kill(private.postmaster("pg"), signal.SIGKILL)
        result = private.start(CC4C_PG_GONE_TIMEOUT="3")  # at once: the first try starts it
    finally:
        busy.kill()
        busy.wait(timeout=10)
    assert "waiting for the previous PostgreSQL" in result.stderr
    assert private.show(private.port) == DURABLE
    assert query(private.port, "SELECT count(*) FROM kept") == [(2,)]


def test_start_right_after_the_postmaster_and_its_children_were_killed_starts(private):
    private.start("--fast")
    pid = private.postmaster("pg-fast")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for victim in [pid, *map(int, children)]:
        os.kill(victim, signal.SIGKILL)
    private.start("--fast")
    wait_for(lambda: private.show(private.fast_port) == FAST, timeout=10, what="fast cluster")


def test_with_database_url_and_redis_url_set_it_says_it_uses_those_servers(private):
    result = private.start(
        DATABASE_URL="postgres://hub:s3cret@db.hub.example:5432/cc4c",
        REDIS_URL="redis://:hush@cache.hub.example:6379/0",
    )
    assert "using the PostgreSQL at postgres://hub@db.hub.example:5432/cc4c" in result.stderr
    assert "using the Redis at redis://@cache.hub.example:6379/0" in result.stderr
    assert "s3cret" not in result.stderr and "hush" not in result.stderr
    assert not (private.var / "pg").exists()
