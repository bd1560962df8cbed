"""The advice mail receiver's refusal: an SMTP code and the reason the sender is shown."""


class Refused(Exception):
    def __init__(self, code, reason):
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason

    @property
    def reply(self):
        return f"{self.code} {self.reason}"
