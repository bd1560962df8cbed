from tests.access import NoPatientData, PatientData


def _carer_b(w):
    from tests.families.factories import CarerFactory

    if "carer_b" not in w.extra:
        w.extra["carer_b"] = CarerFactory(child=w.child_b, name=f"{w.child_b.given_name} Parent")
    return w.extra["carer_b"]


def _message_b(w):
    """A hub-B booking with its message to the family (and a reply and a task to correct)."""
    if "message_b" not in w.extra:
        from cc4c.models import NotificationStatus
        from clinics import services as clinics
        from families import services
        from families.models import Message
        from tests.clinics.factories import ClinicSessionFactory, free_slot

        _carer_b(w)
        from hubs.models import Role

        appointment = clinics.book_appointment(
            slot=free_slot(ClinicSessionFactory(host_practice=w.practice_b)),
            child=w.child_b,
            by=w.people_b[Role.COORDINATOR],
        )
        message = Message.objects.get(appointment=appointment)
        message.outbox.status = NotificationStatus.PERMANENT_FAILURE
        message.outbox.save()
        services.message_finished(message.outbox)
        link = message.link
        link.answer, link.answered_at = "another_time", link.created_at
        link.save()
        w.extra["message_b"] = message
    return w.extra["message_b"]


URLS = [
    PatientData(
        "families:carers", action="family.contacts", build=lambda w: {"child_id": w.child_b.pk}
    ),
    PatientData(
        "families:carer_edit", action="family.contacts", build=lambda w: {"pk": _carer_b(w).pk}
    ),
    PatientData("families:outbox", build=lambda w: _message_b(w) and {}, scoped_list=True),
    PatientData("families:replies", build=lambda w: _message_b(w) and {}, scoped_list=True),
    PatientData(
        "families:reply_done",
        action="family.messages",
        build=lambda w: {"pk": _message_b(w).link_id},
        method="post",
    ),
    PatientData(
        "families:task_close",
        action="family.messages",
        build=lambda w: {"pk": _message_b(w).tasks.get().pk},
        method="post",
        data=lambda w: {"note": "Phoned the family"},
    ),
    NoPatientData(
        "families:answer",
        "the family's page behind a one-use unguessable link: no sign-in, the child's first "
        "name and the clinic's place and time only (tests/families/test_pages.py)",
        everyone=True,
    ),
    NoPatientData("families:answered", "a static thank-you page", everyone=True),
]


def _settings_b(w):
    from tests.families.factories import FamilySettingsFactory

    return FamilySettingsFactory(hub=w.hub_b)


ADMIN = {
    "families.familysettings": _settings_b,
    "families.carer": _carer_b,
    "families.message": _message_b,
    "families.contacttask": lambda w: _message_b(w).tasks.get(),
}
