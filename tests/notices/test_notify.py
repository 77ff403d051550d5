"""GOV.UK Notify through its real client library, against a fake Notify that answers
as the documented API does (tests/fake_notify.py): what is sent, what became of it,
and which failures are worth trying again."""

from __future__ import annotations

import io
import logging
import time
import uuid
from datetime import UTC, datetime

import notifications_python_client.authentication as notify_auth
import pytest
from pypdf import PdfWriter

from app.errors import Malformed
from app.notices import notify
from app.notices.notify import NotifyRefused, TryLater
from tests.conftest import NOTIFY_CALLBACK_TOKEN

CALLBACK_TOKEN = NOTIFY_CALLBACK_TOKEN


@pytest.fixture
def server(notify_site):
    """The site set up for Notify, talking to the fake."""
    return notify_site


def a4_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595.28, height=841.89)  # A4 in points
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


# Sending and following each kind ----------------------------------------------------


def test_an_email_goes_through_the_email_template_with_its_subject_and_body(server):
    body = "The group decided to keep the park open.\n\nRead it: http://localhost/d/12"
    notification_id = notify.send_email("amala@example.com", "Decision 12:\n the park", body, "n-1")

    sent = server.notification(notification_id)
    assert sent["type"] == "email"
    assert sent["email_address"] == "amala@example.com"
    assert sent["template"]["id"] == server.email_template_id
    assert sent["personalisation"] == {"subject": "Decision 12: the park", "body": body}
    assert sent["subject"] == "Decision 12: the park"
    assert sent["body"] == body
    assert sent["reference"] == "n-1"
    # Signed by the client with the key's secret, naming the service (checked by the fake).
    assert server.requests[-1].issuer == server.service_id
    assert server.requests[-1].status == 201


def test_an_email_is_pending_until_notify_says_it_was_delivered(server):
    notification_id = notify.send_email("amala@example.com", "Hello", "Body", "n-1")

    status = notify.status_of(notification_id)
    assert (status.outcome, status.status, status.at) == ("pending", "created", None)
    assert (status.notification_id, status.reference, status.kind) == (
        notification_id,
        "n-1",
        "email",
    )
    assert not status.final

    server.set_status(notification_id, "sending", sent_at="2026-03-02T10:00:01.000000Z")
    status = notify.status_of(notification_id)
    assert (status.outcome, status.status) == ("pending", "sending")
    assert status.at == datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC)

    server.set_status(notification_id, "delivered", completed_at="2026-03-02T10:15:30.123456Z")
    status = notify.status_of(notification_id)
    assert (status.outcome, status.status) == ("delivered", "delivered")
    assert status.at == datetime(2026, 3, 2, 10, 15, 30, 123456, tzinfo=UTC)
    assert status.at.utcoffset().total_seconds() == 0
    assert status.final


def test_an_email_to_a_wrong_address_fails_for_good_and_a_full_inbox_may_be_retried(server):
    wrong = notify.send_email("gone@example.com", "Hello", "Body", "n-1")
    full = notify.send_email("full@example.com", "Hello", "Body", "n-2")
    server.set_status(wrong, "permanent-failure")
    server.set_status(full, "temporary-failure")

    wrong_status, full_status = notify.status_of(wrong), notify.status_of(full)
    assert (wrong_status.outcome, wrong_status.worth_resending) == ("failed", False)
    assert (full_status.outcome, full_status.worth_resending) == ("failed", True)
    assert wrong_status.at == utc(server.notification(wrong)["completed_at"])
    assert "wrong" in wrong_status.description


def test_a_text_message_goes_through_the_text_template(server):
    notification_id = notify.send_sms("07700 900123", "Vote on the park opens today.", "n-3")

    sent = server.notification(notification_id)
    assert sent["type"] == "sms"
    assert sent["phone_number"] == "07700 900123"
    assert sent["template"]["id"] == server.sms_template_id
    assert sent["personalisation"] == {"body": "Vote on the park opens today."}
    assert sent["body"] == "Vote on the park opens today."

    server.set_status(notification_id, "pending")  # the network has it; the phone not yet
    assert notify.status_of(notification_id).outcome == "pending"
    server.set_status(notification_id, "delivered")
    status = notify.status_of(notification_id)
    assert (status.outcome, status.kind) == ("delivered", "sms")


def test_a_text_to_an_international_number_counts_as_delivered_when_notify_says_sent(server):
    notification_id = notify.send_sms("+33 6 12 34 56 78", "Bonjour", "n-4")
    server.set_status(notification_id, "sent")

    status = notify.status_of(notification_id)
    assert (status.outcome, status.final) == ("delivered", True)


def test_a_letter_is_posted_from_our_pdf_second_class_unless_asked(server):
    pdf = a4_pdf()
    notification_id = notify.send_letter(pdf, "letter-7")

    sent = server.notification(notification_id)
    assert sent["type"] == "letter"
    assert sent["pdf"] == pdf
    assert (sent["postage"], sent["reference"]) == ("second", "letter-7")

    assert notify.status_of(notification_id).status == "pending-virus-check"
    server.set_status(notification_id, "accepted")  # with the printer
    status = notify.status_of(notification_id)
    assert (status.outcome, status.kind) == ("pending", "letter")

    server.set_status(notification_id, "received", completed_at="2026-03-03T16:00:00.000000Z")
    status = notify.status_of(notification_id)
    assert (status.outcome, status.status) == ("delivered", "received")
    assert status.at == datetime(2026, 3, 3, 16, 0, tzinfo=UTC)


def test_a_letter_can_go_first_class(server):
    notification_id = notify.send_letter(a4_pdf(), "letter-8", postage="first")
    assert server.notification(notification_id)["postage"] == "first"


def test_a_letter_outside_the_printable_area_fails(server):
    notification_id = notify.send_letter(a4_pdf(), "letter-9")
    server.set_status(notification_id, "validation-failed")

    status = notify.status_of(notification_id)
    assert (status.outcome, status.worth_resending) == ("failed", False)
    assert "printable area" in status.description

    server.set_status(notification_id, "permanent-failure")
    assert "cannot print" in notify.status_of(notification_id).description


def test_a_postage_notify_does_not_offer_is_a_mistake_caught_before_asking(server):
    with pytest.raises(ValueError, match="postage"):
        notify.send_letter(a4_pdf(), "letter-10", postage="pigeon")
    assert server.requests == []


def test_a_file_that_is_not_a_pdf_is_refused_with_notifys_words(server):
    with pytest.raises(NotifyRefused) as refused:
        notify.send_letter(b"<html>not a letter</html>", "letter-11")

    assert "Letter content is not a valid PDF" in refused.value.message
    assert "letter-11" in refused.value.message
    assert (refused.value.status_code, refused.value.error) == (400, "BadRequestError")
    assert server.sent() == []


# Delivery receipts (callbacks) ------------------------------------------------------


def test_a_delivery_receipt_reads_as_the_status_it_reports(server):
    notification_id = notify.send_email("amala@example.com", "Hello", "Body", "n-5")
    server.set_status(notification_id, "delivered")

    status = notify.read_callback(server.callback_body(notification_id))
    assert (status.notification_id, status.outcome, status.status) == (
        notification_id,
        "delivered",
        "delivered",
    )
    assert (status.reference, status.kind) == ("n-5", "email")
    assert status.at == utc(server.notification(notification_id)["completed_at"])


def test_a_receipt_as_notify_documents_it_reads_whatever_its_time_format():
    receipt = {
        "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
        "reference": "12345678",
        "to": "07700912345",
        "status": "temporary-failure",
        "created_at": "2017-05-14T12:15:30.000000Z",
        "completed_at": "2017-05-14T12:15:30.000000Z",
        "sent_at": "2017-05-14T12:15:30.000000Z",
        "notification_type": "sms",
        "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
        "template_version": 1,
    }
    status = notify.read_callback(receipt)
    assert (status.outcome, status.kind, status.worth_resending) == ("failed", "sms", True)
    assert status.at == datetime(2017, 5, 14, 12, 15, 30, tzinfo=UTC)

    # No completion time yet: when it was handed on. Times without a zone are UTC.
    status = notify.read_callback(
        {**receipt, "completed_at": None, "sent_at": "2024-05-17 15:58:30.143000"}
    )
    assert status.at == datetime(2024, 5, 17, 15, 58, 30, 143000, tzinfo=UTC)
    status = notify.read_callback({**receipt, "completed_at": "2024-05-17T16:58:30+01:00"})
    assert status.at == datetime(2024, 5, 17, 15, 58, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "body", [None, [], "delivered", {"id": "x"}, {"status": "delivered"}, {"id": 1, "status": 2}]
)
def test_a_body_that_is_not_a_delivery_receipt_is_malformed(body):
    with pytest.raises(Malformed):
        notify.read_callback(body)


def test_callbacks_are_believed_only_with_our_token(server, app, monkeypatch):
    assert notify.callback_authorised(f"Bearer {CALLBACK_TOKEN}")
    assert notify.callback_authorised(f"bearer {CALLBACK_TOKEN}")
    assert not notify.callback_authorised(f"Bearer {CALLBACK_TOKEN}x")
    assert not notify.callback_authorised(CALLBACK_TOKEN)
    assert not notify.callback_authorised(f"Basic {CALLBACK_TOKEN}")
    assert not notify.callback_authorised(None)

    monkeypatch.setitem(app.config, "NOTIFY_CALLBACK_TOKEN", "")
    assert not notify.callback_authorised("Bearer ")
    assert not notify.callback_authorised("Bearer anything")


# Finding out whether a send went through ----------------------------------------------


def test_a_message_is_found_by_its_reference_and_the_newest_wins(server):
    assert notify.find_by_reference("n-6") is None
    notify.send_email("amala@example.com", "Hello", "Body", "n-6")
    newer = notify.send_email("amala@example.com", "Hello", "Body", "n-6")
    notify.send_email("amala@example.com", "Hello", "Body", "n-7")

    found = notify.find_by_reference("n-6")
    assert (found.notification_id, found.reference) == (newer, "n-6")


def test_asking_about_a_message_notify_does_not_know_is_refused(server):
    with pytest.raises(NotifyRefused) as refused:
        notify.status_of(str(uuid.uuid4()))
    assert refused.value.status_code == 404
    assert "No result found" in refused.value.message
    assert "retention" in refused.value.message

    with pytest.raises(NotifyRefused, match="id is not a valid UUID"):
        notify.status_of("not-an-id")


# Refusals: will never work as it is --------------------------------------------------


def test_a_key_with_the_wrong_secret_is_refused_with_notifys_words(server, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", server.key_with(secret=str(uuid.uuid4())))

    with pytest.raises(NotifyRefused) as refused:
        notify.send_email("amala@example.com", "Hello", "Body", "n-1")

    assert "Invalid token: signature, api token is not valid" in refused.value.message
    assert "NOTIFY_API_KEY" in refused.value.message
    assert (refused.value.status_code, refused.value.error) == (403, "AuthError")
    assert [r.status for r in server.requests] == [403]
    assert server.sent() == []


def test_a_key_for_another_service_is_refused(server, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", server.key_with(service_id=str(uuid.uuid4())))

    with pytest.raises(NotifyRefused, match="Invalid token: service not found"):
        notify.status_of(str(uuid.uuid4()))


def test_a_server_clock_more_than_30_seconds_out_is_refused(server, monkeypatch):
    monkeypatch.setattr(notify_auth, "epoch_seconds", lambda: int(time.time()) - 120)

    with pytest.raises(NotifyRefused, match="system clock must be accurate"):
        notify.send_sms("07700900123", "Hello", "n-1")
    assert server.sent() == []


def test_something_that_is_not_an_api_key_is_refused_without_asking_notify(
    server, app, monkeypatch
):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", "paste-your-key-here")

    with pytest.raises(NotifyRefused, match="NOTIFY_API_KEY is not a Notify API key"):
        notify.send_email("amala@example.com", "Hello", "Body", "n-1")
    assert server.requests == []


def test_a_missing_template_setting_is_refused_without_asking_notify(server, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_SMS_TEMPLATE_ID", "")

    with pytest.raises(NotifyRefused, match="NOTIFY_SMS_TEMPLATE_ID is empty"):
        notify.send_sms("07700900123", "Hello", "n-1")
    assert server.requests == []


def test_a_template_notify_does_not_have_is_refused(server, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_EMAIL_TEMPLATE_ID", str(uuid.uuid4()))

    with pytest.raises(NotifyRefused, match="Template not found"):
        notify.send_email("amala@example.com", "Hello", "Body", "n-1")


def test_a_bad_phone_number_or_email_address_is_refused_with_notifys_words(server):
    with pytest.raises(NotifyRefused) as refused:
        notify.send_sms("12345", "Hello", "n-1")
    assert "phone_number Not a UK mobile number" in refused.value.message
    assert (refused.value.status_code, refused.value.error) == (400, "ValidationError")

    with pytest.raises(NotifyRefused, match="email_address Not a valid email address"):
        notify.send_email("not an address", "Hello", "Body", "n-2")
    assert server.sent() == []


def test_a_validation_error_notify_gives_is_refused_not_retried(server):
    server.fail_next(
        1, 400, error="BadRequestError", message="Cannot send letters when service is in trial mode"
    )

    with pytest.raises(NotifyRefused, match="trial mode"):
        notify.send_letter(a4_pdf(), "letter-1")


# Try later: worth another go -------------------------------------------------------------


def test_a_rate_limit_is_try_later_and_the_next_try_goes_through(server):
    server.fail_next(1, 429)

    with pytest.raises(TryLater) as later:
        notify.send_email("amala@example.com", "Hello", "Body", "n-1")
    assert "Exceeded rate limit" in later.value.message
    assert (later.value.status_code, later.value.error) == (429, "RateLimitError")
    assert later.value.maybe_sent is False
    assert server.sent() == []

    notification_id = notify.send_email("amala@example.com", "Hello", "Body", "n-1")
    assert [n["id"] for n in server.sent()] == [notification_id]


def test_the_daily_limit_used_up_is_try_later(server):
    server.fail_next(
        1, 429, error="TooManyRequestsError", message="Exceeded send limits (250000) for today"
    )

    with pytest.raises(TryLater) as later:
        notify.send_sms("07700900123", "Hello", "n-1")
    assert "daily sending limit" in later.value.message
    assert "Exceeded send limits (250000) for today" in later.value.message


def test_a_notify_server_error_is_try_later_and_nothing_was_sent(server):
    server.fail_next(2, 500)

    for attempt in range(2):
        with pytest.raises(TryLater) as later:
            notify.send_letter(a4_pdf(), f"letter-{attempt}")
        assert "Internal server error" in later.value.message
        assert (later.value.status_code, later.value.maybe_sent) == (500, False)
    assert notify.send_letter(a4_pdf(), "letter-3")


def test_a_gateway_error_is_try_later_and_the_message_may_have_gone(server):
    server.fail_next(1, 502, body="<html><body>Bad gateway</body></html>")

    with pytest.raises(TryLater) as later:
        notify.send_email("amala@example.com", "Hello", "Body", "n-1")
    assert "502" in later.value.message
    assert "Bad Gateway" in later.value.message
    assert later.value.maybe_sent is True


def test_a_success_whose_answer_cannot_be_read_is_try_later_and_may_have_gone(server):
    server.fail_next(1, 201, body="<html><body>Created, probably</body></html>")

    with pytest.raises(TryLater) as later:
        notify.send_sms("07700900123", "Hello", "n-1")
    assert "could not be read" in later.value.message
    assert later.value.maybe_sent is True


def test_notify_out_of_reach_is_try_later_and_nothing_was_sent(server):
    server.stop()

    with pytest.raises(TryLater) as later:
        notify.send_email("amala@example.com", "Hello", "Body", "n-1")
    assert "Could not reach Notify" in later.value.message
    assert "refused" in later.value.message.lower()
    assert (later.value.status_code, later.value.maybe_sent) == (None, False)


def test_a_slow_notify_is_try_later_and_the_reference_tells_whether_it_went(
    server, app, monkeypatch
):
    monkeypatch.setitem(app.config, "NOTIFY_TIMEOUT", 0.3)
    server.stall_next(1.5)

    started = time.monotonic()
    with pytest.raises(TryLater) as later:
        notify.send_email("amala@example.com", "Hello", "Body", "n-slow")
    assert time.monotonic() - started < 1.2  # gave up at the timeout, not when Notify answered
    assert "0.3 seconds" in later.value.message
    assert later.value.maybe_sent is True

    # Notify did accept it: asking by reference finds it, so it is not sent twice.
    monkeypatch.setitem(app.config, "NOTIFY_TIMEOUT", 5)
    found = notify.find_by_reference("n-slow")
    assert found is not None
    assert [n["id"] for n in server.sent()] == [found.notification_id]


def test_a_connection_dropped_before_the_answer_is_try_later_and_may_have_gone(server):
    server.drop_next()

    with pytest.raises(TryLater) as later:
        notify.send_letter(a4_pdf(), "letter-dropped")
    assert "connection to Notify broke" in later.value.message
    assert later.value.maybe_sent is True
    assert notify.find_by_reference("letter-dropped").notification_id == server.sent()[0]["id"]


# Settings and Notify's status words ------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "emails", "texts", "letters"),
    [
        ({}, False, False, False),
        ({"NOTIFY_EMAIL_TEMPLATE_ID": "t", "NOTIFY_SMS_TEMPLATE_ID": "t"}, False, False, False),
        ({"NOTIFY_API_KEY": "k"}, False, False, False),
        ({"NOTIFY_API_KEY": "k", "NOTIFY_EMAIL_TEMPLATE_ID": "t"}, True, False, False),
        ({"NOTIFY_API_KEY": "k", "NOTIFY_SMS_TEMPLATE_ID": "t"}, False, True, False),
        ({"NOTIFY_API_KEY": "k", "NOTIFY_LETTERS": True}, False, False, True),
        ({"NOTIFY_LETTERS": True}, False, False, False),
    ],
)
def test_each_channel_is_available_only_with_the_settings_it_needs(
    app, ctx, monkeypatch, settings, emails, texts, letters
):
    for key in ("NOTIFY_API_KEY", "NOTIFY_EMAIL_TEMPLATE_ID", "NOTIFY_SMS_TEMPLATE_ID"):
        monkeypatch.setitem(app.config, key, settings.get(key, ""))
    monkeypatch.setitem(app.config, "NOTIFY_LETTERS", settings.get("NOTIFY_LETTERS", False))

    assert notify.emails_available() is emails
    assert notify.texts_available() is texts
    assert notify.letters_available() is letters


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("created", "pending"),
        ("sending", "pending"),
        ("pending", "pending"),
        ("accepted", "pending"),
        ("pending-virus-check", "pending"),
        ("delivered", "delivered"),
        ("sent", "delivered"),
        ("received", "delivered"),
        ("permanent-failure", "failed"),
        ("temporary-failure", "failed"),
        ("technical-failure", "failed"),
        ("validation-failed", "failed"),
        ("virus-scan-failed", "failed"),
        ("cancelled", "failed"),
        ("returned-letter", "failed"),
    ],
)
def test_every_status_notify_documents_has_an_outcome_in_logbooks_terms(status, outcome):
    assert notify.outcome_of(status) == outcome


def test_a_status_notify_has_not_documented_is_pending_and_logged(caplog, monkeypatch):
    # Alembic's fileConfig (migrations/env.py) disables loggers that exist when the
    # test app migrates; this one must speak for the test to hear it.
    monkeypatch.setattr(logging.getLogger(notify.__name__), "disabled", False)
    assert notify.outcome_of("being-carried-by-owl") == "pending"
    assert "being-carried-by-owl" in caplog.text
