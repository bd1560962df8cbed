from clinics import demo
from clinics.metrics import clinic_measures
from clinics.models import (
    NEEDS_NEXT_PLACE,
    Appointment,
    ClinicSession,
    NotBroughtFollowUp,
    Referral,
)
from hubs import demo as hubs_demo
from hubs.demo import DemoContext
from tests.factories import ChildFactory


def test_demo_clinics_load_twice_to_the_same_data(db):
    ctx = DemoContext(2016, children=0)
    hubs_demo.load(ctx)
    for spec in ctx["hubs"]:
        ChildFactory.create_batch(120, practice=spec["practices"][0])
    demo.load(ctx)
    counts = [m.objects.count() for m in (ClinicSession, Appointment, Referral, NotBroughtFollowUp)]
    demo.load(ctx)
    assert [
        m.objects.count() for m in (ClinicSession, Appointment, Referral, NotBroughtFollowUp)
    ] == counts

    hub = ctx["hubs"][0]["hub"]
    today = ClinicSession.objects.order_by("-date").first().date
    measures = clinic_measures([hub.pk], today.replace(year=today.year - 1), today)
    assert measures["clinic_sessions"] >= 12
    assert measures["clinic_dna_pct"] < 5
    assert (
        NotBroughtFollowUp.objects.unresolved().filter(appointment__slot__session__hub=hub).exists()
    )
    assert Referral.objects.filter(hub=hub, status="waiting").count() > 0
    # A demo family that wants a new appointment has their child waiting or booked again.
    closed = NotBroughtFollowUp.objects.filter(decision__in=NEEDS_NEXT_PLACE)
    assert closed.exists()
    for follow_up in closed.select_related("appointment"):
        child_id = follow_up.appointment.child_id
        assert Referral.objects.filter(child_id=child_id, status="waiting").exists() or (
            Appointment.objects.filter(child_id=child_id, status="booked").exists()
        )


def _with_demo_children():
    from django.utils import timezone

    from population import demo as population_demo

    ctx = DemoContext(2016, children=600)
    hubs_demo.load(ctx)
    population_demo.load(ctx)
    demo.load(ctx)
    return timezone.localdate()


def test_no_demo_child_is_booked_twice_into_one_clinic(db):
    from django.db.models import Count

    _with_demo_children()
    twice = (
        Appointment.objects.values("slot__session", "child").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not twice.exists()
    assert Appointment.objects.count() > 50


def test_demo_referral_reasons_fit_the_childs_age_and_conditions(db):
    today = _with_demo_children()
    reasons = {reason: (ages, conditions) for reason, ages, conditions in demo.REASONS}
    referrals = Referral.objects.exclude(reason__startswith="Rebook").select_related("child")
    assert referrals.count() >= 12
    for referral in referrals:
        (youngest, oldest), conditions = reasons[referral.reason]
        assert youngest <= referral.child.age_on(today) <= oldest, referral.reason
        assert not conditions or set(conditions) & set(referral.child.conditions), referral.reason
