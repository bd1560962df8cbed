from hubs import demo as hubs_demo
from hubs.demo import DemoContext
from learning import demo
from learning.models import LearningPoint, TeachingSession
from mdt import demo as mdt_demo
from tests.factories import ChildFactory


def test_demo_lessons_and_teaching_load_twice_to_the_same_data(db):
    ctx = DemoContext(2016, children=0)
    hubs_demo.load(ctx)
    for spec in ctx["hubs"]:
        ChildFactory.create_batch(30, practice=spec["practices"][0])
    mdt_demo.load(ctx)
    demo.load(ctx)
    counts = (LearningPoint.objects.count(), TeachingSession.objects.count())
    demo.load(ctx)
    assert (LearningPoint.objects.count(), TeachingSession.objects.count()) == counts
    assert LearningPoint.objects.published().count() >= 3
    assert LearningPoint.objects.filter(status="awaiting").count() == 1
    assert counts[1] > 0
