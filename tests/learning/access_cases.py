from hubs.models import Role
from learning.models import LearningPoint, TeachingSession
from tests.access import PatientData
from tests.learning.factories import LearningPointFactory, TeachingSessionFactory
from tests.mdt.access_cases import case_b, meeting_b


def published_b(w):
    """A published lesson of a meeting of hub B that discussed child B."""
    if "learning_published" not in w.extra:
        case_b(w)
        w.extra["learning_published"] = LearningPointFactory(meeting=meeting_b(w))
    return w.extra["learning_published"]


def awaiting_b(w):
    if "learning_awaiting" not in w.extra:
        case_b(w)
        w.extra["learning_awaiting"] = LearningPointFactory(
            meeting=meeting_b(w), status="awaiting", reviewed_at=None
        )
    return w.extra["learning_awaiting"]


def teaching_b(w):
    if "learning_teaching" not in w.extra:
        w.extra["learning_teaching"] = TeachingSessionFactory(
            person=w.people_b[Role.GP], hub=w.hub_b
        )
    return w.extra["learning_teaching"]


def everything_b(w):
    published_b(w)
    awaiting_b(w)
    teaching_b(w)
    return {}


URLS = [
    # Every hub reads the library (that is its purpose): it must never show a child.
    PatientData("learning:library", build=everything_b, scoped_list=True),
    PatientData("learning:meeting", action="mdt.view", build=lambda w: {"pk": meeting_b(w).pk}),
    PatientData(
        "learning:review",
        action="mdt.chair",
        build=lambda w: {"pk": awaiting_b(w).pk},
        method="post",
        data=lambda w: {"title": "x", "topic": "asthma", "text": "y", "publish": "1"},
    ),
    # A CPD record is its owner's alone: everyone else sees their own (empty) record.
    PatientData("learning:cpd", action="learning.view", build=everything_b, scoped_list=True),
    PatientData(
        "learning:certificate", action="learning.view", build=everything_b, scoped_list=True
    ),
    PatientData("learning:teaching_add", build=everything_b, scoped_list=True),
    PatientData(
        "learning:teaching_delete",
        action="learning.view",
        build=lambda w: {"pk": teaching_b(w).pk},
        method="post",
    ),
]

ADMIN = {
    LearningPoint: published_b,
    TeachingSession: teaching_b,
}
