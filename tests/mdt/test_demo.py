import datetime

from django.utils import timezone

from hubs import demo as hubs_demo
from hubs.demo import DemoContext
from mdt import demo
from mdt.metrics import mdt_measures
from mdt.models import Action, CaseDiscussion, Meeting
from tests.factories import ChildFactory


def test_demo_meetings_load_twice_to_the_same_data_in_the_published_proportions(db):
    ctx = DemoContext(2016, children=0)
    hubs_demo.load(ctx)
    for spec in ctx["hubs"]:
        ChildFactory.create_batch(60, practice=spec["practices"][0])
    demo.load(ctx)
    counts = [m.objects.count() for m in (Meeting, CaseDiscussion, Action)]
    demo.load(ctx)
    assert [m.objects.count() for m in (Meeting, CaseDiscussion, Action)] == counts

    hub = ctx["hubs"][0]["hub"]
    today = timezone.localdate()
    measures = mdt_measures([hub.pk], today - datetime.timedelta(days=365), today)
    assert measures["mdt_meetings"] == demo.PAST_MEETINGS
    assert 45 <= measures["mdt_outcome_primary_care_advice_pct"] <= 73
    upcoming = Meeting.objects.filter(hub=hub, status="planned").get()
    assert upcoming.cases.count() == 6
    assert Action.objects.filter(meeting__hub=hub, done_at__isnull=True).exists()
