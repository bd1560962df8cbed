"""The one base of every refusal a service raises, so a caller catches one type.

Each app's service errors (``AdviceError``, ``ClinicError``, ...) subclass ``ServiceError``; the
message is written for the person who asked and is safe to show them.
"""


class ServiceError(Exception):
    """A business action was refused; ``str(error)`` says why, in words for the person, and
    ``field`` names the form field it is about, when there is one."""

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
