"""The one base of every refusal a service raises, so a caller catches one type.

Each app's service errors (``AdviceError``, ``ClinicError``, ...) subclass ``ServiceError``; the
message is written for the person who asked and is safe to show them.
"""


class ServiceError(Exception):
    """A business action was refused; ``str(error)`` says why, in words for the person."""
