"""What later apps hear of the advice line, without advice importing them (as clinics/signals.py
does for clinics): ``request_answered`` is sent with ``advice_request`` inside the transaction of
the first answer to a request about a child."""

from django.dispatch import Signal

request_answered = Signal()
