"""Clinic pages: parse the request, call a query or a service, render. One module per subject:
sessions and their booking, appointments, the waiting list, not-brought follow-ups."""

from clinics.views.appointments import (
    appointment_attendance,
    appointment_cancel,
    appointment_detail,
    appointment_follow_up,
    appointment_letter,
    appointment_move,
    appointment_outcome,
)
from clinics.views.follow_ups import follow_up_detail, follow_up_list
from clinics.views.sessions import (
    session_cancel,
    session_create,
    session_detail,
    session_list,
    session_print,
    slot_book,
)
from clinics.views.waiting import (
    refer,
    referral_book,
    referral_off_list,
    waiting_list,
    waiting_list_csv,
)

__all__ = [
    "appointment_attendance",
    "appointment_cancel",
    "appointment_detail",
    "appointment_follow_up",
    "appointment_letter",
    "appointment_move",
    "appointment_outcome",
    "follow_up_detail",
    "follow_up_list",
    "refer",
    "referral_book",
    "referral_off_list",
    "session_cancel",
    "session_create",
    "session_detail",
    "session_list",
    "session_print",
    "slot_book",
    "waiting_list",
    "waiting_list_csv",
]
