"""Every import format against malformed, oversized, wrongly encoded and hostile files: a
refusal naming ``line N: column: reason``, or a clean import; never a crash, and never half a
file written (docs/import-formats.md). And two uploads of one file at once write it once."""

import io
import re
import threading

import pytest
from django.apps import apps
from django.db import connection, connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cc4c.imports import KINDS, ImportFailed, get_format, run_import
from cc4c.models import ImportRun
from mdt.models import CaseDiscussion, Meeting
from population.imports import ChildrenFormat
from population.models import Child
from tests.cc4c.csv_files import csv_bytes, valid_nhs_number
from tests.factories import ChildFactory, HubFactory, PracticeFactory

# A reason may quote the refused value, line breaks and all.
ERROR = re.compile(r"(line [0-9]+: )?[^:\n]+: .+", re.DOTALL)
WRITTEN_BY_IMPORTS = ("hubs", "population", "mdt", "clinics", "advice", "champions", "evaluation")
HYPOTHESIS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# One good value per column name (of some format), so hostile cells sit among valid ones.
GOOD = {
    "ods_code": "E85001",
    "practice_ods": "E85001",
    "host_practice_ods": "E85001",
    "name": "Church Street Surgery",
    "hub_code": "HUB-A",
    "nhs_number": valid_nhs_number(1),
    "given_name": "Ada",
    "family_name": "Lovelace",
    "date_of_birth": "2018-05-04",
    "sex": "female",
    "registered_on": "2018-06-01",
    "meeting_date": "2025-03-04",
    "session_date": "2025-03-04",
    "activity_date": "2025-03-04",
    "start_time": "09:30",
    "outcome": "other",
    "appointment_type": "new",
    "status": "booked",
    "reference": "A-1",
    "received_at": "2025-03-04T09:15:00+00:00",
    "channel": "email",
    "champion_ref": "C-1",
    "activity_type": "other",
    "hours": "1.5",
    "month": "2025-03",
    "activity": "admission",
    "count": "3",
    "process": "asthma.inhaler_technique",
    "done_on": "2025-03-04",
    "occurred_on": "2025-03-04",
    "kind": "ed_attendance",
    "diagnosis": "195967001",
}
# Text a file could hold: a file with a NUL is refused whole, before any cell is read.
READABLE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(READABLE, max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\u00a0",
            "\ufeff",
            "\\.",
            "\\N",
            "\\",
            '"',
            "\r",
            "\n",
            "\t",
            "{a,b}",
            "NULL",
            "=cmd|' /C calc'!A0",
            "'; DROP TABLE population_child; --",
            "%s %(x)s {rows}",
            "2025-02-29",
            "29/02/2025",
            "29-Feb-2024",
            "31/04/2025",
            "4/5/2018",
            "05/13/2018",
            "1/1/0000",
            "F",
            "u",
            "0000-01-01",
            "9999-12-31",
            "24:00",
            "1e308",
            "-0",
            "NaN",
            "x" * 5000,
            "9" * 400,
            "999 000 0018",
            "９９９０００００１８",
        ]
    ),
)


def table_counts():
    """Rows in every table an import may write, in one query."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in WRITTEN_BY_IMPORTS and not model._meta.proxy
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)  # noqa: S608
        )
        return dict(zip(tables, cursor.fetchone(), strict=True))


def import_leaves_no_trace_when_refused(kind, data):
    """Import ``data`` inside a block that is rolled back afterwards; check the outcome."""
    before = table_counts()
    with transaction.atomic():
        try:
            run_import(kind, io.BytesIO(data))
        except ImportFailed as failure:
            assert failure.errors
            for error in failure.errors:
                assert ERROR.fullmatch(error), error
            assert table_counts() == before
        transaction.set_rollback(True)


@pytest.fixture
def hub_with_a_child(db):
    practice = PracticeFactory(hub=HubFactory(code="HUB-A"), ods_code="E85001")
    ChildFactory(practice=practice, nhs_number=valid_nhs_number(1))
    return practice


def rows_of(columns, draw, count):
    return [
        [draw(st.one_of(st.just(GOOD.get(column, "")), HOSTILE)) for column in columns]
        for _ in range(count)
    ]


@pytest.mark.parametrize("kind", KINDS)
@HYPOTHESIS
@given(data=st.data())
def test_any_cells_under_the_right_header_are_imported_or_refused_whole(
    kind, data, hub_with_a_child
):
    columns = [column.name for column in get_format(kind).columns]
    rows = rows_of(columns, data.draw, data.draw(st.integers(1, 4)))
    import_leaves_no_trace_when_refused(kind, csv_bytes(columns, rows))


@pytest.mark.parametrize("kind", KINDS)
@HYPOTHESIS
@given(body=st.binary(max_size=600), header_cells=st.integers(0, 3))
def test_any_bytes_at_all_are_refused_or_imported_never_a_crash(
    kind, body, header_cells, hub_with_a_child
):
    columns = [column.name for column in get_format(kind).columns]
    header = ",".join(columns[: len(columns) - header_cells]).encode() + b"\r\n"
    import_leaves_no_trace_when_refused(kind, header + body)


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "cp1252", "utf-32"])
def test_a_file_in_another_encoding_is_refused_as_not_utf8(encoding, hub_with_a_child):
    text = "nhs_number,given_name\r\n9990000018,Zoë Ñúñez\r\n"
    with pytest.raises(ImportFailed) as failure:
        run_import("children", io.BytesIO(text.encode(encoding)))
    assert len(failure.value.errors) == 1
    assert 'is not UTF-8 text; save it as "CSV UTF-8"' in failure.value.errors[0]


def child_cells(seed, **changes):
    row = {column.name: GOOD.get(column.name, "") for column in ChildrenFormat.columns}
    row["nhs_number"] = valid_nhs_number(seed)
    row.update(changes)
    return row


def children_file(rows):
    header = list(rows[0])
    return csv_bytes(header, [[row[name] for name in header] for row in rows])


def test_an_oversized_cell_is_refused_by_name_and_nothing_is_written(hub_with_a_child):
    rows = [child_cells(2), child_cells(3, family_name="x" * 2_000_000)]
    with pytest.raises(ImportFailed) as failure:
        run_import("children", io.BytesIO(children_file(rows)))
    assert failure.value.errors == ["line 3: family_name: is longer than 100 characters"]
    assert Child.objects.count() == 1


def test_a_row_of_ten_thousand_cells_is_refused_on_its_line(hub_with_a_child):
    data = children_file([child_cells(2)]) + b"," * 10_000 + b"x\r\n"
    with pytest.raises(ImportFailed) as failure:
        run_import("children", io.BytesIO(data))
    header = len(ChildrenFormat.columns)
    assert failure.value.errors == [f"line 3: file: has 10001 cells but the header has {header}"]


def test_a_line_holding_only_the_copy_end_marker_does_not_end_the_file_early(hub_with_a_child):
    # PostgreSQL's COPY reads a line of just \. as the end of the data: the rows after it
    # must still be read (here the marker line itself is a bad row, named on its line).
    data = children_file([child_cells(2)]) + b"\\.\r\n"
    data += children_file([child_cells(3)]).split(b"\r\n", 1)[1]
    with pytest.raises(ImportFailed) as failure:
        run_import("children", io.BytesIO(data))
    assert failure.value.errors[0] == "line 3: nhs_number: An NHS number is 10 digits"
    assert {error.split(":")[0] for error in failure.value.errors} == {"line 3"}
    assert Child.objects.count() == 1


def test_a_nul_byte_is_refused_as_unreadable_and_nothing_is_written(hub_with_a_child):
    data = children_file([child_cells(2), child_cells(3, given_name="A\x00da")])
    with pytest.raises(ImportFailed) as failure:
        run_import("children", io.BytesIO(data))
    assert failure.value.errors == ["line 3: file: is not readable CSV: line contains NUL"]
    assert Child.objects.count() == 1


# The SQL fast paths of the children format (cc4c.imports.sql) must never disagree with the
# Python parsers: they may leave a value to the parser, but what they accept, they read alike.
FAST_PATHS = [column for column in ChildrenFormat.columns if column.sql]
MONTHS = ["Jan", "FEB", "mar", "Apr", "May", "jun", "JUL", "Aug", "Sep", "Sept", "oct", "Nov"]
MONTHS += ["Dec", "March", "september", "Mrz", "ſep", "Ｍar"]
SHAPED = st.one_of(
    st.text(READABLE, max_size=14),
    st.text("0123456789 ", max_size=14),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    # Dates as GP systems export them, and near misses: day first, month first, short years.
    st.from_regex(r"[0-9]{1,3}/[0-9]{1,3}/[0-9]{2,5}", fullmatch=True),
    st.builds(
        "{}{}{}{}{}".format,
        st.from_regex(r"[0-9]{1,3}", fullmatch=True),
        st.sampled_from(["-", " ", "/"]),
        st.sampled_from(MONTHS),
        st.sampled_from(["-", " "]),
        st.from_regex(r"[0-9]{3,5}", fullmatch=True),
    ),
    st.dates().map(lambda day: f"{day.day}/{day.month}/{day.year:04d}"),
    st.dates().map(lambda day: f"{day.day:02d}-{day:%b}-{day.year:04d}"),
    st.dates().map(lambda day: f"{day.day}-{day:%b}-{day.year:04d}".upper()),
    # Sex as the service writes it and as GP systems do, and near misses.
    st.sampled_from(["F", "m", "U", "u", "Female", "MALE", "Other", "unknown", "x", "ﬀ", "K"]),
    st.from_regex(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}", fullmatch=True),
    st.builds(valid_nhs_number, st.integers(0, 499_999)),
    st.text(READABLE, max_size=120),
)


@pytest.mark.django_db
@settings(HYPOTHESIS, max_examples=200)
@given(values=st.lists(SHAPED, min_size=1, max_size=30))
def test_the_sql_fast_paths_read_every_value_as_the_parsers_do(values):
    values = [value.strip() for value in values if value.strip()]
    for column in FAST_PATHS:
        sql = column.sql.format(v="v")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT v, ({sql})::{column.db_type} FROM unnest(%s::text[]) AS v",  # noqa: S608
                [values],
            )
            for value, fast in cursor.fetchall():
                if fast is None:
                    continue
                assert column.parse(value) == fast, (column.name, value)


# Two uploads of one file at the same moment, on two connections.


def at_once(*calls):
    """Run the calls in threads released together; the results or exceptions, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test reports what happened
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_one_children_file_at_once_write_each_child_once():
    PracticeFactory(hub=HubFactory(code="HUB-A"), ods_code="E85001")
    data = children_file([child_cells(seed) for seed in range(1, 2001)])
    results = at_once(*[lambda: run_import("children", io.BytesIO(data))] * 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted((r.created, r.updated, r.unchanged) for r in results) == [
        (0, 0, 2000),
        (2000, 0, 0),
    ]
    assert Child.objects.count() == 2000
    assert Child.history.count() == 2000
    assert ImportRun.objects.filter(succeeded=True).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_one_mdt_file_at_once_hold_each_meeting_and_case_once():
    practice = PracticeFactory(hub=HubFactory(code="HUB-A"), ods_code="E85001")
    for seed in range(1, 41):
        ChildFactory(practice=practice, nhs_number=valid_nhs_number(seed))
    header = ["hub_code", "meeting_date", "nhs_number", "outcome"]
    rows = [
        ["HUB-A", f"2025-03-{1 + seed % 4:02d}", valid_nhs_number(seed), "primary_care_advice"]
        for seed in range(1, 41)
    ]
    data = csv_bytes(header, rows)
    results = at_once(*[lambda: run_import("mdt-cases", io.BytesIO(data))] * 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Meeting.objects.count() == 4
    assert CaseDiscussion.objects.count() == 40
