from clinics.models import Appointment, ClinicSession, NotBroughtFollowUp, Referral
from tests.access import NoPatientData, PatientData
from tests.clinics.factories import (
    AppointmentFactory,
    ClinicSessionFactory,
    NotBroughtFollowUpFactory,
    ReferralFactory,
    free_slot,
)


def session_b(w):
    """A hub-B session with hub B's child booked into its first slot, made once per world."""
    if "session_b" not in w.extra:
        session = ClinicSessionFactory(host_practice=w.practice_b)
        w.extra["session_b"] = session
        w.extra["appointment_b"] = AppointmentFactory(slot=free_slot(session), child=w.child_b)
        w.extra["referral_b"] = ReferralFactory(child=w.child_b)
    return w.extra["session_b"]


def referral_b(w):
    session_b(w)
    return w.extra["referral_b"]


def appointment_b(w):
    session_b(w)
    return w.extra["appointment_b"]


def follow_up_b(w):
    if "follow_up_b" not in w.extra:
        appointment = AppointmentFactory(
            slot=free_slot(session_b(w)), child=w.child_b, status="not_brought"
        )
        w.extra["follow_up_b"] = NotBroughtFollowUpFactory(appointment=appointment)
    return w.extra["follow_up_b"]


def session_kwargs(w):
    return {"pk": session_b(w).pk}


def appointment_kwargs(w):
    return {"pk": appointment_b(w).pk}


URLS = [
    PatientData("clinics:session_list", build=lambda w: session_b(w) and {}, scoped_list=True),
    NoPatientData("clinics:session_create", "a form naming only the person's own hubs"),
    PatientData("clinics:session_detail", action="clinic.view", build=session_kwargs),
    PatientData("clinics:session_print", action="clinic.view", build=session_kwargs),
    PatientData(
        "clinics:slot_book",
        action="clinic.book",
        build=lambda w: {"pk": session_b(w).pk, "slot_pk": free_slot(session_b(w)).pk},
    ),
    PatientData(
        "clinics:referral_book", action="clinic.book", build=lambda w: {"pk": referral_b(w).pk}
    ),
    PatientData(
        "clinics:referral_off_list", action="clinic.book", build=lambda w: {"pk": referral_b(w).pk}
    ),
    PatientData("clinics:session_cancel", action="clinic.book", build=session_kwargs),
    PatientData("clinics:appointment_detail", action="clinic.view", build=appointment_kwargs),
    PatientData("clinics:appointment_letter", action="clinic.view", build=appointment_kwargs),
    PatientData(
        "clinics:appointment_attendance",
        action="clinic.run",
        build=appointment_kwargs,
        method="post",
        data=lambda w: {"status": "attended"},
    ),
    PatientData(
        "clinics:appointment_outcome",
        action="clinic.run",
        build=appointment_kwargs,
        method="post",
        data=lambda w: {"outcome": "hub_follow_up"},
    ),
    PatientData(
        "clinics:appointment_cancel",
        action="clinic.book",
        build=appointment_kwargs,
        method="post",
        data=lambda w: {"by": "family", "reason": "Moved away"},
    ),
    PatientData(
        "clinics:appointment_move",
        action="clinic.book",
        build=appointment_kwargs,
        method="post",
        data=lambda w: {"slot": free_slot(session_b(w)).pk},
    ),
    PatientData(
        "clinics:appointment_follow_up",
        action="clinic.book",
        build=appointment_kwargs,
        method="post",
        data=lambda w: {"slot": free_slot(session_b(w)).pk},
    ),
    PatientData("clinics:waiting_list", build=lambda w: session_b(w) and {}, scoped_list=True),
    PatientData("clinics:waiting_list_csv", build=lambda w: session_b(w) and {}, scoped_list=True),
    PatientData("clinics:refer", action="clinic.refer", build=lambda w: {"child_id": w.child_b.pk}),
    PatientData("clinics:follow_up_list", build=lambda w: follow_up_b(w) and {}, scoped_list=True),
    PatientData(
        "clinics:follow_up_detail", action="clinic.view", build=lambda w: {"pk": follow_up_b(w).pk}
    ),
]

# The admin models, each with a builder of one hub-B row.
ADMIN = {
    ClinicSession: session_b,
    Referral: lambda w: ReferralFactory(child=w.child_b),
    Appointment: appointment_b,
    NotBroughtFollowUp: follow_up_b,
}
