"""Domain errors: raised by services, shown by views as a message in French."""


# The status of a refused form: the page again, with what was typed (never a redirect).
REFUSED = 422


class DomainError(Exception):
    """A rule refused the action. `message` is a translatable (lazy) string for the user."""

    def __init__(self, message, **params):
        self.message = message
        self.params = params
        super().__init__(str(message) % params if params else str(message))

    def __str__(self):
        return str(self.message) % self.params if self.params else str(self.message)
