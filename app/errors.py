"""What a service refuses to do, and why: one family of errors for every domain.

Services raise these with a message in plain words (and, for bad input, the form
field it is about). Views that show a form put the message next to its field
(`app.viewing.refused`); anything else reaches the one handler in `app/__init__.py`,
which answers with an error page, or an htmx fragment, carrying the same status.
Either way the request's transaction is rolled back: nothing half-done is stored.

Services never commit. A service rolls back only when the database itself refused
a write because another request made the same change a moment before: then it
raises a refusal (the session must be usable to say why, and nothing of the request
is kept anyway), or reports that there was nothing left to do.
"""

from __future__ import annotations


class Refused(Exception):
    """Something that cannot be done; `status` is the HTTP answer."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field

    @property
    def message(self) -> str:
        return str(self)


class Invalid(Refused):
    """Bad input: the person can correct it (422), next to `field` when there is one."""

    status = 422


class Malformed(Refused):
    """Something no form of ours sends, like a file name with a path in it (400)."""

    status = 400


class NotAllowed(Refused):
    """Not this person's to do (403)."""

    status = 403


class NotFound(Refused):
    """Nothing there (404)."""

    status = 404


class Conflict(Refused):
    """It clashes with what is stored now: done already, or changed meanwhile (409)."""

    status = 409


class Gone(Refused):
    """It was there and is no more, like an invitation used or withdrawn (410)."""

    status = 410


class TooLarge(Refused):
    """A file or form bigger than the site takes (413)."""

    status = 413


class UnsupportedFile(Refused):
    """A file of a kind the site does not take, or not what its name says (415)."""

    status = 415


class TooMany(Refused):
    """Too many attempts in too short a time; try again later (429)."""

    status = 429
