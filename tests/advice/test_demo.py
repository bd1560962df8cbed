"""The demo advice line is clinically plausible: each question about a child fits the child."""

from django.utils import timezone

from advice import demo
from advice.models import AdviceRequest
from hubs import demo as hubs_demo
from hubs.demo import DemoContext
from population import demo as population_demo


def test_demo_questions_fit_the_childs_age_and_conditions(db):
    ctx = DemoContext(2016, children=600)
    hubs_demo.load(ctx)
    population_demo.load(ctx)
    demo.load(ctx)
    fits = {question: (ages, conditions) for _type, question, ages, conditions in demo.QUESTIONS}
    about_a_child = AdviceRequest.objects.filter(child__isnull=False).select_related("child")
    assert about_a_child.count() >= 20
    today = timezone.localdate()
    for request in about_a_child:
        (youngest, oldest), conditions = fits[request.question]
        assert youngest <= request.child.age_on(today) <= oldest, request.question
        assert not conditions or set(conditions) & set(request.child.conditions)
