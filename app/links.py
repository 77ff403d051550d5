"""Links built without a request: site paths for pages, absolute URLs for emails and letters."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from app.errors import Invalid


def _adapter():
    site = urlsplit(current_app.config["SITE_URL"])
    return current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "https"
    )


def path_for(endpoint: str, **values) -> str:
    """The page's path on this site, like /groups/riverside/decisions/3."""
    return _adapter().build(endpoint, values, force_external=False)


def absolute(path: str) -> str:
    """A site path as a full link for an email or a letter."""
    site = urlsplit(current_app.config["SITE_URL"])
    return f"{site.scheme or 'https'}://{site.netloc}/{path.lstrip('/')}"


def external_url(endpoint: str, **values) -> str:
    return _adapter().build(endpoint, values, force_external=True)


class NotAWebLink(Invalid):
    """Text that is not a link people can safely follow; the message says why."""


def web_link(text: str | None, max_length: int = 2000) -> str | None:
    """A link typed by a member, checked: http or https, with a site name. None when empty.

    Anything else (javascript:, data:, a bare word, spaces or control characters)
    is refused, so a link shown on a page can only ever take people to a web site.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
        hostname = parts.hostname
    except ValueError:  # not a link at all, like "http://[::1"
        hostname = None
    if (
        not hostname
        or parts.scheme.lower() not in ("http", "https")
        or any(char.isspace() or ord(char) < 32 for char in text)
    ):
        raise NotAWebLink(
            _("Enter a web link that starts with https:// or http://, like https://example.org")
        )
    if len(text) > max_length:
        raise NotAWebLink(_("That link is too long. Use a shorter link to the same page."))
    return text
