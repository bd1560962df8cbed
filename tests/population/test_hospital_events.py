"""Hospital events per child: on the child's record, in the segmentation rules of hospital
use, and in the hub's hospital alert with "Put forward"."""

import datetime
import io

from django.urls import reverse
from django.utils import timezone

from cc4c.imports import run_import
from hubs.models import AuditEvent, Role
from mdt.models import MeetingStatus
from population.models import Child, HospitalEvent, Segment, SegmentRule, ValueSet
from population.segmentation import resegment_children
from tests.cc4c.csv_files import csv_bytes
from tests.factories import ChildFactory, member
from tests.mdt.factories import MeetingFactory
from tests.population.factories import ASTHMA, ECZEMA


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def event(child, days, kind="ed_attendance", diagnosis=""):
    return HospitalEvent.objects.create(
        child=child, occurred_on=days_ago(days), kind=kind, diagnosis=diagnosis
    )


def rule(segment, kind, count=1, days=365, value_set=None):
    return SegmentRule.objects.create(
        segment=Segment.objects.get(number=segment),
        condition="hospital_events",
        hospital_kind=kind,
        count=count,
        within_days=days,
        value_set=value_set,
    )


def segment_of(child):
    child.refresh_from_db()
    return child.segment, child.segment_reasons


# Segmentation -----------------------------------------------------------------------------------


def test_two_or_more_ed_attendances_in_a_year_put_a_child_in_the_rules_segment(practice):
    rule(8, "ed_attendance", count=2)
    twice = ChildFactory(practice=practice)
    once = ChildFactory(practice=practice)
    long_ago = ChildFactory(practice=practice)
    event(twice, 10)
    event(twice, 200)
    event(once, 10)
    event(long_ago, 10)
    event(long_ago, 400)
    resegment_children()
    assert segment_of(twice) == (8, ["2 or more emergency department attendances in 365 days"])
    assert segment_of(once) == (1, [])
    assert segment_of(long_ago) == (1, [])


def test_an_admission_with_asthma_counts_only_with_an_asthma_diagnosis(practice):
    rule(7, "admission", value_set=ValueSet.objects.get(name="asthma"))
    asthma = ChildFactory(practice=practice, conditions=[ASTHMA])
    other = ChildFactory(practice=practice, conditions=[ASTHMA])
    event(asthma, 30, kind="admission", diagnosis=ASTHMA)
    event(other, 30, kind="admission", diagnosis=ECZEMA)
    event(other, 30, kind="ed_attendance", diagnosis=ASTHMA)
    resegment_children()
    segment, reasons = segment_of(asthma)
    assert segment == 7
    assert reasons[0] == "1 or more admissions with Asthma in 365 days"
    assert segment_of(other)[0] == 3  # its asthma alone: one long-term condition


def test_a_hospital_rule_reads_in_the_admin_as_it_does_on_the_record(db):
    made = rule(8, "ed_attendance", count=2)
    assert str(made) == "Segment 8: has 2 or more emergency department attendances in 365 days"


def test_the_hospital_events_import_resegments_the_children_it_names(practice):
    rule(8, "ed_attendance")
    child = ChildFactory(practice=practice)
    data = csv_bytes(
        ["nhs_number", "occurred_on", "kind", "diagnosis"],
        [[child.nhs_number, days_ago(3).isoformat(), "ed_attendance", ""]],
    )
    run_import("hospital-events", io.BytesIO(data))
    assert segment_of(child)[0] == 8


def test_a_children_import_keeps_a_segment_from_hospital_events(practice):
    from tests.cc4c.csv_files import from_dicts
    from tests.population.test_import_children import child_row

    rule(8, "ed_attendance")
    practice.ods_code = "E85001"
    practice.save()
    child = ChildFactory(practice=practice)
    event(child, 3)
    resegment_children()
    assert segment_of(child)[0] == 8
    run_import("children", from_dicts([child_row(nhs_number=child.nhs_number)]))
    assert segment_of(child)[0] == 8


# The child's record -----------------------------------------------------------------------------


def test_the_childs_record_shows_their_hospital_events(practice, gp, client_for):
    child = ChildFactory(practice=practice)
    event(child, 3, kind="admission", diagnosis=ASTHMA)
    event(child, 500, kind="did_not_attend")
    body = client_for(gp).get(reverse("population:child", args=[child.pk])).content.decode()
    assert "Hospital events" in body
    assert "1 emergency attendance or admission in the last year" in body
    assert "Outpatient appointment not attended" in body
    assert ASTHMA in body


def test_the_childs_record_shows_each_programme_and_records_done(practice, gp, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    body = client_for(gp).get(reverse("population:child", args=[child.pk])).content.decode()
    assert "Inhaler technique checked</strong>: Never done" in body
    assert "Done today" in body


# The hub's hospital alert -----------------------------------------------------------------------


def alert_url(hub):
    return reverse("mdt:hospital_alert", args=[hub.pk])


def test_the_alert_lists_watched_children_seen_in_hospital_since_the_last_mdt(
    hub, practice, gp, client_for
):
    held = timezone.now() - datetime.timedelta(days=14)
    MeetingFactory(
        hub=hub, starts_at=held, started_at=held, finished_at=held, status=MeetingStatus.FINISHED
    )
    complex_ = ChildFactory(practice=practice, segment=7)
    asthma = ChildFactory(practice=practice, conditions=[ASTHMA], segment=3)
    before = ChildFactory(practice=practice, segment=8)
    healthy = ChildFactory(practice=practice, segment=1)
    outpatient = ChildFactory(practice=practice, segment=6)
    event(complex_, 2)
    event(asthma, 5, kind="admission")
    event(before, 20)
    event(healthy, 2)
    event(outpatient, 2, kind="outpatient_new")
    response = client_for(gp).get(alert_url(hub))
    assert list(response.context["page"].object_list) == [complex_, asthma]
    body = response.content.decode()
    assert "On the Asthma register" in body
    assert reverse("mdt:put_forward_child", args=[complex_.pk]) in body
    entry = AuditEvent.objects.get(action="mdt.hospital_alert.view")
    assert set(entry.child_ids) == {complex_.pk, asthma.pk}


def test_without_a_finished_meeting_the_alert_looks_back_90_days(hub, practice, gp, client_for):
    recent = ChildFactory(practice=practice, segment=6)
    old = ChildFactory(practice=practice, segment=6)
    event(recent, 80)
    event(old, 100)
    response = client_for(gp).get(alert_url(hub))
    assert list(response.context["page"].object_list) == [recent]


def test_a_commissioner_cannot_open_the_alert_and_another_hub_is_404(
    hub, other_hub, gp, commissioner, client_for
):
    assert client_for(commissioner).get(alert_url(hub)).status_code == 404
    assert client_for(gp).get(alert_url(other_hub)).status_code == 404


def test_an_empty_alert_says_so(hub, client_for):
    paediatrician = member(Role.PAEDIATRICIAN, hub)
    body = client_for(paediatrician).get(alert_url(hub)).content.decode()
    assert "has had an emergency attendance or admission since then" in body
    assert not Child.objects.exists()
