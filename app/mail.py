"""A small mail helper for the ground floor (invitations, password resets).

Notices about decisions go through the notices outbox instead; this helper
sends one message now and tells the caller whether the server accepted it.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

log = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server could not be reached or refused the message."""


def build_message(to: str, subject: str, body: str, message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="logbook.local")
    msg.set_content(body)
    return msg


def deliver(msg: EmailMessage) -> None:
    """Hand one message to the SMTP server; raise MailNotSent on any failure."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        log.warning("No MAIL_SERVER set; message not sent:\n%s", msg)
        return
    try:
        with smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
        ) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(str(exc)) from exc


def send_email(to: str, subject: str, body: str) -> bool:
    """Send now; True if the server accepted it. Failures are logged, not raised."""
    try:
        deliver(build_message(to, subject, body))
    except MailNotSent as exc:
        log.warning("Could not send mail to %s: %s", to, exc)
        return False
    return True
