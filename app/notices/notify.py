"""GOV.UK Notify, the service UK councils already pay for: email, text messages and
posted letters, when the site has an API key (`NOTIFY_API_KEY`). Without one, email
goes through SMTP and letters are printed and posted by hand."""

from __future__ import annotations

from flask import current_app


def configured() -> bool:
    return bool(current_app.config.get("NOTIFY_API_KEY"))


def texts_available() -> bool:
    """Text messages need Notify and a text template ("((body))")."""
    return configured() and bool(current_app.config.get("NOTIFY_SMS_TEMPLATE_ID"))
