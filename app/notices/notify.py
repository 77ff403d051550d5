"""GOV.UK Notify, the service UK councils already pay for: email, text messages and
posted letters, when the site has an API key (`NOTIFY_API_KEY`). Without one, email
goes through SMTP and letters are printed and posted by hand.

A thin layer over Notify's own client (`notifications-python-client`, pinned in
pyproject.toml) that says three things in Logbook's words:

- what to send: `send_email`, `send_sms`, `send_letter`. Each answers Notify's id for
  the message, to keep (`Notice.provider_id`) and ask about later;
- what became of it: `status_of(id)` (we ask), `read_callback(body)` (Notify tells us,
  after `callback_authorised`) and `find_by_reference(reference)`. Each gives a
  `Status` whose `outcome` is "delivered", "failed" or "pending";
- what went wrong: `TryLater` (worth trying again later) or `NotifyRefused` (will
  never work as it is), with a message in plain words that carries Notify's own.

Nothing here touches the database: the worker decides what an answer means for a
notice, in its own transaction. Network calls must not be made while holding a
database lock any longer than they take: each has a timeout (`NOTIFY_TIMEOUT`).

Settings (app/config.py)
------------------------
`NOTIFY_API_KEY`            the key from Notify's "API integration" page. Its form is
                            `{key name}-{service id}-{secret}` (the two last are UUIDs);
                            the client signs each request with the secret.
`NOTIFY_EMAIL_TEMPLATE_ID`  an email template whose subject is `((subject))` and whose
                            message is `((body))`; emails are off without it.
`NOTIFY_SMS_TEMPLATE_ID`    a text message template whose message is `((body))`.
`NOTIFY_LETTERS`            "1" to post letters through Notify (precompiled PDFs).
`NOTIFY_BASE_URL`           Notify's API (tests point it at tests/fake_notify.py).
`NOTIFY_CALLBACK_TOKEN`     the bearer token given to Notify with the callback URL;
                            Notify puts it in the Authorization header of each receipt.
`NOTIFY_TIMEOUT`            seconds to wait for Notify's answer (connecting: at most 5).

Notify's API, as checked
------------------------
Checked against the installed client's source (13.0.0) and Notify's published API
documentation (alphagov/notifications-tech-docs) and API code (alphagov/notifications-api):

- POST /v2/notifications/email  {email_address, template_id, personalisation, reference}
  POST /v2/notifications/sms    {phone_number, template_id, personalisation, reference}
  POST /v2/notifications/letter {reference, content (the PDF, base64), postage}
  answer 201 with the new notification's `id` (and reference, content, uri, template;
  a precompiled letter: id, reference, postage). GET /v2/notifications/{id} answers the
  notification with its `status`, `created_at`, `sent_at` and `completed_at`;
  GET /v2/notifications?reference=... lists those with a reference, newest first.
  Notify keeps messages only for the service's retention period (7 days unless
  changed): after that, asking about one answers 404 "No result found".
- Every request carries `Authorization: Bearer <JWT>`: HS256, signed with the key's
  secret, claims `iss` (the service id) and `iat` (now; Notify allows 30 seconds of
  clock difference). A bad token answers 403 AuthError ("Invalid token: API key not
  found", "Error: Your system clock must be accurate to within 30 seconds"...).
- Errors come as {"status_code": 400, "errors": [{"error": "ValidationError",
  "message": "..."}]}: 400 ValidationError / BadRequestError (a bad address or number,
  trial mode, a team key, "Letter content is not a valid PDF"), 403 AuthError (and
  "Cannot send letters with a team api key"), 404 NoResultFound, 429 RateLimitError
  (3,000 a minute) or TooManyRequestsError (the daily limit, reset at midnight),
  500 Exception "Internal server error" ("resend your notification", say the docs).
- The client raises `HTTPError` for any failed request. One that got no answer at
  all (refused, timed out...) has no response and reports status 503, like a real
  503, as `HTTP503Error`; the requests exception is its `__cause__`. A success whose
  body is not JSON raises `InvalidResponse`. The client is not thread-safe.
- Statuses. Email: created, sending, delivered, permanent-failure, temporary-failure,
  technical-failure. Text: the same plus pending, and sent (an international number
  whose network reports nothing more). Letters: accepted (with the printer), received
  (printed and dispatched), cancelled, technical-failure, permanent-failure; a
  precompiled letter also pending-virus-check, virus-scan-failed, validation-failed
  (outside the printable area). The status filter also names returned-letter.
- Delivery receipts (callbacks) are sent for emails and text messages only, as JSON
  with id, reference, to, status, created_at, completed_at, sent_at,
  notification_type, template_id, template_version; times like
  2017-05-14T12:15:30.000000Z. Notify retries a failed callback every 5 minutes, 5
  times. Letters must therefore be polled with `status_of`.

Assumed, not verified: that Notify's answer to a 500 means nothing was stored (its
docs say to resend), and a 503 likewise; that "sent" (international text) is as
final as an SMTP server accepting an email, so counts as delivered; that letters in
"received" have a `completed_at` (if not, `Status.at` falls back to `sent_at`); the
text limit of 918 characters; that Notify formats Markdown found in `((body))` (so a member's text
starting "# " would become a heading) -- the client's `sanitise_content_for` is not
used because it is said to remove URLs, which our bodies need.

Sending twice
-------------
Notify takes no idempotency key. When a request reached Notify but its answer did not
reach us (a read timeout, a dropped connection, a gateway error), the message may
have been accepted: `TryLater.maybe_sent` is then True, and before sending again the
worker should ask `find_by_reference(reference)`, which finds it if it was. Give each
message a reference of its own (and no personal details: Notify's docs forbid them).

Precompiled letters: what our PDF must be
-----------------------------------------
From Notify's published letter specification (the "Letter specification" guidance
page) and the checks in Notify's template-preview service (an older published
version of `app/precompiled.py`):

- one PDF is one letter to one person (the address is read from page 1), so a letter
  pack of many members must be split into one PDF per member;
- A4 portrait, 210 x 297 mm (the checker allows 2 mm either way); at most 10 pages
  (5 sheets printed on both sides); at most 2 MB (stated for uploaded letters);
- every page: margins of 15 mm left and right, 5 mm top and bottom;
- page 1 may carry content only in these zones (mm from the page's left and top edges):
    logo block        15 to 125 across, 5 to 30 down
    address block     24.6 to 120 across, 39.5 to 66.3 down (95.4 x 26.8 mm)
    contact block     125 to 195 across, 5 to 95 down (the guidance: 125 from the
                      left, 30 from the top, 65 x 65 mm)
    body              15 to 195 across, from 95 down;
  anything else on page 1 -- notably the strip left of the address (15 to 24.6 mm
  across) and the band below the logo and around the address, down to 95 mm -- must
  be blank, or the letter ends in "validation-failed";
- the address block holds the address alone: 3 to 7 lines, the last a UK postcode or
  a country. Notify reads it, blanks it and types it again itself (Arial 8 pt in the
  version read), and prints a "NOTIFY" tag in the top-left margin of page 1; no later
  page may show that tag.
A PDF is accepted (201) unless it is not a PDF at all; the layout is checked after,
and a fault shows only as the status "validation-failed".
Not verified: the guidance gives the logo block as "200mm wide by 25mm high", which
cannot fit on A4 -- the checker's 110 x 25 mm is assumed; the API's size limit (2 MB is
the upload limit); the live checker's tolerance (1 mm beyond each zone in the version
read); the address font used today; colour handling (that version converted RGB to
CMYK and embedded missing fonts; WeasyPrint embeds its fonts anyway).

Against today's letter layout (templates/notices/letters.html, not changed here): the
window box (20 mm from the left, 50 mm down, 90 x 35 mm) sits outside Notify's address
block -- it starts 4.6 mm too far left and runs to 85 mm down where Notify's stops at
66.3 mm -- so Notify would fail those letters until the box moves to 24.6 mm across, 39.5 mm
down and fits in 95.4 x 26.8 mm (7 lines fit only in a small size, about 8 pt). The
sender line (18 mm down) is in the logo zone only if it ends above 30 mm; the date
(50 mm down, ending 20 mm from the right) is in the contact block; the body from
98 mm and the 20 mm side margins are inside the printable area.
"""

from __future__ import annotations

import hmac
import io
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import requests
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from notifications_python_client.errors import APIError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient
from urllib3.exceptions import MaxRetryError, NewConnectionError

from app.errors import Malformed

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"
#: Seconds to wait for a connection to Notify; the wait for its answer is NOTIFY_TIMEOUT.
CONNECT_TIMEOUT = 5.0
#: Postage Notify accepts for a precompiled letter ("postage invalid. It must be either
#: first, second or economy."); international postage follows from the address.
POSTAGE = ("first", "second", "economy")
#: The longest text message Notify sends; longer ones are refused (not verified).
SMS_MAX_CHARACTERS = 918

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: `{key name}-{service id}-{secret}`; the client reads the two UUIDs from the end.
_API_KEY = re.compile(rf"(?:.*-)?{_UUID}-{_UUID}", re.IGNORECASE)

Outcome = Literal["delivered", "failed", "pending"]

#: Notify's statuses in Logbook's words. "received" is a letter printed and posted;
#: "sent" a text to an international number whose network says nothing more.
DELIVERED = frozenset({"delivered", "received", "sent"})
FAILED = frozenset(
    {
        "permanent-failure",
        "temporary-failure",
        "technical-failure",
        "validation-failed",
        "virus-scan-failed",
        "cancelled",
        "returned-letter",
        "failed",  # Notify's name for the three failures together, in filters
    }
)
PENDING = frozenset({"created", "sending", "pending", "accepted", "pending-virus-check"})
#: Failures Notify's docs say may go through if sent again.
WORTH_RESENDING = frozenset({"temporary-failure", "technical-failure"})

_DESCRIPTIONS = {
    "created": _l("Notify has queued it to send."),
    "sending": _l("Notify has handed it on and is waiting to hear that it arrived."),
    "pending": _l("Notify is waiting for the phone network to say it arrived."),
    "sent": _l("Sent to an international number; that network reports nothing more."),
    "delivered": _l("Delivered."),
    "accepted": _l("With the printer."),
    "received": _l("Printed and posted."),
    "pending-virus-check": _l("Notify is checking the letter's file."),
    "permanent-failure": _l(
        "It cannot be delivered: the address or number is wrong, or it was refused."
    ),
    "temporary-failure": _l(
        "Not delivered: the inbox was full or the phone was off for 72 hours. "
        "It may work if sent again."
    ),
    "technical-failure": _l("Not sent: Notify had a problem with its provider. Send it again."),
    "validation-failed": _l(
        "Notify could not print the letter: something is outside the printable area."
    ),
    "virus-scan-failed": _l("Notify's virus check stopped the letter's file."),
    "cancelled": _l("Cancelled before it was printed."),
    "returned-letter": _l("The letter came back undelivered."),
}
#: The same words mean other things for a letter.
_LETTER_DESCRIPTIONS = {
    "permanent-failure": _l("The printer cannot print the letter; it will not be posted."),
    "technical-failure": _l("Not posted: Notify had a problem passing it to its printer."),
}


class NotifyError(Exception):
    """Something went wrong with Notify. `message` is plain words for a person and
    the log; `status_code` is the HTTP status Notify answered (None when no answer
    came) and `error` Notify's name for it ("ValidationError", "RateLimitError"...)."""

    def __init__(self, message: str, *, status_code: int | None = None, error: str | None = None):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.error = error


class TryLater(NotifyError):
    """Worth trying again later: Notify was busy, down, slow or out of reach.

    `maybe_sent` is True when the request may have reached Notify and been accepted
    without our hearing so (a timeout while waiting for the answer, a dropped
    connection, a gateway error): ask `find_by_reference` before sending again."""

    def __init__(self, message: str, *, maybe_sent: bool = False, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.maybe_sent = maybe_sent


class NotifyRefused(NotifyError):
    """Will never work as it is: a bad address, number or PDF, a wrong API key, a
    missing setting, or a message Notify no longer knows. Sending it again is useless
    until something changes."""


@dataclass(frozen=True)
class Status:
    """What became of one message, in Logbook's terms."""

    #: Notify's id for the message.
    notification_id: str
    #: "delivered" (an email or text arrived; a letter was printed and posted),
    #: "failed" (it will not arrive) or "pending" (not known yet).
    outcome: Outcome
    #: Notify's own status word, e.g. "temporary-failure".
    status: str
    #: The reference we sent it with.
    reference: str | None
    #: When Notify last reported progress, in UTC: `completed_at` (delivered or
    #: failed), else `sent_at` (handed to its provider), else None.
    at: datetime | None
    #: "email", "sms" or "letter", when Notify says.
    kind: str | None = None

    @property
    def final(self) -> bool:
        """Notify will not change it any more."""
        return self.outcome != "pending"

    @property
    def worth_resending(self) -> bool:
        """A failure Notify's docs say may go through if sent again."""
        return self.status in WORTH_RESENDING

    @property
    def description(self) -> str:
        """Notify's status in a few plain words, for the delivery desk."""
        return describe(self.status, self.kind)


def describe(status: str | None, kind: str | None = None) -> str:
    """One of Notify's status words in a few plain words, for the delivery desk."""
    if not status:
        return _("Sent to GOV.UK Notify.")
    if kind == "letter" and status in _LETTER_DESCRIPTIONS:
        return str(_LETTER_DESCRIPTIONS[status])
    if status in _DESCRIPTIONS:
        return str(_DESCRIPTIONS[status])
    return _("Notify says: %(status)s.", status=status)


def configured() -> bool:
    return bool(current_app.config.get("NOTIFY_API_KEY"))


def emails_available() -> bool:
    """Email through Notify needs an email template ("((subject))", "((body))")."""
    return configured() and bool(current_app.config.get("NOTIFY_EMAIL_TEMPLATE_ID"))


def texts_available() -> bool:
    """Text messages need Notify and a text template ("((body))")."""
    return configured() and bool(current_app.config.get("NOTIFY_SMS_TEMPLATE_ID"))


def letters_available() -> bool:
    """Letters go through Notify only when the site says so (`NOTIFY_LETTERS`): each
    costs postage, and our PDF must meet Notify's letter specification."""
    return configured() and bool(current_app.config.get("NOTIFY_LETTERS"))


def send_email(to: str, subject: str, body: str, reference: str) -> str:
    """Send an email through the email template; answers Notify's id for it.

    The subject is one line (line breaks become spaces). Raises `TryLater` or
    `NotifyRefused`."""
    template_id = _setting("NOTIFY_EMAIL_TEMPLATE_ID", "emails")
    what = f"the email (reference {reference})"
    answer = _call(
        what,
        lambda client: client.send_email_notification(
            email_address=to,
            template_id=template_id,
            personalisation={"subject": " ".join(subject.split()), "body": body},
            reference=reference,
        ),
    )
    return _id_of(answer, what)


def send_sms(phone: str, body: str, reference: str) -> str:
    """Send a text message through the text template; answers Notify's id for it.

    Notify refuses texts longer than `SMS_MAX_CHARACTERS`. Raises `TryLater` or
    `NotifyRefused`."""
    template_id = _setting("NOTIFY_SMS_TEMPLATE_ID", "text messages")
    what = f"the text message (reference {reference})"
    answer = _call(
        what,
        lambda client: client.send_sms_notification(
            phone_number=phone,
            template_id=template_id,
            personalisation={"body": body},
            reference=reference,
        ),
    )
    return _id_of(answer, what)


def send_letter(pdf_bytes: bytes, reference: str, postage: str = "second") -> str:
    """Post one letter to one person, printed from our PDF (see the letter
    specification above); answers Notify's id for it.

    Notify answers at once whether the file is a PDF; whether its layout fits shows
    later as the status "validation-failed". Raises `TryLater` or `NotifyRefused`."""
    if postage not in POSTAGE:
        raise ValueError(f"postage must be one of {', '.join(POSTAGE)}, not {postage!r}")
    what = f"the letter (reference {reference})"
    answer = _call(
        what,
        lambda client: client.send_precompiled_letter_notification(
            reference=reference, pdf_file=io.BytesIO(pdf_bytes), postage=postage
        ),
    )
    return _id_of(answer, what)


def status_of(notification_id: str) -> Status:
    """Ask Notify what became of a message. Raises `TryLater`, or `NotifyRefused` when
    Notify does not know it (a wrong id, or older than the retention period)."""
    answer = _call(
        f"message {notification_id}",
        lambda client: client.get_notification_by_id(notification_id),
    )
    return _status(answer, f"message {notification_id}")


def find_by_reference(reference: str) -> Status | None:
    """The newest message Notify holds with this reference, or None: to learn whether
    a send that ended in `TryLater(maybe_sent=True)` went through after all."""
    what = f"messages with reference {reference}"
    answer = _call(what, lambda client: client.get_all_notifications(reference=reference))
    found = answer.get("notifications") if isinstance(answer, dict) else None
    if not isinstance(found, list):
        raise TryLater(f"Notify's answer about {what} made no sense.", maybe_sent=True)
    return _status(found[0], what) if found else None


def read_callback(body: Any) -> Status:
    """The status in a delivery receipt Notify posted to us (the request's JSON body).

    Check the request's Authorization header with `callback_authorised` first. Raises
    `Malformed` (400) for a body that is not a delivery receipt."""
    if (
        not isinstance(body, Mapping)
        or not isinstance(body.get("id"), str)
        or not isinstance(body.get("status"), str)
    ):
        raise Malformed("This is not a Notify delivery receipt: it needs an id and a status.")
    return _status(body, "a delivery receipt")


def takes_callbacks() -> bool:
    """Whether Notify calls us back about emails and texts (a callback token is set);
    letters are always asked about."""
    return bool(current_app.config.get("NOTIFY_CALLBACK_TOKEN"))


def callback_authorised(authorization: str | None) -> bool:
    """Whether a callback's Authorization header carries our NOTIFY_CALLBACK_TOKEN
    ("Bearer <token>"). Always False when no token is set, so an unconfigured site
    believes no one."""
    token = current_app.config.get("NOTIFY_CALLBACK_TOKEN") or ""
    if not token or not authorization:
        return False
    scheme, _, given = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def outcome_of(status: str) -> Outcome:
    """Notify's status word in Logbook's terms. An unknown word is logged and taken as
    pending: Notify added statuses before, and guessing "failed" would stop a letter."""
    if status in DELIVERED:
        return "delivered"
    if status in FAILED:
        return "failed"
    if status not in PENDING:
        log.warning("Notify status %r is not one Logbook knows; taking it as pending", status)
    return "pending"


# The client, and what its errors mean ------------------------------------------------


def _setting(name: str, what: str) -> str:
    value = current_app.config.get(name)
    if not value:
        raise NotifyRefused(f"Notify is not set up for {what}: {name} is empty.")
    return str(value)


def _client() -> NotificationsAPIClient:
    """A client for one call (the library's client is not thread-safe)."""
    key = (current_app.config.get("NOTIFY_API_KEY") or "").strip()
    if not key:
        raise NotifyRefused("Notify is not set up: NOTIFY_API_KEY is empty.")
    if not _API_KEY.fullmatch(key):
        raise NotifyRefused(
            "NOTIFY_API_KEY is not a Notify API key: it should be the key's name, the "
            "service id and the secret, joined by hyphens, as Notify shows it once."
        )
    read = float(current_app.config.get("NOTIFY_TIMEOUT") or 20)
    return NotificationsAPIClient(
        key,
        base_url=current_app.config.get("NOTIFY_BASE_URL") or DEFAULT_BASE_URL,
        # requests takes (connect, read): a Notify that cannot be reached is known fast.
        timeout=(min(CONNECT_TIMEOUT, read), read),
    )


def _call(what: str, request: Callable[[NotificationsAPIClient], Any]) -> Any:
    client = _client()
    try:
        return request(client)
    except InvalidResponse as error:  # before APIError: it is one
        raise TryLater(
            f"Notify's answer about {what} could not be read "
            f"(HTTP {error.status_code}); it may have been accepted.",
            status_code=error.status_code,
            maybe_sent=True,
        ) from error
    except APIError as error:
        raise _translated(error, what, client) from error
    finally:
        client.request_session.close()


def _translated(error: APIError, what: str, client: NotificationsAPIClient) -> NotifyError:
    if error.response is None:
        return _unanswered(error.__cause__, what, client)
    code = error.response.status_code
    name, said = _notify_says(error.response)
    said = said or error.response.reason or "no reason given"
    kwargs: dict[str, Any] = {"status_code": code, "error": name}
    if code == 429:
        if name == "TooManyRequestsError":
            message = f"Notify's daily sending limit is used up ({said}); it resets at midnight."
        else:
            message = f"Notify asked Logbook to slow down ({said})."
        return TryLater(f"{message} Not sent: {what}.", maybe_sent=False, **kwargs)
    if code >= 500 or code == 408:
        # Notify's own 500 and 503 mean it did nothing ("resend", say its docs), as does
        # a 408; a 502 or 504 comes from a gateway that may have passed the request on.
        return TryLater(
            f"Notify could not deal with {what} just now (HTTP {code}: {said}).",
            maybe_sent=code not in (408, 500, 503),
            **kwargs,
        )
    if name == "AuthError" or code == 401:
        return NotifyRefused(
            f"Notify did not accept Logbook's API key ({said}). Check NOTIFY_API_KEY "
            "and that this server's clock is right.",
            **kwargs,
        )
    if code == 404:
        return NotifyRefused(
            f"Notify has no record of {what} ({said}): a wrong id, or older than the "
            "service's retention period (7 days unless changed).",
            **kwargs,
        )
    return NotifyRefused(f"Notify refused {what}: {said}.", **kwargs)


def _unanswered(
    cause: BaseException | None, what: str, client: NotificationsAPIClient
) -> NotifyError:
    """No HTTP answer came: say whether the request can have reached Notify."""
    where = client.base_url
    if isinstance(
        cause,
        requests.exceptions.InvalidURL
        | requests.exceptions.MissingSchema
        | requests.exceptions.InvalidSchema
        | requests.exceptions.URLRequired,
    ):
        return NotifyRefused(f"NOTIFY_BASE_URL ({where}) is not a web address Logbook can use.")
    if isinstance(cause, requests.exceptions.Timeout) and not isinstance(
        cause, requests.exceptions.ConnectTimeout
    ):
        read = client.timeout[1] if isinstance(client.timeout, tuple) else client.timeout
        return TryLater(
            f"Notify did not answer about {what} within {read:g} seconds; it may have "
            "been accepted.",
            maybe_sent=True,
        )
    if _never_reached(cause):
        return TryLater(f"Could not reach Notify at {where} about {what}: {_reason(cause)}.")
    return TryLater(
        f"The connection to Notify broke during {what}; it may have been accepted: "
        f"{_reason(cause)}.",
        maybe_sent=True,
    )


def _never_reached(cause: BaseException | None) -> bool:
    """The request cannot have reached Notify: no connection was ever made."""
    if isinstance(
        cause,
        requests.exceptions.ConnectTimeout
        | requests.exceptions.SSLError
        | requests.exceptions.ProxyError,
    ):
        return True
    if isinstance(cause, requests.exceptions.ConnectionError) and cause.args:
        inner = cause.args[0]
        return isinstance(inner, MaxRetryError) and isinstance(inner.reason, NewConnectionError)
    return False


def _reason(cause: BaseException | None) -> str:
    """The operating system's words for a failed connection ("[Errno 111] Connection
    refused"), found under the layers requests and urllib3 wrap it in."""
    inner: Any = cause.args[0] if cause is not None and cause.args else cause
    if isinstance(inner, MaxRetryError) and inner.reason is not None:
        inner = inner.reason
    root = inner
    while isinstance(root, BaseException) and root.__cause__ is not None:
        root = root.__cause__
    if isinstance(root, OSError) and str(root):
        return str(root)
    return str(inner) if inner is not None else "no reason given"


def _notify_says(response: requests.Response) -> tuple[str | None, str]:
    """Notify's error name and message from {"errors": [{"error", "message"}]} (or
    {"message": ...}, which some answers use)."""
    try:
        payload = response.json()
    except ValueError:
        return None, ""
    if not isinstance(payload, dict):
        return None, ""
    errors = payload.get("errors")
    if isinstance(errors, list):
        found = [e for e in errors if isinstance(e, dict)]
        names = [str(e["error"]) for e in found if e.get("error")]
        messages = [str(e["message"]) for e in found if e.get("message")]
        return (names[0] if names else None), "; ".join(messages)
    if payload.get("message"):
        return None, str(payload["message"])
    return None, ""


def _id_of(answer: Any, what: str) -> str:
    if isinstance(answer, dict) and answer.get("id"):
        return str(answer["id"])
    raise TryLater(
        f"Notify accepted {what} but its answer has no id; it may have been accepted.",
        maybe_sent=True,
    )


def _status(data: Any, what: str) -> Status:
    if not isinstance(data, Mapping) or not data.get("id") or not data.get("status"):
        raise TryLater(f"Notify's answer about {what} has no id or status.")
    status = str(data["status"])
    reference = data.get("reference")
    return Status(
        notification_id=str(data["id"]),
        outcome=outcome_of(status),
        status=status,
        reference=str(reference) if reference is not None else None,
        at=_utc(data.get("completed_at")) or _utc(data.get("sent_at")),
        kind=data.get("type") or data.get("notification_type"),
    )


def _utc(value: Any) -> datetime | None:
    """Notify's times ("2017-05-14T12:15:30.000000Z"; its docs also show them without
    a zone, "2024-05-17 15:58:38.342838", which are UTC) as aware UTC datetimes."""
    if not value or not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        log.warning("Notify sent a time Logbook cannot read: %r", value)
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
