"""A champion corrects or deletes an activity they recorded, until the month's report is built;
then both are refused, saying why."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from champions import closing, services
from champions.models import Activity, ActivityType
from evaluation.models import EvaluationReport, ReportStatus
from evaluation.periods import Period, add_months
from tests.champions.factories import ActivityFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def this_month():
    return timezone.localdate().replace(day=1)


def last_month():
    return add_months(this_month(), -1)


def build_monthly_report(hub, month, status=ReportStatus.DONE):
    """The scheduled report of a month, as evaluation.tasks.monthly_reports keeps it."""
    period = Period.of(month, add_months(month, 1) - datetime.timedelta(days=1))
    report = EvaluationReport.objects.create(
        period_from=period.date_from,
        period_to=period.date_to,
        baseline_from=period.baseline_from,
        baseline_to=period.baseline_to,
        schedule_key=f"monthly:{hub.code}:{month:%Y-%m}",
        status=status,
        built_at=timezone.now() if status == ReportStatus.DONE else None,
    )
    report.hubs.set([hub])
    return report


@pytest.fixture
def recorded(champion, champion_person):
    return services.record_activity(
        champion=champion,
        date=last_month() + datetime.timedelta(days=3),
        type=ActivityType.PEER_SUPPORT,
        hours=Decimal("2"),
        people_reached=4,
        by=champion_person,
    )


def edit(client, activity, **changes):
    data = {
        "date": activity.date.isoformat(),
        "type": activity.type,
        "hours": str(activity.hours),
        "people_reached": activity.people_reached or "",
        "notes": activity.notes,
        **changes,
    }
    return client.post(reverse("champions:change_activity", args=[activity.pk]), data)


def test_the_champion_corrects_an_activity_they_recorded(client_for, champion_person, recorded):
    client = client_for(champion_person)
    own = client.get(reverse("champions:me")).content.decode()
    assert reverse("champions:change_activity", args=[recorded.pk]) in own
    response = edit(client, recorded, hours="3.5", notes="Coffee morning")
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert (recorded.hours, recorded.notes) == (Decimal("3.5"), "Coffee morning")
    message = list(response.wsgi_request._messages)[0].message
    assert message == f"Your activity on {recorded.date.day} {recorded.date:%b %Y} is changed."


def test_the_champion_deletes_an_activity_after_confirming(client_for, champion_person, recorded):
    client = client_for(champion_person)
    url = reverse("champions:delete_activity", args=[recorded.pk])
    confirm = client.get(url).content.decode()
    assert "It cannot be undone." in confirm and Activity.objects.filter(pk=recorded.pk).exists()
    assert client.post(url).status_code == 302
    assert not Activity.objects.filter(pk=recorded.pk).exists()
    # Twice: the second is a page that is no longer there.
    assert client.post(url).status_code == 404


def test_once_the_months_report_is_built_changes_and_deletion_are_refused(
    client_for, hub, champion_person, recorded
):
    build_monthly_report(hub, last_month())
    client = client_for(champion_person)
    own = client.get(reverse("champions:me")).content.decode()
    assert reverse("champions:change_activity", args=[recorded.pk]) not in own
    assert "Report built" in own
    page = client.get(reverse("champions:change_activity", args=[recorded.pk])).content.decode()
    assert f"The report for {last_month():%b %Y} is built" in page and "Save changes" not in page
    body = edit(client, recorded, hours="9").content.decode()
    assert "can no longer be changed" in body
    deleted = client.post(reverse("champions:delete_activity", args=[recorded.pk]))
    assert "can no longer be changed" in deleted.content.decode()
    recorded.refresh_from_db()
    assert recorded.hours == Decimal("2")


def test_an_activity_cannot_be_moved_into_a_month_already_reported(
    client_for, hub, champion, champion_person
):
    build_monthly_report(hub, last_month())
    activity = services.record_activity(
        champion=champion, date=this_month(), type=ActivityType.PEER_SUPPORT,
        hours=Decimal("1"), by=champion_person,
    )  # fmt: skip
    body = edit(client_for(champion_person), activity, date=last_month().isoformat()).content
    assert "can no longer be changed" in body.decode()
    activity.refresh_from_db()
    assert activity.date == this_month()


def test_a_report_still_building_or_of_another_hub_leaves_the_month_open(
    hub, other_hub, champion, recorded
):
    build_monthly_report(hub, last_month(), status=ReportStatus.BUILDING)
    build_monthly_report(other_hub, last_month())
    assert closing.closed_months(hub.pk, {last_month()}) == set()
    EvaluationReport.objects.filter(hubs=hub).update(status=ReportStatus.DONE)
    assert closing.closed_months(hub.pk, {last_month()}) == {last_month()}


def test_an_activity_brought_in_by_the_hub_is_not_the_champions_to_change(
    client_for, champion, champion_person
):
    imported = ActivityFactory(champion=champion, recorded_by=None)
    someone_else = ActivityFactory(champion=champion, recorded_by=PersonFactory())
    client = client_for(champion_person)
    for activity in (imported, someone_else):
        assert (
            client.get(reverse("champions:change_activity", args=[activity.pk])).status_code == 404
        )
    assert "Recorded by the hub" in client.get(reverse("champions:me")).content.decode()


def test_a_correction_keeps_one_activity_of_a_type_a_day(client_for, champion, champion_person):
    day = this_month()
    first = services.record_activity(
        champion=champion, date=day, type=ActivityType.PEER_SUPPORT, hours=Decimal("1"),
        by=champion_person,
    )  # fmt: skip
    second = services.record_activity(
        champion=champion, date=day, type=_other_type(), hours=Decimal("1"), by=champion_person
    )
    body = edit(
        client_for(champion_person), second, date=first.date.isoformat(), type=first.type
    ).content.decode()
    assert "already recorded on that date" in body


def _other_type():
    return next(t for t in ActivityType.values if t != ActivityType.PEER_SUPPORT)
