from hubs.models import AuditEvent, Hub, Membership, Person, Practice, Role
from tests.access import NoPatientData

URLS = [
    NoPatientData("home", "the person's own hubs and roles", everyone=True),
    NoPatientData("healthz", "service health only", everyone=True),
    NoPatientData(
        "cis2_login", "starts a sign-in with NHS CIS2; no one is signed in yet", everyone=True
    ),
    NoPatientData(
        "cis2_callback", "finishes a sign-in with NHS CIS2; no one is signed in yet", everyone=True
    ),
    NoPatientData("cis2_jwks", "the service's public key for CIS2", everyone=True),
]


def _audit_event_of_hub_b(w):
    return AuditEvent.objects.create(
        person=w.people_b[Role.GP],
        hub=w.hub_b,
        child_id=w.child_b.pk,
        action="child.view",
        object_type="population.child",
        object_id=str(w.child_b.pk),
        path="/population/children/",
    )


# One row of each hubs model that belongs to hub B only (tests/hubs/test_admin_scoping.py).
ADMIN = {
    Hub: lambda w: w.hub_b,
    Practice: lambda w: w.practice_b,
    Person: lambda w: w.people_b[Role.GP],
    Membership: lambda w: Membership.objects.get(person=w.people_b[Role.GP]),
    AuditEvent: _audit_event_of_hub_b,
}
