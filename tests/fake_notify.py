"""A fake GOV.UK Notify on 127.0.0.1, answering as Notify's documented API does, so
tests drive the real client library over real HTTP.

- Every request must carry `Authorization: Bearer <JWT>`, checked here by hand (not
  with the library that made it): HS256 signed with the key's secret, `iss` the
  service id, `iat` within 30 seconds of now. Otherwise 401/403 AuthError, with
  Notify's messages.
- POST /v2/notifications/email and /sms (through one of the fake's templates, whose
  ((placeholders)) are filled from `personalisation`) and /letter (a precompiled
  PDF, base64) answer 201 with Notify's response JSON, or 400 for what Notify
  refuses at once: a bad address or number, a missing placeholder, a file that is
  not a PDF, unknown fields, a bad postage.
- GET /v2/notifications/{id} answers the notification with the status the test set
  (`set_status`); GET /v2/notifications?reference=... lists them, newest first.
- `fail_next(n, status)` makes the next n authenticated requests fail (429 rate
  limit, 500, 400 with Notify's error JSON, or any body); `stall_next(seconds)`
  holds the next answer back, as a slow Notify would, and `drop_next()` hangs up
  instead of answering -- both after doing the work, as when Notify accepted a
  message but its answer was lost.

What it received is kept for the test: `sent("email")` and `notification(id)` give
the address or number, the personalisation, the rendered subject and body, and a
letter's decoded PDF bytes (`pdf`). A watchdog stops the server after `lifetime`
seconds even if nobody does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
CLOCK_LEEWAY = 30  # seconds either way, as Notify allows
FINAL = {
    "delivered",
    "sent",
    "received",
    "permanent-failure",
    "temporary-failure",
    "technical-failure",
    "validation-failed",
    "virus-scan-failed",
    "cancelled",
    "returned-letter",
}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")
SMS_MAX_CHARACTERS = 918

#: What Notify's schemas allow in each request (anything else: "Additional properties").
FIELDS = {
    "email": {
        "email_address",
        "template_id",
        "personalisation",
        "reference",
        "email_reply_to_id",
        "one_click_unsubscribe_url",
        "scheduled_for",
    },
    "sms": {"phone_number", "template_id", "personalisation", "reference", "sms_sender_id"},
    "letter": {"reference", "content", "postage"},
}
DEFAULT_FAILURES = {
    400: ("ValidationError", "phone_number Not a UK mobile number"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
    500: ("Exception", "Internal server error"),
}


def now_text() -> str:
    return datetime.now(UTC).strftime(TIME_FORMAT)


def error_body(status: int, error: str, message: str) -> dict:
    """Notify's error JSON."""
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


class Refusal(Exception):
    def __init__(self, status: int, errors: list[tuple[str, str]]):
        self.status = status
        self.errors = errors

    def body(self) -> dict:
        return {
            "status_code": self.status,
            "errors": [{"error": e, "message": m} for e, m in self.errors],
        }


@dataclass
class Seen:
    """One request the fake answered."""

    method: str
    path: str
    status: int
    #: The service id the token named (None when it had no readable token).
    issuer: str | None


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class _QuietHandler(WSGIRequestHandler):
    def handle(self):
        # The server answers one request at a time: let the app reach this one's socket.
        self.server.connection = self.connection
        super().handle()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(WSGIServer):
    def handle_error(self, request, client_address):
        # A client that gave up (a timeout test) closes its socket under us: expected.
        pass


class FakeNotify:
    def __init__(self, *, lifetime: float = 300.0):
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.email_template_id = str(uuid.uuid4())
        self.sms_template_id = str(uuid.uuid4())
        #: template id -> kind, subject, body, version
        self.templates: dict[str, dict] = {
            self.email_template_id: {
                "type": "email",
                "subject": "((subject))",
                "body": "((body))",
                "version": 1,
            },
            self.sms_template_id: {
                "type": "sms",
                "subject": None,
                "body": "((body))",
                "version": 1,
            },
        }
        #: notification id -> what Notify stores, in the order received.
        self.notifications: dict[str, dict] = {}
        self.requests: list[Seen] = []
        #: Exceptions the fake itself raised (a bug in the fake, not an answer).
        self.crashes: list[BaseException] = []
        self._failures: list[tuple[int, Any]] = []
        self._stall = 0.0
        self._drop = False
        self._lock = threading.Lock()
        self._server = make_server(
            "127.0.0.1", 0, self, server_class=_Server, handler_class=_QuietHandler
        )
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-notify",
            daemon=True,
        )
        self._watchdog = threading.Timer(lifetime, self.stop)
        self._watchdog.daemon = True
        self._running = False
        self._stopped = False

    # Running -------------------------------------------------------------------------

    def start(self) -> FakeNotify:
        self._thread.start()
        self._running = True
        self._watchdog.start()
        return self

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        if self._running:
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()
        self._watchdog.cancel()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_key(self) -> str:
        """A key as Notify shows it: name, service id, secret."""
        return f"logbook_test-{self.service_id}-{self.secret}"

    def key_with(self, *, service_id: str | None = None, secret: str | None = None) -> str:
        """A key with another service id or secret: one Notify would not accept."""
        return f"logbook_test-{service_id or self.service_id}-{secret or self.secret}"

    # What tests arrange ------------------------------------------------------------

    def fail_next(
        self,
        times: int = 1,
        status: int = 429,
        *,
        error: str | None = None,
        message: str | None = None,
        body: Any = None,
    ) -> None:
        """Answer the next `times` authenticated requests with `status`: Notify's error
        JSON (its usual error name and message for the status unless given), or
        `body` as it is (a str is sent as an HTML page, as a gateway would)."""
        if body is None:
            default_error, default_message = DEFAULT_FAILURES.get(
                status, ("Exception", HTTPStatus(status).phrase)
            )
            body = error_body(status, error or default_error, message or default_message)
        with self._lock:
            self._failures.extend([(status, body)] * times)

    def stall_next(self, seconds: float) -> None:
        """Do the next request's work, then wait `seconds` before answering."""
        self._stall = seconds

    def drop_next(self) -> None:
        """Do the next request's work, then hang up without answering."""
        self._drop = True

    def set_status(
        self,
        notification_id: str,
        status: str,
        *,
        sent_at: str | None = None,
        completed_at: str | None = None,
    ) -> None:
        """Move a notification on, as Notify does when its provider reports: it was
        handed on (`sent_at`) once past its first status, and finished
        (`completed_at`) in a final status, unless the test gives the times."""
        with self._lock:
            record = self.notifications[notification_id]
            record["status"] = status
            if status not in ("created", "pending-virus-check") and record["sent_at"] is None:
                record["sent_at"] = now_text()
            if sent_at is not None:
                record["sent_at"] = sent_at
            if status in FINAL:
                record["completed_at"] = completed_at or record["completed_at"] or now_text()
            elif completed_at is not None:
                record["completed_at"] = completed_at

    # What tests inspect ------------------------------------------------------------

    def sent(self, kind: str | None = None) -> list[dict]:
        with self._lock:
            return [n for n in self.notifications.values() if kind in (None, n["type"])]

    def notification(self, notification_id: str) -> dict:
        with self._lock:
            return self.notifications[notification_id]

    def callback_body(self, notification_id: str) -> dict:
        """The delivery receipt Notify would post for this email or text message."""
        with self._lock:
            n = self.notifications[notification_id]
            return {
                "id": n["id"],
                "reference": n["reference"],
                "to": n["email_address"] or n["phone_number"],
                "status": n["status"],
                "created_at": n["created_at"],
                "completed_at": n["completed_at"],
                "sent_at": n["sent_at"],
                "notification_type": n["type"],
                "template_id": n["template"]["id"],
                "template_version": n["template"]["version"],
            }

    # The WSGI application --------------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        issuer = None
        stall = 0.0
        drop = False
        try:
            issuer, denied = self._authenticate(environ.get("HTTP_AUTHORIZATION"))
            if denied:
                status, body = denied
            else:
                with self._lock:
                    failure = self._failures.pop(0) if self._failures else None
                if failure:
                    status, body = failure
                else:
                    status, body = self._route(method, path, environ)
                    stall, self._stall = self._stall, 0.0
                    drop, self._drop = self._drop, False
        except Exception as crash:  # a bug in the fake: answer as Notify would, and keep it
            self.crashes.append(crash)
            status, body = 500, error_body(500, "Exception", "Internal server error")
        with self._lock:
            self.requests.append(Seen(method, path, status, issuer))
        if stall:
            time.sleep(stall)
        if drop:
            self._server.connection.shutdown(socket.SHUT_RDWR)
        if isinstance(body, str):
            payload, kind = body.encode(), "text/html"
        else:
            payload, kind = json.dumps(body).encode(), "application/json"
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [("Content-Type", kind), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    def _authenticate(self, header: str | None) -> tuple[str | None, tuple[int, dict] | None]:
        """Notify's checks, in its order (app/authentication/auth.py)."""

        def deny(status: int, message: str, issuer: str | None = None):
            return issuer, (status, error_body(status, "AuthError", message))

        if not header:
            return deny(401, "Unauthorized, authentication token must be provided")
        if header[:7].title() != "Bearer ":
            return deny(401, "Unauthorized, authentication bearer scheme must be used")
        try:
            head_part, claims_part, signature_part = header[7:].strip().split(".")
            head = json.loads(_unb64(head_part))
            claims = json.loads(_unb64(claims_part))
            signature = _unb64(signature_part)
            if not isinstance(head, dict) or not isinstance(claims, dict):
                raise ValueError("not a JWT")
        except (ValueError, binascii.Error):
            return deny(403, "Invalid token: signature, api token is not valid")
        issuer = claims.get("iss")
        if issuer is None:
            return deny(403, "Invalid token: iss field not provided")
        if issuer != self.service_id:
            return deny(403, "Invalid token: service not found", issuer)
        if head.get("alg") != "HS256":
            return deny(403, "Invalid token: algorithm used is not HS256", issuer)
        expected = hmac.new(
            self.secret.encode(), f"{head_part}.{claims_part}".encode(), hashlib.sha256
        ).digest()
        if not hmac.compare_digest(expected, signature):
            return deny(403, "Invalid token: signature, api token is not valid", issuer)
        if "iat" not in claims:
            return deny(403, "Invalid token: iat field not provided", issuer)
        try:
            skew = abs(time.time() - int(claims["iat"]))
        except (TypeError, ValueError):
            skew = float("inf")
        if skew > CLOCK_LEEWAY:
            return deny(
                403, "Error: Your system clock must be accurate to within 30 seconds", issuer
            )
        return issuer, None

    def _route(self, method: str, path: str, environ) -> tuple[int, Any]:
        try:
            if path in ("/v2/notifications/email", "/v2/notifications/sms"):
                self._only(method, "POST")
                return 201, self._send(path.rsplit("/", 1)[1], self._json(environ))
            if path == "/v2/notifications/letter":
                self._only(method, "POST")
                return 201, self._letter(self._json(environ))
            if path == "/v2/notifications":
                self._only(method, "GET")
                return 200, self._list(parse_qs(environ.get("QUERY_STRING", "")))
            if path.startswith("/v2/notifications/"):
                self._only(method, "GET")
                return 200, self._one(path.removeprefix("/v2/notifications/"))
        except Refusal as refusal:
            return refusal.status, refusal.body()
        return 404, {"result": "error", "message": "The requested URL was not found on the server."}

    @staticmethod
    def _only(method: str, allowed: str) -> None:
        if method != allowed:
            raise Refusal(405, [("MethodNotAllowed", "The method is not allowed")])

    @staticmethod
    def _json(environ) -> dict:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            data = json.loads(raw)
        except ValueError:
            raise Refusal(
                400, [("BadRequestError", "Invalid JSON supplied in POST data")]
            ) from None
        if not isinstance(data, dict):
            raise Refusal(400, [("ValidationError", "Request body must be a JSON object")])
        return data

    @staticmethod
    def _check_fields(kind: str, data: dict, required: tuple[str, ...]) -> None:
        errors = [
            ("ValidationError", f"{name} is a required property")
            for name in required
            if name not in data
        ]
        extra = sorted(set(data) - FIELDS[kind])
        if extra:
            errors.append(
                (
                    "ValidationError",
                    f"Additional properties are not allowed ({', '.join(extra)} was unexpected)",
                )
            )
        reference = data.get("reference")
        if reference is not None and not isinstance(reference, str):
            errors.append(("ValidationError", f"reference {reference!r} is not of type string"))
        if errors:
            raise Refusal(400, errors)

    def _send(self, kind: str, data: dict) -> dict:
        recipient_field = "email_address" if kind == "email" else "phone_number"
        self._check_fields(kind, data, (recipient_field, "template_id"))
        template_id = str(data["template_id"])
        if not UUID.fullmatch(template_id):
            raise Refusal(400, [("ValidationError", "template_id is not a valid UUID")])
        template = self.templates.get(template_id)
        if template is None:
            raise Refusal(400, [("BadRequestError", "Template not found")])
        if template["type"] != kind:
            raise Refusal(
                400,
                [
                    (
                        "BadRequestError",
                        f"{template['type']} template is not suitable for {kind} notification",
                    )
                ],
            )
        recipient = str(data[recipient_field])
        if kind == "email" and not EMAIL.fullmatch(recipient):
            raise Refusal(400, [("ValidationError", "email_address Not a valid email address")])
        if kind == "sms" and not self._phone_ok(recipient):
            raise Refusal(400, [("ValidationError", "phone_number Not a UK mobile number")])
        personalisation = data.get("personalisation") or {}
        body = self._fill(template["body"], personalisation)
        subject = self._fill(template["subject"], personalisation) if template["subject"] else None
        if kind == "sms" and len(body) > SMS_MAX_CHARACTERS:
            raise Refusal(
                400,
                [
                    (
                        "BadRequestError",
                        f"Text messages cannot be longer than {SMS_MAX_CHARACTERS} characters. "
                        f"Your message is {len(body)} characters long.",
                    )
                ],
            )
        record = self._store(
            kind,
            data.get("reference"),
            status="created",
            email_address=recipient if kind == "email" else None,
            phone_number=recipient if kind == "sms" else None,
            template={
                "id": template_id,
                "version": template["version"],
                "uri": f"{self.base_url}/v2/template/{template_id}/version/{template['version']}",
            },
            personalisation=personalisation,
            subject=subject,
            body=body,
        )
        content = {"body": body}
        if kind == "email":
            content.update(subject=subject, from_email="logbook.test@notifications.service.gov.uk")
        else:
            content.update(from_number="Logbook")
        return {
            "id": record["id"],
            "reference": record["reference"],
            "content": content,
            "uri": f"{self.base_url}/v2/notifications/{record['id']}",
            "template": record["template"],
            "scheduled_for": None,
        }

    def _letter(self, data: dict) -> dict:
        self._check_fields("letter", data, ("reference", "content"))
        postage = data.get("postage")
        if postage is not None and postage not in ("first", "second", "economy"):
            raise Refusal(
                400,
                [
                    (
                        "ValidationError",
                        "postage invalid. It must be either first, second or economy.",
                    )
                ],
            )
        try:
            pdf = base64.b64decode(str(data["content"]), validate=True)
        except (binascii.Error, ValueError):
            pdf = b""
        if not pdf.startswith(b"%PDF-"):
            raise Refusal(400, [("BadRequestError", "Letter content is not a valid PDF")])
        record = self._store(
            "letter",
            data["reference"],
            status="pending-virus-check",
            template={"id": None, "version": None, "uri": None},
            subject="Pre-compiled PDF",
            body=None,
            postage=postage or "second",
            pdf=pdf,
        )
        return {"id": record["id"], "reference": record["reference"], "postage": postage}

    def _store(self, kind: str, reference: str | None, **fields: Any) -> dict:
        record = {
            "id": str(uuid.uuid4()),
            "type": kind,
            "reference": reference,
            "email_address": None,
            "phone_number": None,
            "created_at": now_text(),
            "sent_at": None,
            "completed_at": None,
            **fields,
        }
        with self._lock:
            self.notifications[record["id"]] = record
        return record

    def _one(self, notification_id: str) -> dict:
        if not UUID.fullmatch(notification_id):
            raise Refusal(400, [("ValidationError", "id is not a valid UUID")])
        with self._lock:
            record = self.notifications.get(notification_id)
        if record is None:
            raise Refusal(404, [("NoResultFound", "No result found")])
        return self._public(record)

    def _list(self, query: dict[str, list[str]]) -> dict:
        with self._lock:
            found = list(reversed(self.notifications.values()))
        for name, field in (
            ("reference", "reference"),
            ("template_type", "type"),
            ("status", "status"),
        ):
            if name in query:
                found = [n for n in found if n[field] == query[name][0]]
        return {
            "notifications": [self._public(n) for n in found[:250]],
            "links": {"current": f"{self.base_url}/v2/notifications"},
        }

    @staticmethod
    def _public(record: dict) -> dict:
        """A notification as GET /v2/notifications/{id} shows it."""
        shown = {
            key: record.get(key)
            for key in (
                "id",
                "reference",
                "email_address",
                "phone_number",
                "type",
                "status",
                "template",
                "body",
                "subject",
                "created_at",
                "sent_at",
                "completed_at",
            )
        }
        shown.update(created_by_name=None, scheduled_for=None, is_cost_data_ready=False)
        shown.update({f"line_{n}": None for n in range(1, 8)})
        if record["type"] == "letter":
            shown["postage"] = record["postage"]
        return shown

    @staticmethod
    def _fill(text: str, personalisation: dict) -> str:
        """Notify's placeholders: ((name)), matched without regard to case or spaces."""
        values = {str(k).lower().replace(" ", ""): v for k, v in personalisation.items()}
        missing = [
            name
            for name in PLACEHOLDER.findall(text)
            if name.lower().replace(" ", "") not in values
        ]
        if missing:
            raise Refusal(
                400, [("BadRequestError", f"Missing personalisation: {', '.join(missing)}")]
            )
        return PLACEHOLDER.sub(lambda m: str(values[m.group(1).lower().replace(" ", "")]), text)

    @staticmethod
    def _phone_ok(number: str) -> bool:
        """A UK mobile number (07..., +447..., 00447...), or an international one."""
        digits = re.sub(r"[\s\-().]", "", number)
        if digits.startswith("+"):
            digits = digits[1:]
        elif digits.startswith("00"):
            digits = digits[2:]
        elif digits.startswith("0"):
            digits = "44" + digits[1:]
        if not digits.isdigit():
            return False
        if digits.startswith("44"):
            return len(digits) == 12 and digits[2] == "7"
        return 8 <= len(digits) <= 15
