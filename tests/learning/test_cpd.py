"""A person's CPD record and the certificate they download for appraisal."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clinics.models import ClinicSession
from hubs.models import Role
from learning import cpd
from learning.models import TeachingSession
from mdt.models import Attendance
from tests.factories import member
from tests.learning.factories import TeachingSessionFactory
from tests.mdt.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def attended(person, hub, days_ago, minutes=75, **kwargs):
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    meeting = MeetingFactory(
        hub=hub,
        starts_at=starts,
        status="finished",
        started_at=starts,
        finished_at=starts + datetime.timedelta(minutes=minutes),
        **kwargs,
    )
    Attendance.objects.create(meeting=meeting, person=person)
    return meeting


def clinic(person, hub, practice, days_ago, **kwargs):
    session = ClinicSession.objects.create(
        hub=hub,
        host_practice=practice,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 30),
        **kwargs,
    )
    session.clinicians.add(person)
    return session


def test_mdt_hours_come_from_start_to_finish_or_an_hour(hub):
    starts = timezone.now()
    meeting = MeetingFactory(hub=hub, started_at=starts, finished_at=starts)
    assert cpd.mdt_hours(meeting) == Decimal("1")  # nothing plausible recorded
    meeting.finished_at = starts + datetime.timedelta(minutes=80)
    assert cpd.mdt_hours(meeting) == Decimal("1.25")
    meeting.finished_at = starts + datetime.timedelta(days=1)  # finished the next day
    assert cpd.mdt_hours(meeting) == Decimal("1")


def test_the_record_counts_attended_meetings_staffed_sessions_and_teaching(gp, hub, practice):
    attended(gp, hub, 10, minutes=90)
    attended(gp, hub, 400)  # before the period
    apologies = attended(gp, hub, 20)
    Attendance.objects.filter(meeting=apologies).update(present=False)
    clinic(gp, hub, practice, 5)
    clinic(gp, hub, practice, 6, status="cancelled")
    clinic(gp, hub, practice, -7)  # not yet happened
    TeachingSessionFactory(person=gp, hub=hub, hours=Decimal("2"))
    TeachingSessionFactory(hub=hub)  # someone else's
    today = timezone.localdate()
    record = cpd.record(gp, today - datetime.timedelta(days=365), today)
    assert [len(record.mdt), len(record.clinics), len(record.teaching)] == [1, 1, 1]
    assert record.mdt_hours == Decimal("1.5")
    assert record.clinic_hours == Decimal("3.5")
    assert record.total_hours == Decimal("7")


def test_the_cpd_page_lists_meetings_with_hub_and_hours(client_for, gp, hub):
    attended(gp, hub, 10)
    body = client_for(gp).get(reverse("learning:cpd")).content.decode()
    assert hub.name in body
    assert "1.25" in body
    assert "No outreach clinic sessions in this period yet." in body


def test_a_gp_downloads_a_certificate_listing_their_mdt_attendances(client_for, gp, hub):
    gp.profession, gp.registration_number = "GP", "1234567"
    gp.save()
    first = attended(gp, hub, 40)
    attended(gp, hub, 5)
    today = timezone.localdate()
    response = client_for(gp).get(
        reverse("learning:certificate"),
        {"date_from": (today - datetime.timedelta(days=90)).isoformat()},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert gp.display_name in text
    assert "1234567" in text
    assert timezone.localtime(first.starts_at).strftime("%-d %b %Y") in text
    assert hub.name in text
    assert "MDT meetings attended" in text
    assert "2.5" in text  # total hours: two meetings of an hour and a quarter


def test_a_person_adds_and_removes_their_own_teaching(client_for, gp, hub):
    client = client_for(gp)
    response = client.post(
        reverse("learning:teaching_add"),
        {
            "date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
            "title": "Constipation update",
            "role": "attended",
            "hub": hub.pk,
            "hours": "1.5",
        },
    )
    assert response.status_code == 302
    session = TeachingSession.objects.get()
    assert (session.person, session.hours) == (gp, Decimal("1.5"))
    page = client.get(reverse("learning:cpd")).content.decode()
    assert "Constipation update" in page
    assert "<td>1.5</td>" in page and "1.50" not in page
    client.post(reverse("learning:teaching_delete", args=[session.pk]))
    assert not TeachingSession.objects.exists()


def test_teaching_in_the_future_or_another_hub_is_refused(client_for, gp, hub, other_hub):
    client = client_for(gp)
    data = {"title": "x", "role": "attended", "hours": "1"}
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("learning:teaching_add"), {**data, "date": tomorrow, "hub": hub.pk}
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("learning:teaching_add"), {**data, "date": today, "hub": other_hub.pk}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("learning:teaching_add"), {**data, "date": today, "hub": hub.pk, "hours": "13"}
    )
    assert response.status_code == 400
    assert not TeachingSession.objects.exists()


def test_nobody_removes_someone_elses_teaching(client_for, gp, hub):
    theirs = TeachingSessionFactory(person=member(Role.GP, hub), hub=hub)
    response = client_for(gp).post(reverse("learning:teaching_delete", args=[theirs.pk]))
    assert response.status_code == 404
    assert TeachingSession.objects.filter(pk=theirs.pk).exists()


def test_cpd_page_query_count(client_for, gp, hub, practice, django_assert_max_num_queries):
    client = client_for(gp)
    url = reverse("learning:cpd")

    def add(n, offset):
        for i in range(n):
            attended(gp, hub, offset + i)
            clinic(gp, hub, practice, offset + i)
            TeachingSessionFactory(person=gp, hub=hub)

    add(1, 1)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    add(49, 2)
    with django_assert_max_num_queries(10):
        body = client.get(url).content.decode()
    assert body.count("Outreach clinic session at") == 50


def test_a_trainee_who_has_left_the_hub_still_gets_their_record_and_certificate(hub, client_for):
    trainee = member(Role.GP, hub)
    attended(trainee, hub, days_ago=40)
    trainee.memberships.update(end_date=timezone.localdate() - datetime.timedelta(days=7))
    client = client_for(trainee)
    page = client.get(reverse("learning:cpd"))
    assert page.status_code == 200
    assert "My CPD record" in page.content.decode()  # in the menu, with no current role
    assert "Add teaching" not in page.content.decode()  # teaching is added in a current hub
    assert len(page.context["record"].mdt) == 1
    pdf = client.get(reverse("learning:certificate"))
    assert pdf.status_code == 200
    assert hub.name in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_people_whose_roles_never_had_cpd_have_no_record(hub, client_for):
    commissioner = member(Role.COMMISSIONER, hub)
    assert client_for(commissioner).get(reverse("learning:cpd")).status_code == 404
    left = member(Role.CHAMPION, hub, mfa=False)
    left.memberships.update(end_date=timezone.localdate() - datetime.timedelta(days=7))
    assert client_for(left).get(reverse("learning:certificate")).status_code == 404
