"""Demo advice line: an address per hub, a rota, open requests near or past target, answered
ones with outcomes. Idempotent: requests are keyed by reference and made once."""

import datetime

from django.utils import timezone

from advice.models import (
    AdviceRequest,
    Channel,
    Outcome,
    Reply,
    ReplyKind,
    RequestType,
    RotaEntry,
    Status,
)
from hubs.demo import demo_email
from hubs.models import Person
from population import demo as population_demo
from population.models import Child

ECZEMA = ("24079001", "43116000")
# (type, question, the ages in years it fits, conditions the child has one of): a question about
# a child is asked about a child it fits; nursery bruising about a toddler, asthma about a child
# with asthma.
QUESTIONS = [
    (
        RequestType.CAUSE_INVESTIGATION,
        "Recurrent abdominal pain for three months, growth normal. "
        "Which investigations before referring?",
        (4, 17),
        (),
    ),
    (
        RequestType.MANAGEMENT,
        "Eczema not controlled on emollients and mild steroid. What step up do you suggest?",
        (0, 17),
        ECZEMA,
    ),
    (
        RequestType.WHETHER_TO_REFER,
        "Constipation since weaning, no red flags. Refer or manage here?",
        (1, 8),
        (),
    ),
    (
        RequestType.MANAGEMENT,
        "Asthma: using reliever most days despite low-dose inhaled steroid.",
        (5, 17),
        (population_demo.ASTHMA,),
    ),
    (
        RequestType.CAUSE_INVESTIGATION,
        "Bruising noticed by nursery; bloods normal so far.",
        (1, 4),
        (),
    ),
    (
        RequestType.WHETHER_TO_REFER,
        "Faltering weight over six months; feeding history attached.",
        (0, 4),
        (),
    ),
    (
        RequestType.OTHER,
        "Which local service takes referrals for sleep problems?",
        (1, 17),
        (),
    ),
]
ANSWER = (
    "Thank you. This can be managed in primary care: see the plan below, review in four "
    "weeks, and contact us again if it does not settle."
)
# (hours before now the request came in, answered after hours or None, outcome, urgency);
# the fourth asks about bruising a nursery noticed: urgent.
OPEN = [
    (2, None, "", "routine"),
    (19, None, "", "routine"),
    (23, None, "", "routine"),
    (3, None, "", "urgent"),
]
FOLLOW_UP = "Thank you. Two weeks on, still not settling despite the plan: should we refer now?"
# The first answered request: its GP replied with a follow-up question an hour ago.
FOLLOW_UP_ON = len(OPEN) + 1


def advice_address(hub):
    return f"advice.{hub.code.split('-')[-1].lower()}@demo.cc4c.nhs.example"


def _children(ctx, hub):
    given = ctx.get("hub_children")
    if given:
        for key in (hub, hub.pk, hub.code):
            if key in given:
                return list(given[key])[:300]
    return list(Child.objects.filter(practice__hub=hub).order_by("pk")[:300])


def load(ctx):
    now = timezone.now()
    today = timezone.localdate()
    rng = ctx.rng
    for entry in ctx.get("hubs", []):
        hub = entry["hub"]
        if not hub.advice_email:
            hub.advice_email = advice_address(hub)
            hub.save(update_fields=["advice_email"])
        paed = Person.objects.filter(email=demo_email("paed", hub.code)).first()
        gp = Person.objects.filter(email=demo_email("gp", hub.code)).first()
        if paed is None or gp is None:
            continue
        for offset in range(-7, 21):
            day = today + datetime.timedelta(days=offset)
            if day.weekday() < 5:
                RotaEntry.objects.get_or_create(hub=hub, date=day, defaults={"paediatrician": paed})
        children = _children(ctx, hub)
        practice = entry["practices"][0] if entry.get("practices") else None
        plan = list(OPEN)
        for _ in range(24):
            outcome = rng.choice(Outcome.values)
            ago = 24 * rng.randint(2, 80) + rng.randint(0, 8)
            plan.append((ago, rng.randint(1, 40), outcome, "routine"))
        for n, (ago, answered_after, outcome, urgency) in enumerate(plan, start=1):
            request_type, question, ages, conditions = QUESTIONS[n % len(QUESTIONS)]
            received = now - datetime.timedelta(hours=ago)
            child = None
            if children and n % 3:  # every third is a general question, about no child
                child = population_demo.fitting_child(
                    children, ages=ages, conditions=conditions, today=today, start=n * 7
                )
            advice_request, created = AdviceRequest.objects.get_or_create(
                hub=hub,
                reference=f"DEMO-{n:03d}",
                defaults={
                    "received_at": received,
                    "channel": [Channel.WEB, Channel.EMAIL, Channel.PHONE][n % 3],
                    "asked_by": gp,
                    "practice": child.practice if child else practice,
                    "child": child,
                    "question": question,
                    "request_type": request_type,
                    "urgency": urgency,
                },
            )
            if not created or answered_after is None:
                continue
            answered_at = received + datetime.timedelta(hours=answered_after)
            Reply.objects.create(
                request=advice_request,
                author=paed,
                kind=ReplyKind.ANSWER,
                text=ANSWER,
                created_at=answered_at,
            )
            advice_request.first_response_at = answered_at
            advice_request.claimed_by = paed
            advice_request.claimed_at = answered_at
            advice_request.outcome = outcome
            advice_request.status = Status.CLOSED if outcome else Status.ANSWERED
            if n == FOLLOW_UP_ON:
                asked = now - datetime.timedelta(hours=1)
                Reply.objects.create(
                    request=advice_request,
                    author=gp,
                    kind=ReplyKind.FOLLOW_UP,
                    text=FOLLOW_UP,
                    created_at=asked,
                )
                advice_request.status = Status.FOLLOW_UP
                advice_request.follow_up_since = asked
            advice_request.save()
