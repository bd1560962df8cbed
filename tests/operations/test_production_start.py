"""The production start (`make serve`, scripts/production.sh) on loopback ports: gunicorn behind
Debian's nginx with a certificate made here, DEBUG off, the Celery worker and beat, logs in
files that rotate, no demo data. Through that nginx the audit trail and the rate limiter see
the client's own address. And the deployment files: systemd units, the compose file."""

import hashlib
import http.client
import json
import os
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from cc4c.models import RateCount
from hubs.demo import DEMO_DOMAIN
from hubs.models import AuditEvent, Person, Role
from tests.factories import ChildFactory, PersonFactory, PracticeFactory, member
from tests.faults.servers import (
    ROOT,
    MailSink,
    PrivateRedis,
    database_url_for_tests,
    free_port,
    listening,
    project_env,
    wait_for,
)
from tests.outbox import broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(400)]

SCRIPT = ROOT / "scripts" / "production.sh"
SECRET = "prod-" + "q7Lm" * 16
# A client of the proxy, on an address of its own (all of 127/8 is this machine).
CLIENT = "127.0.0.5"


def make_certificate(folder):
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def production_env(folder, **values):
    env = project_env(**values)
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "CC4C_DEMO", "HOST", "PORT", "ALLOWED_HOSTS"):
        env.pop(name, None)
    return env


def run_script(*args, env, timeout=240):
    return subprocess.run(
        ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=timeout
    )


class Production:
    def __init__(self, folder):
        self.folder = folder
        self.https, self.http, self.web = free_port(), free_port(), free_port()
        self.cert, self.key = make_certificate(folder)
        self.logs = folder / "log"
        self.redis = PrivateRedis(folder).start()
        self.mail = MailSink().start()
        self.site_url = f"https://127.0.0.1:{self.https}"
        self.env = production_env(
            folder,
            SECRET_KEY=SECRET,
            SITE_URL=self.site_url,
            TLS_CERT=self.cert,
            TLS_KEY=self.key,
            HTTP_PORT=self.http,
            LISTEN_ADDRESS="127.0.0.1",
            WEB_BIND=f"127.0.0.1:{self.web}",
            WEB_WORKERS=2,
            WORKER_CONCURRENCY=1,
            TRUSTED_PROXIES="127.0.0.1",
            LOG_DIR=self.logs,
            RUN_DIR=folder / "run",
            MEDIA_ROOT=folder / "media",
            BACKUP_DIR=folder / "backups",
            DATABASE_URL=database_url_for_tests(),
            REDIS_URL=self.redis.url,
            EMAIL_URL=self.mail.url,
        )
        self.output = folder / "serve.out"
        self.process = None

    def start(self):
        with open(self.output, "wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                ["bash", str(SCRIPT), "serve"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: (listening(self.https) and listening(self.web)) or self.process.poll(),
            timeout=300,
            what="production start listening",
        )
        assert self.process.poll() is None, self.output.read_text()[-4000:]
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
        self.redis.stop()
        self.mail.stop()

    def tls(self):
        return ssl.create_default_context(cafile=str(self.cert))

    def get(self, path, *, headers=None, source=CLIENT):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https, context=self.tls(), timeout=60, source_address=(source, 0)
        )
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def production(tmp_path_factory, django_db_setup, django_db_blocker):
    server = Production(tmp_path_factory.mktemp("production"))
    try:
        server.start()
        with django_db_blocker.unblock():
            # What the start itself wrote: no person at all, so no demo account.
            server.people_after_start = Person.objects.count()
            server.demo_after_start = Person.objects.filter(
                email__iendswith=f"@{DEMO_DOMAIN}"
            ).count()
        yield server
    finally:
        server.stop()


def test_healthz_answers_over_https_through_nginx_and_plain_http_is_sent_to_https(production):
    status, headers, body = production.get("/healthz")
    assert status == 200
    assert json.loads(body)["database"] == "ok" and json.loads(body)["redis"] == "ok"
    status, headers, _ = production.get("/accounts/login/")
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in headers["Set-Cookie"]  # DEBUG is off: production cookies

    plain = http.client.HTTPConnection("127.0.0.1", production.http, timeout=30)
    plain.request("GET", "/accounts/login/")
    response = plain.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"{production.site_url}/accounts/login/"
    plain.close()


def test_the_production_start_loads_no_demo_data_and_no_demo_accounts(production):
    assert production.people_after_start == 0
    assert production.demo_after_start == 0


def test_the_worker_and_beat_run_and_each_service_logs_to_its_file(production):
    from cc4c import outbox

    # An email queued as any change queues one: the worker of the production start sends it.
    with broker(production.redis.url):
        outbox.enqueue(kind="test", subject="Hello", body="-", to=["gp@practice.example"])
    wait_for(lambda: production.mail.accepted, timeout=60, what="the worker sent the email")
    assert production.mail.accepted[0][0] == ["gp@practice.example"]
    wait_for(
        lambda: "beat: Starting" in _read(production.logs / "beat.log"),
        timeout=30,
        what="beat started",
    )
    assert " ready." in _read(production.logs / "worker.log")
    production.get("/healthz")
    wait_for(
        lambda: (
            "/healthz" in _read(production.logs / "nginx-access.log")
            and "/healthz" in _read(production.logs / "web-access.log")
        ),
        timeout=10,
        what="access logs written",
    )
    assert "Booting worker" in _read(production.logs / "web.log")


def _read(path):
    return path.read_text(errors="replace") if path.exists() else ""


def _rate_count(address, scope="feedback"):
    digest = hashlib.sha256(f"{scope}:{address}".encode()).hexdigest()
    row = RateCount.objects.filter(key=f"{scope}:{digest[:64]}").first()
    return row.count if row else 0


def test_through_the_proxy_the_rate_limit_counts_the_clients_address(production):
    url = reverse("feedback:family", args=["no-such-token"])
    production.get(url)
    production.get(url, headers={"X-Forwarded-For": "203.0.113.66"})  # forged by the client
    assert _rate_count(CLIENT) == 2
    assert _rate_count("203.0.113.66") == 0
    assert _rate_count("127.0.0.1") == 0  # not the proxy's own address


def test_through_the_proxy_the_audit_trail_records_the_clients_address(production, settings):
    child = ChildFactory(practice=PracticeFactory())
    gp = member(Role.GP, child.practice.hub, practice=child.practice)
    # A session the production site accepts: signed with its secret.
    settings.SECRET_KEY = SECRET
    signed_in = Client()
    signed_in.force_login(gp)
    cookie = f"sessionid={signed_in.cookies['sessionid'].value}"
    path = reverse("population:child", kwargs={"pk": child.pk})
    status, _, _ = production.get(path, headers={"Cookie": cookie, "X-Forwarded-For": "10.6.6.6"})
    assert status == 200
    look = AuditEvent.objects.filter(child_id=child.pk, person=gp).get()
    assert look.ip_address == CLIENT


def test_straight_to_gunicorn_a_forged_forwarded_proto_is_not_believed(production):
    # Not from the proxy: X-Forwarded-Proto is dropped, so plain HTTP is sent to HTTPS.
    direct = http.client.HTTPConnection(
        "127.0.0.1", production.web, timeout=30, source_address=(CLIENT, 0)
    )
    direct.request(
        "GET",
        "/accounts/login/",
        headers={"Host": f"127.0.0.1:{production.https}", "X-Forwarded-Proto": "https"},
    )
    response = direct.getresponse()
    assert response.status == 301
    assert response.getheader("Location").startswith("https://")
    direct.close()


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY is not set"),
        ("SITE_URL", "SITE_URL is not set"),
        ("TLS_CERT", "set TLS_CERT and TLS_KEY"),
    ],
)
def test_the_production_start_refuses_to_start_without(missing, message, tmp_path):
    cert, key = make_certificate(tmp_path)
    values = {"SECRET_KEY": SECRET, "SITE_URL": "https://hubs.example.nhs.uk"}
    values.update(TLS_CERT=cert, TLS_KEY=key, DATABASE_URL=database_url_for_tests())
    values.pop(missing)
    env = production_env(tmp_path, **values, LOG_DIR=tmp_path / "log", RUN_DIR=tmp_path / "run")
    env.pop(missing, None)
    result = run_script("serve", env=env, timeout=60)
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "run" / "nginx").exists()  # nothing was started


def test_django_refuses_debug_off_with_the_development_secret(tmp_path):
    env = production_env(
        tmp_path,
        SECRET_KEY="dev-only-insecure-secret-key-change-me",
        SITE_URL="https://hubs.example.nhs.uk",
        DATABASE_URL=database_url_for_tests(),
    )
    result = run_script("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is the development default" in result.stderr


def test_the_production_check_refuses_a_database_with_the_demo_accounts(tmp_path):
    PersonFactory(email=f"gp.pad@{DEMO_DOMAIN}")
    env = production_env(
        tmp_path,
        SECRET_KEY=SECRET,
        SITE_URL="https://hubs.example.nhs.uk",
        DATABASE_URL=database_url_for_tests(),
    )
    result = run_script("check", env=env)
    assert result.returncode != 0
    assert "hubs.E001" in result.stderr and "demo account" in result.stderr
    env["CC4C_DEMO"] = "1"  # a demonstration says so
    assert run_script("check", env=env).returncode == 0


def test_the_logs_rotate(tmp_path):
    logrotate = shutil.which("logrotate") or "/usr/sbin/logrotate"
    logs = tmp_path / "log"
    logs.mkdir()
    (logs / "web.log").write_text("a line of yesterday's log\n")
    env = production_env(tmp_path, LOG_DIR=logs)
    config = run_script("logrotate-config", env=env)
    assert config.returncode == 0, config.stderr
    (tmp_path / "logrotate.conf").write_text(config.stdout)
    subprocess.run(  # noqa: S603
        [logrotate, "-f", "-s", str(tmp_path / "state"), str(tmp_path / "logrotate.conf")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert (logs / "web.log.1").read_text() == "a line of yesterday's log\n"
    assert (logs / "web.log").read_text() == ""  # the writer carries on in the same file


def test_the_nginx_site_file_is_valid_for_nginx(tmp_path):
    cert, key = make_certificate(tmp_path)
    env = production_env(
        tmp_path,
        SECRET_KEY=SECRET,
        SITE_URL="https://hubs.example.nhs.uk",
        TLS_CERT=cert,
        TLS_KEY=key,
        LOG_DIR=tmp_path,
    )
    site = run_script("nginx-site", env=env)
    assert site.returncode == 0, site.stderr
    assert "server_name hubs.example.nhs.uk;" in site.stdout
    assert "listen *:443 ssl" in site.stdout
    (tmp_path / "site.conf").write_text(site.stdout)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log stderr; events {{}} "
        f"http {{ include {tmp_path}/site.conf; }}"
    )
    checked = subprocess.run(  # noqa: S603
        ["/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-e", "stderr", "-c",
         str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


UNITS = ["cc4c-web.service", "cc4c-worker.service", "cc4c-beat.service"]


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (the units are checked where it is)")
    env_file = tmp_path / "cc4c.env"
    env_file.write_text(Path(ROOT / "deploy" / "cc4c.env.example").read_text())
    for unit in UNITS:
        text = (ROOT / "deploy" / "systemd" / unit).read_text()
        # Where this checkout is, as the operator's /opt/cc4c and /etc/cc4c/cc4c.env.
        text = text.replace("/opt/cc4c", str(ROOT)).replace("/etc/cc4c/cc4c.env", str(env_file))
        text = text.replace("User=cc4c", "User=root").replace("Group=cc4c", "Group=root")
        (tmp_path / unit).write_text(text)
    result = subprocess.run(  # noqa: S603
        [analyze, "verify", *(str(tmp_path / unit) for unit in UNITS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if any(unit in line for unit in UNITS)
    ]
    assert problems == [], result.stdout + result.stderr
    for unit in UNITS:
        text = (ROOT / "deploy" / "systemd" / unit).read_text()
        assert "User=cc4c" in text and "EnvironmentFile=/etc/cc4c/cc4c.env" in text


def test_compose_publishes_only_the_proxy_and_the_app_trusts_only_its_address():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    proxy_address = services["proxy"]["networks"]["cc4c"]["ipv4_address"]
    for name in ("web", "worker", "beat", "proxy"):
        env = services[name]["environment"]
        assert env["TRUSTED_PROXIES"] == proxy_address, name
        assert env["DEBUG"] == "0", name
    assert "scripts/production.sh" in services["proxy"]["command"]
    assert "beat" in services["beat"]["command"] and "worker" in services["worker"]["command"]


def test_make_serve_is_the_production_start_and_the_readme_says_so_on_its_first_screen():
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/production.sh serve" in makefile
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    assert "make run" in first_screen and "make serve" in first_screen
    assert "make serve" in (ROOT / "docs" / "operations.md").read_text()


def test_gunicorn_believes_forwarded_headers_from_the_trusted_proxies_only():
    config = {}
    env = {"TRUSTED_PROXIES": "172.30.80.10", "LOG_DIR": "", "RUN_DIR": ""}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), config)  # noqa: S102
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert config["forwarded_allow_ips"] == "172.30.80.10"
    assert config["bind"].startswith("127.0.0.1:")
