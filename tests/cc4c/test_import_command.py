"""``python manage.py import_csv KIND FILE``: a summary, or every problem and a failing status."""

import pytest
from django.core.management import CommandError, call_command

from hubs.models import Practice
from tests.cc4c.csv_files import csv_bytes

HEADER = ["ods_code", "name", "hub_code"]


def run_command(*argv):
    """The exit status the shell sees: Django exits with a CommandError's ``returncode``."""
    try:
        call_command("import_csv", *argv)
    except CommandError as error:
        return error.returncode
    return 0


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "practices.csv"
    path.write_bytes(csv_bytes(HEADER, [["E85001", "Surgery", "HUB-A"]]))
    return path


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(HEADER, [["E85001", "Surgery", "HUB-A"], ["X1", "", "HUB-A"]]))
    return path


@pytest.mark.django_db
def test_a_valid_file_prints_a_summary_and_exits_0(good_file, capsys):
    assert run_command("practices", str(good_file)) == 0
    out = capsys.readouterr().out
    assert "practices: 1 rows read, 1 created, 0 updated, 0 unchanged" in out
    assert Practice.objects.count() == 1


@pytest.mark.django_db
def test_a_bad_file_prints_every_problem_to_stderr_and_exits_non_zero(bad_file, capsys):
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_csv", "practices", str(bad_file))
    assert run_command("practices", str(bad_file)) == 1
    err = capsys.readouterr().err
    assert "line 3: ods_code: 'X1' is not an ODS code" in err
    assert "line 3: name: is required" in err
    assert not Practice.objects.exists()


@pytest.mark.django_db
def test_an_unknown_kind_or_missing_file_exits_non_zero(good_file, tmp_path):
    with pytest.raises(CommandError, match="Unknown kind 'patients'") as unknown:
        call_command("import_csv", "patients", str(good_file))
    assert unknown.value.returncode == 1
    with pytest.raises(CommandError, match="Cannot read") as absent:
        call_command("import_csv", "practices", str(tmp_path / "absent.csv"))
    assert absent.value.returncode == 1


@pytest.mark.django_db
def test_the_import_can_be_recorded_for_a_person(good_file):
    from cc4c.models import ImportRun
    from tests.factories import PersonFactory

    person = PersonFactory(email="coordinator@example.nhs.uk")
    call_command("import_csv", "practices", str(good_file), by="Coordinator@example.nhs.uk")
    assert ImportRun.objects.get().by == person


@pytest.mark.django_db
def test_the_template_option_prints_the_kinds_header_row(capsys):
    assert run_command("practices", "--template") == 0
    assert (
        capsys.readouterr().out
        == "ods_code,name,hub_code,hub_name,postcode,list_size,comparison,mesh_mailbox\n"
    )


@pytest.mark.django_db
def test_without_a_file_the_command_says_what_to_give(capsys):
    assert run_command("practices") != 0
