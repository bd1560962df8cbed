"""What later apps hear of clinic actions, without clinics importing them: the hook by which
this floor calls upward (as population/panels_registry.py does for a child's page).

Each signal is sent inside the transaction of the action, once its rows are written, with the
``appointment``; ``appointment_moved`` also gives the ``old_slot``, ``appointment_cancelled``
gives ``by_family``, ``appointment_not_brought`` the ``follow_up``. A receiver writes what it
writes (a text to the family, through an outbox) in that same transaction, so an action rolled
back leaves nothing behind, and a receiver that fails fails the action. Receivers connect in
their app's ``ready()`` (the families app's texts and emails: families/apps.py).
"""

from django.dispatch import Signal

appointment_booked = Signal()
appointment_moved = Signal()
appointment_cancelled = Signal()
appointment_not_brought = Signal()
appointment_attended = Signal()
