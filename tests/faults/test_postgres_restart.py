"""PostgreSQL restarts under a running web process: the site answers again without a restart
of the web process (CONN_HEALTH_CHECKS replaces the broken persistent connection)."""

import json
import urllib.error
import urllib.request

import pytest

from tests.faults.servers import PYTHON, Process, free_port, listening, project_env, wait_for

pytestmark = pytest.mark.timeout(90)


def health(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_the_site_recovers_from_a_postgresql_restart_without_restarting_the_web_process(
    private_postgres, private_redis, tmp_path
):
    port = free_port()
    web = Process(
        "web",
        [PYTHON, "-m", "gunicorn", "cc4c.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        env=project_env(
            DATABASE_URL=private_postgres.url, REDIS_URL=private_redis.url, CONN_MAX_AGE=600
        ),
        folder=tmp_path,
    ).start()
    try:
        wait_for(lambda: listening(port), timeout=30, what="web process listening")
        assert health(port) == (
            200,
            # A bare cluster: no backups table to read.
            {"status": "ok", "database": "ok", "redis": "ok", "backup": "unknown"},
        )
        assert health(port)[0] == 200  # a persistent connection, opened on the first request

        private_postgres.restart()
        assert health(port)[1]["database"] == "ok"  # the very first request after it

        private_postgres.stop()
        assert health(port) == (
            503,
            {
                "status": "unavailable",
                "database": "unavailable",
                "redis": "ok",
                "backup": "unknown",
            },
        )
        private_postgres.start()
        assert health(port)[1]["database"] == "ok"
        assert web.alive(), web.output()[-3000:]
    finally:
        web.kill()
