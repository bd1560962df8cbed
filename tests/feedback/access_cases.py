from tests.access import NoPatientData, PatientData

AGGREGATE = (
    "answers keep the hub and a date only, never a child; comments show once approved; "
    "scoped to the person's hubs (tests/feedback/test_pages.py)"
)


def _pending_comment_naming_child_b(w):
    from tests.feedback.factories import FamilyResponseFactory

    response = FamilyResponseFactory(
        hub=w.hub_b, comment=f"{w.child_b.given_name} {w.child_b.family_name} was seen quickly"
    )
    w.extra["response_b"] = response
    return response


def _finished_meeting_of_hub_b(w):
    from hubs.models import Role
    from tests.feedback.conftest import finished_meeting

    return finished_meeting(w.hub_b, w.people_b[Role.PAEDIATRICIAN])


URLS = [
    NoPatientData("feedback:overview", AGGREGATE),
    NoPatientData("feedback:meetings", "MDT meeting dates and rating counts of the person's hubs"),
    NoPatientData(
        "feedback:family",
        "the public form behind a one-use unguessable link: no sign-in, shows only the hub and "
        "the contact's date (tests/feedback/test_family_form.py)",
        everyone=True,
    ),
    NoPatientData("feedback:family_thanks", "a static thank-you page", everyone=True),
    # A comment waiting for approval may name a child: only the hub's coordinators see it.
    PatientData(
        "feedback:comments",
        build=lambda w: (_pending_comment_naming_child_b(w), {})[1],
        scoped_list=True,
    ),
    PatientData(
        "feedback:comment_moderate",
        action="feedback.moderate",
        build=lambda w: {"pk": _pending_comment_naming_child_b(w).pk},
        method="post",
        data=lambda w: {"decision": "approve"},
    ),
    PatientData(
        "feedback:meeting_rate",
        action="mdt.view",
        build=lambda w: {"pk": _finished_meeting_of_hub_b(w).pk},
    ),
]


def _rating_of_hub_b(w):
    from hubs.models import Role
    from tests.feedback.factories import ProfessionalFeedbackFactory

    meeting = _finished_meeting_of_hub_b(w)
    return ProfessionalFeedbackFactory(meeting=meeting, person=w.people_b[Role.PAEDIATRICIAN])


ADMIN = {
    "feedback.familyresponse": lambda w: _pending_comment_naming_child_b(w),
    "feedback.professionalfeedback": _rating_of_hub_b,
}
