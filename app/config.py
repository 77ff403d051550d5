"""Settings, read from the environment so one build runs anywhere."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Secret keys anyone can read (earlier built-in defaults, the tests' and examples'):
#: a cookie signed with one of them can be forged, so production refuses them.
KNOWN_SECRET_KEYS = frozenset(
    {"dev-only-not-secret", "test-secret", "e2e-secret", "secret", "changeme", "change-me"}
)
MIN_SECRET_KEY_LENGTH = 32
#: Browsers remember to use only HTTPS for two years (at least one is asked for).
HSTS_PRODUCTION = "max-age=63072000; includeSubDomains"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    #: Signs session cookies. Unset in development, a random one is made once and kept
    #: in SECRET_KEY_FILE; production refuses to start without a long one of its own.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SECRET_KEY_FILE = os.environ.get("SECRET_KEY_FILE", str(ROOT / "instance" / "secret_key"))
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
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    #: The Strict-Transport-Security header; empty sends none (production sets it).
    STRICT_TRANSPORT_SECURITY = ""
    #: A signed-in browser is signed out after this many minutes without a request...
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    #: ...and this many hours after signing in, however busy (it never slides).
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    #: How many proxies of our own stand in front of the site (a load balancer, nginx):
    #: that many X-Forwarded-For/-Proto/-Host entries are believed. 0 believes none,
    #: so no one can choose their own address by sending the header.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    WTF_CSRF_TIME_LIMIT = None  # a long meeting must not expire a form

    # Uploads (evidence, outputs, papers): kept outside the web root under generated names.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(ROOT / "instance" / "uploads"))
    #: The largest file anyone may upload, in bytes.
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
    #: A whole request: the largest file plus room for the form's other fields.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", UPLOAD_MAX_BYTES + 1024 * 1024))
    #: A plain form (no file) is read whole: no more than this. The longest text box
    #: (minutes, 100,000 characters) fits even in a script of 3-byte letters.
    MAX_PLAIN_FORM_BYTES = int(os.environ.get("MAX_PLAIN_FORM_BYTES", 1024 * 1024))

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

    #: Where rate-limit counts are kept. memory:// is per process: a site run as several
    #: processes or machines needs a shared store (redis://host:6379) for limits to hold.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Sign-in limits count failed sign-ins only, so a hall full of people signing in
    # on one connection is never stopped by its successes.
    #: Wrong passwords for one account from one address.
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = os.environ.get(
        "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "10 per 15 minutes"
    )
    #: Failed sign-ins from one address, whatever accounts they aim at (password spraying).
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes")
    #: Failed sign-ins for one account from everywhere together: high, so a stranger
    #: cannot lock its owner out, but it stops guessing spread across many addresses.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "100 per hour")
    #: Requests for a password reset link from one address (every request counts).
    #: Typing a code or a password to prove it is you again (the code step of signing in,
    #: turning two-step sign-in off, confirming the password), per account.
    CONFIRM_LIMIT_PER_ACCOUNT = os.environ.get("CONFIRM_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
    FORGOT_PASSWORD_LIMIT_PER_ADDRESS = os.environ.get(
        "FORGOT_PASSWORD_LIMIT_PER_ADDRESS", "30 per 15 minutes"
    )
    #: What one signed-in person may post: comments and replies, grapevine reports,
    #: files. Far above what anyone types, low enough to stop a script flooding a group.
    COMMENT_LIMIT_PER_PERSON = os.environ.get("COMMENT_LIMIT_PER_PERSON", "60 per hour")
    GRAPEVINE_LIMIT_PER_PERSON = os.environ.get("GRAPEVINE_LIMIT_PER_PERSON", "30 per hour")
    UPLOAD_LIMIT_PER_PERSON = os.environ.get("UPLOAD_LIMIT_PER_PERSON", "60 per hour")
    #: Tries at changing one's password (each needs the current one: a stolen session
    #: must not become a way to guess it).
    PASSWORD_CHANGE_LIMIT_PER_PERSON = os.environ.get(
        "PASSWORD_CHANGE_LIMIT_PER_PERSON", "10 per 15 minutes"
    )

    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))
    PASSWORD_RESET_HOURS = int(os.environ.get("PASSWORD_RESET_HOURS", "2"))
    # Argon2id cost: the library's defaults are the RFC 9106 "low memory" profile.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", str(64 * 1024)))

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "app" / "translations")
    #: Code → the language's own name. Each has a catalogue in app/translations.
    LANGUAGES = {"en": "English", "pl": "Polski", "ur": "اردو"}

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


class UnsafeConfiguration(RuntimeError):
    """A production setting that would put people's accounts at risk; says which, in one line."""


def settle_config(config: dict) -> None:
    """Finish the settings once they are all read: a development run gets a secret key
    of its own, and production is checked and has its cookies and HTTPS made strict."""
    if config.get("LOGBOOK_ENV") == "production":
        check_production_config(config)
        config.update(PRODUCTION_SETTINGS)
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = local_secret_key(Path(config["SECRET_KEY_FILE"]))


#: What production always uses, whatever the environment says: cookies only over
#: HTTPS, never to scripts, not on cross-site posts; the `__Host-` prefix makes the
#: browser refuse a session cookie that is not Secure, for this host only, on Path=/.
PRODUCTION_SETTINGS = {
    "SESSION_COOKIE_NAME": "__Host-session",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_PATH": "/",
    "SESSION_COOKIE_DOMAIN": None,
    "REMEMBER_COOKIE_NAME": "__Host-remember_token",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_PATH": "/",
    "REMEMBER_COOKIE_DOMAIN": None,
    "STRICT_TRANSPORT_SECURITY": HSTS_PRODUCTION,
}


def check_production_config(config: dict) -> None:
    """Refuse to start a production site with settings that would be unsafe."""
    if config.get("LOGBOOK_ENV") != "production":
        return
    problems = []
    key = config.get("SECRET_KEY") or ""
    if not key:
        problems.append("SECRET_KEY is not set")
    elif key in KNOWN_SECRET_KEYS:
        problems.append("SECRET_KEY is a published default that anyone could sign cookies with")
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY is {len(key)} characters long, at least {MIN_SECRET_KEY_LENGTH} are needed"
        )
    if problems:
        problems[-1] += " (make one with: python -c 'import secrets; print(secrets.token_hex(32))')"
    if not config.get("MAIL_SERVER"):
        problems.append("MAIL_SERVER must be set so that people can be told things")
    if problems:
        raise UnsafeConfiguration("Logbook will not start in production: " + "; ".join(problems))


def local_secret_key(path: Path) -> str:
    """The secret key kept in `path` (readable by its owner only), made the first time.

    Two processes starting at once (the site and its worker) end up with the same key:
    the file appears whole or not at all, and the second one reads what the first wrote."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")  # mode 0600
        try:
            with os.fdopen(handle, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another process made it first; use theirs
        finally:
            os.unlink(draft)
        key = path.read_text().strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise UnsafeConfiguration(
            f"{path} holds no usable secret key: delete it and a new one is made"
        )
    return key
