from advice.models import (
    AdviceLineSettings,
    AdviceRequest,
    InboundEmail,
    Reminder,
    RotaEntry,
)
from hubs.models import Role
from tests.access import NoPatientData, PatientData
from tests.advice.factories import AdviceRequestFactory, AttachmentFactory, RotaEntryFactory


def request_b(w):
    if "advice_request_b" not in w.extra:
        w.extra["advice_request_b"] = AdviceRequestFactory(
            hub=w.hub_b,
            child=w.child_b,
            practice=w.practice_b,
            asked_by=w.people_b[Role.GP],
            question=f"About {w.child_b.given_name} {w.child_b.family_name}",
        )
    return w.extra["advice_request_b"]


def on_request(w):
    return {"pk": request_b(w).pk}


def held_email_b(w):
    """An email held for hub B's GP to confirm, and the token of its link."""
    import datetime
    import hashlib

    from django.utils import timezone

    token = "held-email-token-of-hub-b-0123456789"
    InboundEmail.objects.create(
        hub=w.hub_b,
        mail_from="gp@example.nhs.uk",
        rcpt_to="advice@b.example",
        raw=f"Subject: About {w.child_b.given_name} {w.child_b.family_name}\n\nx".encode(),
        sender=w.people_b[Role.GP].email,
        status="held",
        held_for=w.people_b[Role.GP],
        confirm_digest=hashlib.sha256(token.encode()).hexdigest(),
        confirm_by=timezone.now() + datetime.timedelta(hours=1),
    )
    return {"token": token}


def attachment_b(w):
    found = AttachmentFactory(request=request_b(w))
    return {"pk": found.request_id, "attachment_pk": found.pk}


URLS = [
    PatientData("advice:queue", scoped_list=True, build=lambda w: request_b(w) and {}),
    PatientData("advice:mine", scoped_list=True, build=lambda w: request_b(w) and {}),
    PatientData(
        "advice:ask",
        scoped_list=True,
        # Part of hub B child's name: the page echoes the search, never the child.
        data=lambda w: {"q": w.child_b.given_name[1:-1]},
    ),
    NoPatientData("advice:log_phone", "a blank form; children are found only in own hubs"),
    NoPatientData("advice:rota", "who covers the line: staff names and dates only"),
    PatientData("advice:email_confirm", build=held_email_b),
    PatientData("advice:detail", action="advice.view", build=on_request),
    PatientData("advice:claim", build=on_request, method="post"),
    PatientData("advice:answer", build=on_request, method="post", data=lambda w: {"text": "x"}),
    PatientData("advice:ask_info", build=on_request, method="post", data=lambda w: {"text": "x"}),
    PatientData(
        "advice:add_info",
        action="advice.view",
        build=on_request,
        method="post",
        data=lambda w: {"text": "x"},
    ),
    PatientData("advice:follow_up", build=on_request, method="post", data=lambda w: {"text": "x"}),
    PatientData(
        "advice:outcome", build=on_request, method="post", data=lambda w: {"outcome": "other"}
    ),
    PatientData(
        "advice:forward",
        build=on_request,
        method="post",
        data=lambda w: {"destination": "mdt", "reason": "x"},
    ),
    PatientData("advice:attachment", action="advice.view", build=attachment_b),
]

ADMIN = {
    AdviceRequest: request_b,
    RotaEntry: lambda w: RotaEntryFactory(
        hub=w.hub_b, paediatrician=w.people_b[Role.PAEDIATRICIAN]
    ),
    AdviceLineSettings: lambda w: AdviceLineSettings.objects.create(hub=w.hub_b),
    Reminder: lambda w: Reminder.objects.create(request=request_b(w), kind="reminder_75"),
    InboundEmail: lambda w: InboundEmail.objects.create(
        hub=w.hub_b, mail_from="gp@example.nhs.uk", rcpt_to="advice@b.example", raw=b"x"
    ),
}
