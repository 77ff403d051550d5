"""The site's settings: the one stored row, or the defaults when none is stored yet."""

from __future__ import annotations

from sqlalchemy import select

from app.dbtypes import utcnow
from app.extensions import db
from app.security.models import SiteSettings


def current() -> SiteSettings:
    """The settings in force. Reading never stores anything: with no row yet, an unsaved
    one with the defaults is returned."""
    stored = db.session.scalars(select(SiteSettings).order_by(SiteSettings.id).limit(1)).first()
    if stored is not None:
        return stored
    return SiteSettings(
        require_two_factor_for_staff=False,
        keep_notice_contacts_months=0,
        keep_security_events_days=365,
    )


def update(by, **values) -> SiteSettings:
    """Change the settings (a site admin's act); returns what is now in force."""
    settings = current()
    if settings.id is None:
        db.session.add(settings)
    changed = {}
    for name, value in values.items():
        if getattr(settings, name) != value:
            changed[name] = value
            setattr(settings, name, value)
    settings.updated_at = utcnow()
    settings.updated_by_id = by.id if by is not None else None
    db.session.flush()
    if changed:
        from app.security import events

        events.record("settings.changed", user=by, changed=sorted(changed))
    return settings
