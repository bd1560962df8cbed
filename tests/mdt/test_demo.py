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


def test_demo_clinical_questions_fit_the_childs_age_and_conditions(db):
    from population import demo as population_demo

    ctx = DemoContext(2016, children=600)
    hubs_demo.load(ctx)
    population_demo.load(ctx)
    demo.load(ctx)
    fits = {question: (ages, conditions) for question, _tried, ages, conditions in demo.QUESTIONS}
    cases = CaseDiscussion.objects.select_related("child", "meeting")
    assert cases.count() > 50
    for case in cases:
        (youngest, oldest), conditions = fits[case.clinical_question]
        age = case.child.age_on(timezone.localtime(case.meeting.starts_at).date())
        assert youngest <= age <= oldest, (case.clinical_question, age)
        assert not conditions or set(conditions) & set(case.child.conditions)
    for action in Action.objects.select_related("case__child", "meeting"):
        age = action.case.child.age_on(timezone.localtime(action.meeting.starts_at).date())
        assert ("health visitor" in action.description) == (age < 5)
