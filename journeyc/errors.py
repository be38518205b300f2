"""journeyc's own failure: exit status 2 with a one-line message (imports nothing)."""


class JourneycError(Exception):
    """A failure of journeyc itself or of its usage: exit 2 with this one-line message."""
