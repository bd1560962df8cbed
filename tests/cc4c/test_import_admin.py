"""The coordinator's "Import a CSV file" page and the list of import runs in the admin site."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from cc4c.imports import get_format, registered_kinds
from cc4c.models import ImportRun
from hubs.models import Practice, Role
from population.models import Child
from tests.cc4c.csv_files import csv_file, valid_nhs_number
from tests.factories import PracticeFactory, member

UPLOAD = reverse("admin:cc4c_importrun_upload")
RUNS = reverse("admin:cc4c_importrun_changelist")
PRACTICES = ["ods_code", "name", "hub_code"]
TEMPLATE = reverse("admin:cc4c_importrun_template", args=["KIND"])


def upload(client, kind, header, rows, name="upload.csv"):
    return client.post(UPLOAD, {"kind": kind, "file": csv_file(header, rows, name=name)})


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_upload_page_offers_the_registered_kinds(coordinator_client):
    response = coordinator_client.get(UPLOAD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Import a CSV file</h1>" in body
    assert '<option value="practices">' in body
    assert '<option value="children">' in body
    assert '<label for="id_file">' in body


def test_the_runs_list_links_to_the_upload_page(coordinator_client):
    assert UPLOAD in coordinator_client.get(RUNS).content.decode()


def test_a_valid_upload_imports_and_says_how_many(coordinator_client, hub):
    response = upload(coordinator_client, "practices", PRACTICES, [["E85001", "Surgery", hub.code]])
    assert response.status_code == 302
    assert response["Location"] == RUNS
    page = coordinator_client.get(RUNS).content.decode()
    assert "Imported upload.csv: practices: 1 rows read, 1 created, 0 updated" in page
    assert Practice.objects.get(ods_code="E85001").hub == hub
    run = ImportRun.objects.get()
    assert list(run.hubs.all()) == [hub]


def test_another_hubs_practice_is_refused_on_its_line_and_nothing_is_written(
    coordinator_client, hub, other_hub
):
    PracticeFactory(hub=other_hub, ods_code="E86001", name="Their surgery")
    response = upload(
        coordinator_client,
        "practices",
        PRACTICES,
        [["E85001", "Ours", hub.code], ["E86001", "Taken over", hub.code]],
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The file was not imported: 1 problem" in body
    assert "line 3: hub_code: belongs to a hub you do not manage" in body
    assert not Practice.objects.filter(ods_code="E85001").exists()
    assert Practice.objects.get(ods_code="E86001").name == "Their surgery"


def test_every_bad_child_row_is_listed_on_the_page(coordinator_client, practice):
    header = ["nhs_number", "given_name", "family_name", "date_of_birth", "sex"]
    header += ["practice_ods", "registered_on"]
    good = [valid_nhs_number(1), "A", "B", "2019-01-01", "male", practice.ods_code, "2019-02-01"]
    bad = ["9990000019", "A", "B", "2019-01-01", "boy", practice.ods_code, "2019-02-01"]
    body = upload(coordinator_client, "children", header, [good, bad]).content.decode()
    assert "line 3: nhs_number: 9990000019 fails the NHS number check digit" in body
    assert "line 3: sex: &#x27;boy&#x27; is not one of" in body
    assert not Child.objects.exists()


def test_someone_who_manages_no_hub_gets_404_for_the_upload_page(client, hub):
    client.force_login(member(Role.COMMISSIONER, hub, is_staff=True))
    assert client.get(UPLOAD).status_code == 404
    assert client.post(UPLOAD, {"kind": "practices"}).status_code == 404


def test_a_gp_without_admin_access_is_sent_to_sign_in(client, gp):
    client.force_login(gp)
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert "login" in response["Location"]


def make_runs(hub, count, by=None):
    for i in range(count):
        run = ImportRun.objects.create(kind="practices", file_name=f"file{i}.csv", by=by)
        run.hubs.add(hub)


def test_the_runs_list_shows_only_runs_of_the_coordinators_hubs(coordinator_client, hub, other_hub):
    make_runs(hub, 1)
    make_runs(other_hub, 1)
    both = ImportRun.objects.create(kind="practices", file_name="both.csv")
    both.hubs.add(hub, other_hub)
    body = coordinator_client.get(RUNS).content.decode()
    assert "file0.csv" in body
    assert body.count("file0.csv") == 1
    assert "both.csv" not in body
    theirs = ImportRun.objects.get(hubs=other_hub, file_name="file0.csv")
    change = reverse("admin:cc4c_importrun_change", args=[theirs.pk])
    assert coordinator_client.get(change).status_code == 404


def test_a_coordinator_sees_their_own_refused_upload(coordinator_client, coordinator):
    ImportRun.objects.create(kind="children", file_name="mine.csv", by=coordinator)
    assert "mine.csv" in coordinator_client.get(RUNS).content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_the_runs_list_takes_a_fixed_number_of_queries(
    coordinator_client, coordinator, hub, count, django_assert_max_num_queries
):
    make_runs(hub, count, by=coordinator)
    with django_assert_max_num_queries(14):
        response = coordinator_client.get(RUNS)
    assert response.status_code == 200


def test_the_upload_page_names_each_kind_plainly_and_lists_its_columns(coordinator_client):
    body = coordinator_client.get(UPLOAD).content.decode()
    for kind in registered_kinds():
        fmt = get_format(kind)
        assert f'<option value="{kind}">{escape(fmt.title)} ({kind})</option>' in body
        assert reverse("admin:cc4c_importrun_template", args=[kind]) in body
        for column in fmt.columns:
            required = "yes" if column.required else "no"
            row = f"<tr><td><code>{column.name}</code></td><td>{required}</td>"
            assert f"{row}<td>{escape(column.shape)}</td></tr>" in body


def test_a_template_is_the_header_row_of_the_declared_columns(coordinator_client):
    for kind in registered_kinds():
        response = coordinator_client.get(reverse("admin:cc4c_importrun_template", args=[kind]))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{kind}.csv"'
        header = next(csv.reader(io.StringIO(response.content.decode())))
        assert header == [column.name for column in get_format(kind).columns]


def test_a_filled_in_template_imports(coordinator_client, hub):
    template = coordinator_client.get(reverse("admin:cc4c_importrun_template", args=["practices"]))
    content = template.content.decode() + f"E85001,The Surgery,{hub.code},,W2 1NY,5400\n"
    upload = SimpleUploadedFile("practices.csv", content.encode(), "text/csv")
    response = coordinator_client.post(UPLOAD, {"kind": "practices", "file": upload})
    assert response.status_code == 302
    assert Practice.objects.get(ods_code="E85001").list_size == 5400


def test_templates_are_only_for_those_who_may_upload(client, hub, coordinator_client):
    assert coordinator_client.get(TEMPLATE.replace("KIND", "no-such-kind")).status_code == 404
    client.force_login(member(Role.COMMISSIONER, hub, is_staff=True))
    assert client.get(TEMPLATE.replace("KIND", "children")).status_code == 404
    client.force_login(member(Role.GP, hub))
    assert client.get(TEMPLATE.replace("KIND", "children")).status_code == 302


def _row_naming(kind, hub, practice, number):
    """A row of ``kind`` for ``hub`` that names the child with NHS number ``number``."""
    if kind == "mdt-cases":
        return ["hub_code", "meeting_date", "nhs_number", "outcome"], [
            hub.code,
            "2024-03-01",
            number,
            "primary_care_advice",
        ]
    if kind == "clinic-appointments":
        header = ["hub_code", "session_date", "host_practice_ods", "start_time", "nhs_number"]
        header += ["appointment_type", "status"]
        return header, [hub.code, "2024-03-01", practice.ods_code, "09:00", number, "new", "booked"]
    header = ["reference", "hub_code", "received_at", "channel", "nhs_number"]
    return header, ["R1", hub.code, "2024-03-01T10:00:00+00:00", "phone", number]


@pytest.mark.parametrize("kind", ["mdt-cases", "clinic-appointments", "advice-requests"])
def test_another_hubs_child_gets_the_same_answer_as_a_child_that_does_not_exist(
    coordinator_client, hub, practice, other_child, kind
):
    absent = valid_nhs_number(424242)
    assert not Child.objects.filter(nhs_number=absent).exists()
    pages = {}
    for label, number in [("other hub", other_child.nhs_number), ("absent", absent)]:
        header, row = _row_naming(kind, hub, practice, number)
        response = upload(coordinator_client, kind, header, [row])
        assert response.status_code == 200
        body = response.content.decode()
        pages[label] = [line.strip() for line in body.splitlines() if "line 2:" in line]
    assert pages["other hub"] == pages["absent"]
    assert any(
        "nhs_number: no child with this NHS number is registered" in p for p in pages["absent"]
    )
