"""Links built without a request: site paths for pages, absolute URLs for emails and letters."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


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
