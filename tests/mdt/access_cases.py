from hubs.models import Role
from mdt.models import Action, CaseDiscussion, Meeting
from tests.access import PatientData
from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory


def meeting_b(w):
    if "mdt_meeting" not in w.extra:
        w.extra["mdt_meeting"] = MeetingFactory(
            hub=w.hub_b, invitees=[w.people_b[Role.MDT_MEMBER], w.people_b[Role.GP]]
        )
    return w.extra["mdt_meeting"]


def case_b(w):
    if "mdt_case" not in w.extra:
        w.extra["mdt_case"] = CaseFactory(
            meeting=meeting_b(w),
            child=w.child_b,
            put_forward_by=w.people_b[Role.GP],
            discussed=True,
            outcome="primary_care_advice",
        )
    return w.extra["mdt_case"]


def action_b(w):
    if "mdt_action" not in w.extra:
        w.extra["mdt_action"] = ActionFactory(
            meeting=meeting_b(w), case=case_b(w), owner=w.people_b[Role.MDT_MEMBER]
        )
    return w.extra["mdt_action"]


def with_case(w):
    case_b(w)
    action_b(w)
    return {}


def hospital_alert_b(w):
    """Child B in segment 7, with an emergency attendance yesterday: on hub B's alert."""
    import datetime

    from django.utils import timezone

    from population.models import HospitalEvent

    w.child_b.segment = 7
    w.child_b.save()
    HospitalEvent.objects.create(
        child=w.child_b,
        occurred_on=timezone.localdate() - datetime.timedelta(days=1),
        kind="ed_attendance",
    )
    return {"hub_pk": w.hub_b.pk}


URLS = [
    PatientData("mdt:hospital_alert", build=hospital_alert_b, action="child.view"),
    PatientData("mdt:meetings", build=with_case, scoped_list=True),
    PatientData("mdt:my_cases", build=with_case, scoped_list=True),
    PatientData("mdt:my_actions", build=with_case, scoped_list=True),
    PatientData(
        "mdt:hub", action="mdt.view_hub", build=lambda w: {"hub_pk": case_b(w).meeting.hub_id}
    ),
    PatientData("mdt:schedule", action="mdt.manage", build=lambda w: {"hub_pk": w.hub_b.pk}),
    PatientData("mdt:meeting", action="mdt.view", build=lambda w: {"pk": case_b(w).meeting_id}),
    PatientData(
        "mdt:meeting_start",
        action="mdt.chair",
        build=lambda w: {"pk": case_b(w).meeting_id},
        method="post",
    ),
    PatientData(
        "mdt:meeting_finish",
        action="mdt.chair",
        build=lambda w: {"pk": case_b(w).meeting_id},
        method="post",
    ),
    PatientData(
        "mdt:meeting_attendance", action="mdt.chair", build=lambda w: {"pk": case_b(w).meeting_id}
    ),
    PatientData(
        "mdt:meeting_edit",
        action="mdt.manage",
        build=lambda w: {"pk": case_b(w).meeting_id},
        method="post",
        data=lambda w: {"starts_at": "2040-01-01T12:30", "place": "Elsewhere"},
    ),
    PatientData(
        "mdt:meeting_cancel",
        action="mdt.manage",
        build=lambda w: {"pk": case_b(w).meeting_id},
        method="post",
    ),
    PatientData(
        "mdt:meeting_send_agenda",
        action="mdt.manage",
        build=lambda w: {"pk": case_b(w).meeting_id},
        method="post",
    ),
    PatientData(
        "mdt:meeting_letters", action="mdt.view", build=lambda w: {"pk": case_b(w).meeting_id}
    ),
    PatientData(
        "mdt:action_add",
        action="mdt.chair",
        build=lambda w: {"pk": case_b(w).meeting_id},
        method="post",
        data=lambda w: {
            "description": "x",
            "owner": w.people_b[Role.GP].pk,
            "due_on": "2040-01-01",
        },
    ),
    PatientData(
        "mdt:action_done", action="mdt.view", build=lambda w: {"pk": action_b(w).pk}, method="post"
    ),
    PatientData("mdt:case", action="mdt.view", build=lambda w: {"pk": case_b(w).pk}),
    PatientData(
        "mdt:case_outcome",
        action="mdt.chair",
        build=lambda w: {"pk": case_b(w).pk},
        method="post",
        data=lambda w: {"outcome": "other"},
    ),
    PatientData(
        "mdt:case_move",
        action="mdt.manage",
        build=lambda w: {"pk": case_b(w).pk},
        method="post",
        data=lambda w: {"to_meeting": case_b(w).meeting_id},
    ),
    PatientData(
        "mdt:case_reorder",
        action="mdt.manage",
        build=lambda w: {"pk": case_b(w).pk},
        method="post",
        data=lambda w: {"direction": "up"},
    ),
    PatientData(
        "mdt:case_remove",
        action="mdt.manage",
        build=lambda w: {"pk": case_b(w).pk},
        method="post",
        data=lambda w: {"reason": "Family moved away"},
    ),
    PatientData("mdt:case_letter", action="mdt.view", build=lambda w: {"pk": case_b(w).pk}),
    PatientData("mdt:case_letter_pdf", action="mdt.view", build=lambda w: {"pk": case_b(w).pk}),
    PatientData(
        "mdt:put_forward",
        build=with_case,
        # The number typed with a space where nobody writes one: it is searched in full, but the
        # page echoing the visitor's own words is not a leak.
        data=lambda w: {"q": f"{w.child_b.nhs_number[:3]} {w.child_b.nhs_number[3:]}"},
        scoped_list=True,
    ),
    PatientData(
        "mdt:put_forward_child",
        action="mdt.add_case",
        build=lambda w: {"child_pk": w.child_b.pk},
    ),
]

ADMIN = {
    Meeting: meeting_b,
    CaseDiscussion: case_b,
    Action: action_b,
}
