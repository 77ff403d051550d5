"""Settings, read from the environment so one build runs anywhere."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-not-secret"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    #: "production" refuses unsafe defaults; anything else is a development run.
    LOGBOOK_ENV = os.environ.get("LOGBOOK_ENV", "development")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'logbook.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12  # a working day, then sign in again

    WTF_CSRF_TIME_LIMIT = None  # a long meeting must not expire a form

    # Uploads (evidence, outputs, papers): kept outside the web root under generated names.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(ROOT / "instance" / "uploads"))
    #: The largest file anyone may upload, in bytes.
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
    #: A whole request: the largest file plus room for the form's other fields.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", UPLOAD_MAX_BYTES + 1024 * 1024))

    # Mail: with no MAIL_SERVER, messages are written to the log (development only).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Logbook <logbook@localhost>")
    #: Public address of the site, used in links inside emails.
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes")

    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))
    PASSWORD_RESET_HOURS = int(os.environ.get("PASSWORD_RESET_HOURS", "2"))
    # Argon2id cost: the library's defaults are the RFC 9106 "low memory" profile.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", str(64 * 1024)))

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "app" / "translations")
    LANGUAGES = {"en": "English"}

    PAGE_SIZE = 25

    #: When digests go (London time): the hour, and for weekly ones the weekday (0 Monday).
    DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "7"))
    DIGEST_WEEKDAY = int(os.environ.get("DIGEST_WEEKDAY", "0"))
    #: GOV.UK Notify (optional; see app/notices/notify.py): the API key as Notify shows
    #: it ("{name}-{service id}-{secret}"), the email template (subject "((subject))",
    #: message "((body))") and the text template (message "((body))"), whether letters
    #: go through it (precompiled PDFs), where its API is (tests point this at a fake),
    #: the bearer token its delivery callbacks carry, and how many seconds to wait for
    #: its answer.
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
    NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
    NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "")
    NOTIFY_LETTERS = _bool("NOTIFY_LETTERS")
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN", "")
    NOTIFY_TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT", "20"))
    #: The postal address letters come from, printed above the member's address.
    LETTERS_FROM = os.environ.get("LETTERS_FROM", "")
    #: Processes drawing a big letter pack at once (by default one per processor).
    LETTER_PROCESSES = int(os.environ.get("LETTER_PROCESSES", "0")) or len(os.sched_getaffinity(0))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    LOGBOOK_ENV = "test"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 0  # the tests point this at their own SMTP server
    MAIL_TIMEOUT = 5
    SITE_URL = "http://localhost"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    RATELIMIT_STORAGE_URI = "memory://"
    #: Tests that store files point this at their own temporary folder.
    UPLOAD_FOLDER = os.environ.get(
        "TEST_UPLOAD_FOLDER", str(Path(tempfile.gettempdir()) / "logbook-test-uploads")
    )
    #: Most tests post forms directly; test_csrf turns this on to prove the guard works.
    WTF_CSRF_ENABLED = False
    #: Never the real Notify, whatever the environment says: tests that use it point
    #: these at their own fake (tests/fake_notify.py).
    NOTIFY_API_KEY = ""
    NOTIFY_EMAIL_TEMPLATE_ID = ""
    NOTIFY_SMS_TEMPLATE_ID = ""
    NOTIFY_LETTERS = False
    NOTIFY_BASE_URL = "http://127.0.0.1:9"
    NOTIFY_CALLBACK_TOKEN = ""
    NOTIFY_TIMEOUT = 5


def check_production_config(config: dict) -> None:
    """Refuse to start a production site with settings that would be unsafe."""
    if config.get("LOGBOOK_ENV") != "production":
        return
    problems = []
    if config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        problems.append("SECRET_KEY must be set to a long random value")
    if not config.get("MAIL_SERVER"):
        problems.append("MAIL_SERVER must be set so that people can be told things")
    if problems:
        raise RuntimeError("Logbook will not start in production: " + "; ".join(problems))
