"""The clinics' and advice line's signals (clinics/signals.py, advice/signals.py), turned into
messages to families by families.services, in the transaction of the action."""

from families import services


def booked(sender, *, appointment, **kwargs):
    services.appointment_booked(appointment=appointment)


def moved(sender, *, appointment, old_slot=None, **kwargs):
    services.appointment_moved(appointment=appointment, old_slot=old_slot)


def cancelled(sender, *, appointment, by_family=False, **kwargs):
    services.appointment_cancelled(appointment=appointment, by_family=by_family)


def not_brought(sender, *, appointment, follow_up, **kwargs):
    services.appointment_not_brought(appointment=appointment, follow_up=follow_up)


def attended(sender, *, appointment, **kwargs):
    services.appointment_attended(appointment=appointment)


def advice_answered(sender, *, advice_request, **kwargs):
    services.advice_answered(advice_request=advice_request)
