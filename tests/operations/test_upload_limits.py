"""Uploads over UPLOAD_MAX_BYTES are refused, with a page that says so, before any of the file
is read; an import of a file just under the limit stays within a bounded amount of memory."""

import http.client
import re
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from cc4c.models import ImportRun
from hubs.models import Role
from population.models import Child
from tests.cc4c.csv_files import csv_bytes, valid_nhs_number
from tests.factories import PracticeFactory, member
from tests.faults.servers import (
    PYTHON,
    Process,
    database_url_for_tests,
    free_port,
    listening,
    project_env,
    wait_for,
)

MB = 1024 * 1024
UPLOAD = reverse("admin:cc4c_importrun_upload")
HEADER = ["nhs_number", "given_name", "family_name", "date_of_birth", "sex", "practice_ods"]
HEADER += ["registered_on"]


def children_csv(practice, size):
    """A children file of about ``size`` bytes (never more)."""
    row = ["", "Given", "Family", "2019-01-01", "female", practice.ods_code, "2019-02-01"]
    per_row = len(csv_bytes(HEADER, [[valid_nhs_number(1), *row[1:]]])) - len(csv_bytes(HEADER, []))
    count = (size - len(csv_bytes(HEADER, []))) // per_row
    return csv_bytes(HEADER, [[valid_nhs_number(n), *row[1:]] for n in range(1, count + 1)])


def multipart(fields, file_name, content, boundary="----cc4c-test-boundary"):
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    )
    body = "".join(parts).encode() + head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_with_a_page_naming_the_limit(
    client_for, coordinator, practice, settings
):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    content = children_csv(practice, int(1.2 * MB))
    body, content_type = multipart({"kind": "children"}, "children.csv", content)
    response = client_for(coordinator).generic("POST", UPLOAD, body, content_type=content_type)
    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>The file is too large</h1>" in page
    assert "Files up to 1 MB can be uploaded; what you sent is 1.2 MB. Nothing was saved." in page
    assert not ImportRun.objects.exists() and not Child.objects.exists()


@pytest.mark.django_db
def test_an_upload_just_under_the_limit_is_imported(client_for, coordinator, practice, settings):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    content = children_csv(practice, 1 * MB - 4096)
    body, content_type = multipart({"kind": "children"}, "children.csv", content)
    assert len(body) <= settings.UPLOAD_MAX_BYTES
    response = client_for(coordinator).generic("POST", UPLOAD, body, content_type=content_type)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Child.objects.count() == content.count(b"\n") - 1


# Through a real gunicorn: the refusal comes before the body is read, and the worker's peak
# memory (VmHWM) shows what each upload cost.

LIMIT = 4 * MB
# An import of a file under the limit may take at most this many times the file's size, on
# top of what the worker held before (the whole file checked in the database, not in Python).
MEMORY_PER_UPLOADED_BYTE = 4


def peak_rss(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) * 1024


@pytest.fixture
def web(tmp_path, transactional_db):
    port = free_port()
    server = Process(
        "web",
        [PYTHON, "-m", "gunicorn", "cc4c.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        env=project_env(
            DATABASE_URL=database_url_for_tests(), UPLOAD_MAX_BYTES=LIMIT, CONN_MAX_AGE=0
        ),
        folder=tmp_path,
    ).start()
    wait_for(lambda: listening(port), timeout=30, what="gunicorn listening")
    server.port = port
    yield server
    server.kill()


def worker_pid(server):
    path = f"/proc/{server.proc.pid}/task/{server.proc.pid}/children"
    return wait_for(lambda: Path(path).read_text().split(), timeout=10, what="worker")[0]


def send(port, path, *, cookie, body=b"", content_type="", length=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest("POST" if length is not None or body else "GET", path)
    connection.putheader("Cookie", cookie)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    if length is not None or body:
        connection.putheader("Content-Type", content_type)
        connection.putheader("Content-Length", str(len(body) if length is None else length))
    connection.endheaders()
    if body:
        connection.send(body)
    response = connection.getresponse()
    result = response.status, response.read().decode(errors="replace"), response.getheaders()
    connection.close()
    return result


@pytest.mark.timeout(180)
def test_through_gunicorn_an_upload_is_refused_before_it_is_read_and_an_import_stays_bounded(
    web, tmp_path
):
    practice = PracticeFactory()
    coordinator = member(Role.COORDINATOR, practice.hub, is_staff=True)
    signed_in = Client()
    signed_in.force_login(coordinator)
    session = signed_in.cookies["sessionid"].value
    status, page, headers = send(web.port, UPLOAD, cookie=f"sessionid={session}")
    assert status == 200, web.output()[-3000:]
    cookies = " ".join(value for name, value in headers if name.lower() == "set-cookie")
    csrf = re.search(r"csrftoken=([^;]+)", cookies).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = f"sessionid={session}; csrftoken={csrf}"
    worker = worker_pid(web)
    # Warm the worker up on a refusal, so what follows measures the upload alone.
    send(web.port, UPLOAD, cookie=cookie, length=LIMIT + 1, content_type="text/plain")
    before = peak_rss(worker)

    # Five gigabytes announced, a few bytes sent: the answer comes at once, nothing read.
    started = time.monotonic()
    status, page, _ = send(
        web.port, UPLOAD, cookie=cookie, length=5 * 1024 * MB, content_type="multipart/form-data"
    )
    assert status == 413 and "Files up to 4 MB can be uploaded" in page
    assert time.monotonic() - started < 10
    assert peak_rss(worker) - before < MB

    content = children_csv(practice, LIMIT - 64 * 1024)
    body, content_type = multipart(
        {"kind": "children", "csrfmiddlewaretoken": token}, "children.csv", content
    )
    status, page, _ = send(
        web.port, UPLOAD, cookie=cookie, body=body, content_type=content_type,
        headers={"Referer": f"http://127.0.0.1:{web.port}{UPLOAD}"},
    )  # fmt: skip
    assert status == 302, page[:3000]
    assert Child.objects.count() == content.count(b"\n") - 1
    grown = peak_rss(worker) - before
    print(f"peak memory of the import: {grown / MB:.1f} MB for a {len(content) / MB:.1f} MB file")
    assert grown < MEMORY_PER_UPLOADED_BYTE * len(content)
