"""A small mail helper for the ground floor (invitations, password resets).

Notices about decisions go through the notices outbox instead; this helper
sends one message now and tells the caller whether the server accepted it.

A development site with no mail server catches every message in the database
instead (a page for site admins lists them): nothing is sent, and nothing
caught ever counts as having reached anyone.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db
from app.pagination import Page, paginate

log = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server could not be reached or refused the message."""


class MailCaught(MailNotSent):
    """No mail server is set up: the message was kept on the caught-mail page, not sent."""


class CaughtEmail(db.Model):
    """A message a development site would have sent, had it had a mail server."""

    __tablename__ = "caught_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    caught_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def catching() -> bool:
    """True on a development site with no mail server: messages are caught, not sent."""
    config = current_app.config
    return not config["MAIL_SERVER"] and config.get("LOGBOOK_ENV") != "production"


def caught_page(page: int, per_page: int, to: str | None = None) -> Page:
    query = select(CaughtEmail).order_by(CaughtEmail.caught_at.desc(), CaughtEmail.id.desc())
    if to:
        query = query.where(CaughtEmail.to_address == to.strip().lower())
    return paginate(query, page, per_page)


def _catch(msg: EmailMessage) -> None:
    body = msg.get_body(preferencelist=("plain",))
    db.session.add(
        CaughtEmail(
            to_address=str(msg["To"]).lower()[:254],
            subject=str(msg["Subject"])[:500],
            body=body.get_content() if body is not None else "",
            caught_at=utcnow(),
        )
    )


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
        if catching():
            _catch(msg)
            raise MailCaught(
                "Not sent: this site has no mail server, so the message was kept on the "
                "caught mail page instead."
            )
        raise MailNotSent("No mail server is set up (MAIL_SERVER).")
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
