"""Private throwaway servers for the fault tests: each on its own loopback port and temporary
folder, started and stopped (or killed) by the test that uses it. The shared PostgreSQL and
Redis the rest of the suite uses are never touched."""

import asyncio
import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, *, timeout, what):
    """Poll ``check`` until it is truthy; fail the test naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} seconds")


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def database_url_for_tests():
    """The URL of the test database this process uses, for the processes it starts."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def project_env(**overrides):
    env = {**os.environ, "DEBUG": "1", "CELERY_TASK_ALWAYS_EAGER": "0", "LOG_LEVEL": "INFO"}
    env.update({k: str(v) for k, v in overrides.items()})
    return env


class Process:
    """A child process in its own process group, its output in a log file."""

    def __init__(self, name, args, *, env, folder):
        self.name, self.args, self.env = name, args, env
        self.log = Path(folder) / f"{name}.log"
        self.proc = None

    def start(self):
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(  # noqa: S603 (our own interpreter and project)
                self.args,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL):
        """Kill the whole process group at once, as a crash or `kill -9` would."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):  # it died by itself meanwhile
                os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=15)


class PrivateRedis:
    def __init__(self, folder):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.folder), "--save", "", "--appendonly", "no"]
        self.process = Process(f"redis-{self.port}", args, env=dict(os.environ), folder=self.folder)
        self.process.start()
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)

        def answers():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_for(answers, timeout=10, what="private Redis started")
        return self

    def stop(self):
        """Stopped dead: its queue goes with it, as when a Redis without persistence dies."""
        self.process.kill()


class Worker:
    """``celery worker`` of this project on a private broker, one prefork pool process."""

    def __init__(self, folder, *, broker_url, email_url):
        self.folder = folder
        args = [PYTHON, "-m", "celery", "-A", "cc4c", "worker", "--pool=prefork"]
        args += ["--concurrency=1", "--without-heartbeat", "--without-gossip", "--without-mingle"]
        args += ["--loglevel=INFO", "-n", f"faults-{free_port()}@localhost"]
        env = project_env(
            DATABASE_URL=database_url_for_tests(),
            REDIS_URL=broker_url,
            EMAIL_URL=email_url,
            CONN_MAX_AGE=0,
        )
        self.process = Process("worker", args, env=env, folder=folder)

    def start(self):
        self.process.start()
        wait_for(
            lambda: " ready." in self.process.output() or not self.process.alive(),
            timeout=40,
            what="Celery worker ready",
        )
        assert self.process.alive(), self.process.output()[-3000:]
        return self

    def pool_children(self):
        path = f"/proc/{self.process.proc.pid}/task/{self.process.proc.pid}/children"
        try:
            return [int(pid) for pid in Path(path).read_text().split()]
        except FileNotFoundError:
            return []

    def stop(self):
        self.process.kill()


class MailSink:
    """An SMTP server standing in for the mail relay: keeps what it accepts. With ``hold``,
    the next message's DATA waits (``arrived`` set) until ``release``, then is refused."""

    def __init__(self):
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.accepted = []
        self.hold = False
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        if self.hold:
            self.hold = False
            self.arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Not accepted"
        self.accepted.append((list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 Accepted"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.release.set()
        self.controller.stop()


def pg_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder (owned by ``postgres`` when we are
    root, since PostgreSQL refuses to run as root). Durable: PostgreSQL's own defaults, fsync,
    synchronous_commit and full_page_writes on, so a crash loses nothing it confirmed."""

    def __init__(self):
        self.bin = pg_bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="cc4c-faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://cc4c@127.0.0.1:{self.port}/postgres"
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args, timeout=60):
        command = [str(self.bin / args[0]), *args[1:]]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Output to a file, not a pipe: the server pg_ctl starts would hold a pipe open.
        with open(self.folder / "pg_ctl.log", "ab") as out:
            subprocess.run(command, check=True, stdout=out, stderr=out, timeout=timeout)  # noqa: S603

    def _pg_ctl(self, *args):
        log = str(self.folder / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "30", *args)

    def start(self):
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", "cc4c", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        # initdb --no-sync: only the operating system crashing (which no test does) could lose
        # what it wrote. The server itself runs with the durable defaults.
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._pg_ctl("-o", options, "start")
        return self

    def postmaster(self):
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def crash(self):
        """``kill -9`` of the postmaster and all its children at once, as a crash would, then
        wait until every one of them is gone (a restart finds what they left on disk)."""
        pid = self.postmaster()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for victim in [pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        wait_for(lambda: not self._processes(), timeout=30, what="crashed PostgreSQL gone")
        # The dead postmaster's lock files name it; nothing of it is left (above).
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        (self.folder / f".s.PGSQL.{self.port}.lock").unlink(missing_ok=True)

    def _processes(self):
        data = str(self.data.resolve())
        found = []
        for cwd in glob.glob("/proc/[0-9]*/cwd"):
            with contextlib.suppress(OSError):
                if os.readlink(cwd) == data:
                    found.append(cwd)
        return found

    def restart(self):
        self._pg_ctl("-m", "fast", "restart")

    def stop(self, mode="fast"):
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("-m", mode, "stop")

    def remove(self):
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
