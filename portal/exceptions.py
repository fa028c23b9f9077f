"""Domain errors: raised by services, turned into messages by views."""


class DomainError(Exception):
    """A refused action, with one or more reasons fit to show the user."""

    def __init__(self, *messages):
        self.messages = [str(m) for m in messages if m] or [self.default_message()]
        super().__init__("; ".join(self.messages))

    @classmethod
    def default_message(cls) -> str:
        return cls.__name__
