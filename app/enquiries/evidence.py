"""An enquiry's evidence: research, stories, survey data and photos the team gathers,
with the consent rule that keeps a story shared without consent to the team alone."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from werkzeug.datastructures import FileStorage

from app.accounts.models import User
from app.dbtypes import utcnow
from app.enquiries.models import EVIDENCE_KINDS, STORY, Enquiry, Evidence
from app.enquiries.services import EVIDENCE_ON_PAGE, keep_file, visible_to, web_link
from app.errors import Invalid
from app.extensions import db
from app.groups.models import Group
from app.pagination import Page, paginate
from app.uploads import services as uploads
from app.uploads.models import Upload


def add_evidence(
    enquiry: Enquiry,
    by: User,
    *,
    kind: str,
    title: str,
    summary: str,
    link: str | None = None,
    file: FileStorage | None = None,
    consent: str | None = None,
    consent_notes: str = "",
) -> Evidence:
    """Add a piece of evidence. Everything is checked before the file is kept, and the
    file and the record are saved together or not at all.

    `consent` matters for lived-experience stories only: "yes" (the teller agreed it may
    be shared with the group, and `consent_notes` say how) or "no" (the team alone sees it).
    """
    if kind not in EVIDENCE_KINDS:
        raise Invalid(_("Choose what kind of evidence it is"), "kind")
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Give it a title"), "title")
    summary = (summary or "").strip()
    if not summary:
        raise Invalid(_("Say in a few plain words what it tells us"), "summary")
    link = web_link(link)
    consent_notes = (consent_notes or "").strip()
    consent_given = False
    if kind == STORY:
        if consent not in ("yes", "no"):
            raise Invalid(
                _("Say whether the person agreed to their story being shared with the group"),
                "consent",
            )
        consent_given = consent == "yes"
        if consent_given and not consent_notes:
            raise Invalid(_("Say how and when the person gave their consent"), "consent_notes")
    elif not link and not uploads.chosen(file):
        raise Invalid(_("Give a link to it, or upload a file of it, or both"), "link")
    group = db.session.get(Group, enquiry.group_id)
    upload = keep_file(group, by, file)
    now = utcnow()
    evidence = Evidence(
        group_id=enquiry.group_id,
        enquiry_id=enquiry.id,
        kind=kind,
        title=title,
        link=link,
        upload_id=upload.id if upload else None,
        summary=summary,
        consent_given=consent_given,
        consent_notes=consent_notes if kind == STORY else "",
        consent_recorded_by_id=by.id if kind == STORY else None,
        consent_recorded_at=now if kind == STORY else None,
        added_by_id=by.id,
        added_at=now,
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence


def record_consent(evidence: Evidence, by: User, *, consent: str, notes: str) -> None:
    """Record that a story's teller agreed to it being shared, or that they took it back."""
    if evidence.kind != STORY:
        raise Invalid(_("Only lived-experience stories need consent recorded"), "consent")
    if consent not in ("yes", "no"):
        raise Invalid(
            _("Say whether the person agreed to their story being shared with the group"), "consent"
        )
    notes = (notes or "").strip()
    if not notes:
        raise Invalid(_("Say how and when the person told you"), "consent_notes")
    evidence.consent_given = consent == "yes"
    evidence.consent_notes = notes
    evidence.consent_recorded_by_id = by.id
    evidence.consent_recorded_at = utcnow()
    db.session.flush()


def get_evidence(group: Group, evidence_id: int) -> Evidence | None:
    return db.session.scalar(
        select(Evidence).where(Evidence.id == evidence_id, Evidence.group_id == group.id)
    )


@dataclass
class EvidenceRow:
    evidence: Evidence
    enquiry: Enquiry
    added_by: User | None
    upload: Upload | None


def _evidence_rows(query) -> list[EvidenceRow]:
    return [EvidenceRow(*row) for row in db.session.execute(query)]


def _evidence_query(group: Group, viewer: User):
    return (
        select(Evidence, Enquiry, User, Upload)
        .join(Enquiry, Enquiry.id == Evidence.enquiry_id)
        .outerjoin(User, User.id == Evidence.added_by_id)
        .outerjoin(Upload, Upload.id == Evidence.upload_id)
        .where(Evidence.group_id == group.id, visible_to(viewer))
        .order_by(Evidence.added_at.desc(), Evidence.id.desc())
    )


def _like(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def evidence_page(
    group: Group,
    viewer: User,
    page: int,
    per_page: int,
    *,
    kind: str | None = None,
    enquiry_id: int | None = None,
    words: str = "",
) -> Page:
    """The evidence library: what the viewer may see, filtered by kind, enquiry and words."""
    query = _evidence_query(group, viewer)
    if kind in EVIDENCE_KINDS:
        query = query.where(Evidence.kind == kind)
    if enquiry_id:
        query = query.where(Evidence.enquiry_id == enquiry_id)
    words = (words or "").strip()[:200]
    if words:
        pattern = _like(words)
        query = query.where(
            or_(
                Evidence.title.ilike(pattern, escape="\\"),
                Evidence.summary.ilike(pattern, escape="\\"),
            )
        )
    found = paginate(query, page, per_page, rows=True)
    found.items = [EvidenceRow(*row) for row in found.items]
    return found


def latest_evidence(enquiry: Enquiry, viewer: User, limit: int = EVIDENCE_ON_PAGE):
    group = db.session.get(Group, enquiry.group_id)
    return _evidence_rows(
        _evidence_query(group, viewer).where(Evidence.enquiry_id == enquiry.id).limit(limit)
    )


def evidence_counts(enquiry: Enquiry, viewer: User) -> Counter:
    """How many pieces of each kind the viewer may see."""
    rows = db.session.execute(
        select(Evidence.kind, func.count(Evidence.id))
        .where(Evidence.enquiry_id == enquiry.id, visible_to(viewer))
        .group_by(Evidence.kind)
    )
    return Counter({kind: n for kind, n in rows})
