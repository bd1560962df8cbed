"""The coordinator keeps the rota in the admin site; the demo loads an advice line once."""

from django.urls import reverse

from advice.models import AdviceRequest, RotaEntry
from hubs.models import Role
from tests.advice.factories import RotaEntryFactory
from tests.factories import member


def test_a_coordinator_puts_a_paediatrician_on_the_rota(
    client_for, hub, coordinator, paediatrician
):
    response = client_for(coordinator).post(
        reverse("admin:advice_rotaentry_add"),
        {"hub": hub.pk, "date": "2030-01-07", "paediatrician": paediatrician.pk},
    )
    assert response.status_code == 302
    assert RotaEntry.objects.get().paediatrician == paediatrician


def test_a_gp_cannot_be_put_on_the_rota(client_for, hub, coordinator, gp):
    response = client_for(coordinator).post(
        reverse("admin:advice_rotaentry_add"),
        {"hub": hub.pk, "date": "2030-01-07", "paediatrician": gp.pk},
    )
    assert response.status_code == 200
    assert not RotaEntry.objects.exists()


def test_another_hubs_rota_is_404_in_the_admin(client_for, coordinator, other_hub):
    entry = RotaEntryFactory(hub=other_hub, paediatrician=member(Role.PAEDIATRICIAN, other_hub))
    client = client_for(coordinator)
    assert client.get(reverse("admin:advice_rotaentry_change", args=[entry.pk])).status_code == 404
    listing = client.get(reverse("admin:advice_rotaentry_changelist")).content.decode()
    assert entry.paediatrician.display_name not in listing


def test_the_demo_loads_an_advice_line_and_a_second_run_changes_nothing(db):
    from advice import demo
    from hubs import demo as hubs_demo
    from hubs.demo import DemoContext

    ctx = DemoContext(2016, children=0)
    hubs_demo.load(ctx)
    demo.load(ctx)
    counts = (AdviceRequest.objects.count(), RotaEntry.objects.count())
    assert counts[0] > 0 and counts[1] > 0
    hub = ctx["hubs"][0]["hub"]
    hub.refresh_from_db()
    assert hub.advice_email == "advice.pad@demo.cc4c.nhs.example"
    assert AdviceRequest.objects.filter(first_response_at__isnull=True).exists()
    assert AdviceRequest.objects.exclude(outcome="").exists()
    # The demo queue shows an urgent request and a GP's follow-up question.
    assert AdviceRequest.objects.filter(hub=hub, urgency="urgent", status="open").exists()
    follow_up = AdviceRequest.objects.get(hub=hub, status="follow_up")
    assert follow_up.replies.filter(kind="follow_up").exists()
    assert follow_up.follow_up_since > follow_up.first_response_at
    ctx2 = DemoContext(2016, children=0)
    hubs_demo.load(ctx2)
    demo.load(ctx2)
    assert (AdviceRequest.objects.count(), RotaEntry.objects.count()) == counts
