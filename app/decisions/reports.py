"""Grapevine reports: "I heard that ... was decided", unconfirmed until an officer or
facilitator links one to a decision in the log or answers it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.dbtypes import utcnow
from app.decisions.models import Decision, GrapevineReport
from app.errors import Invalid
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group, Membership
from app.links import path_for
from app.notices import services as notices
from app.pagination import Page, paginate


def report_grapevine(
    group: Group, reporter: User, *, what: str, heard_when: str, heard_by_whom: str
) -> GrapevineReport:
    what = (what or "").strip()
    if not what:
        raise Invalid(_("Say what you heard was decided"), "what")
    report = GrapevineReport(
        group_id=group.id,
        reporter_id=reporter.id,
        what=what,
        heard_when=(heard_when or "").strip(),
        heard_by_whom=(heard_by_whom or "").strip(),
    )
    db.session.add(report)
    db.session.flush()
    return report


def get_grapevine(group: Group, report_id: int) -> GrapevineReport | None:
    return db.session.scalar(
        select(GrapevineReport).where(
            GrapevineReport.id == report_id, GrapevineReport.group_id == group.id
        )
    )


def link_grapevine(group: Group, report: GrapevineReport, decision: Decision, by: User) -> None:
    if report.group_id != group.id or decision.group_id != group.id:
        raise Invalid(_("That decision is not in this group"))
    if report.resolved_at is not None:
        raise Invalid(_("This report has already been answered"))
    report.decision_id = decision.id
    report.resolved_by_id = by.id
    report.resolved_at = utcnow()
    db.session.flush()
    _tell_reporter(
        group,
        report,
        by,
        lambda: _(
            "It is in the log as decision %(number)d: %(title)s.",
            number=decision.number,
            title=decision.title,
        ),
    )


def answer_grapevine(group: Group, report: GrapevineReport, answer: str, by: User) -> None:
    answer = (answer or "").strip()
    if not answer:
        raise Invalid(_("Write an answer"), "answer")
    if report.resolved_at is not None:
        raise Invalid(_("This report has already been answered"))
    report.answer = answer
    report.resolved_by_id = by.id
    report.resolved_at = utcnow()
    db.session.flush()
    _tell_reporter(
        group, report, by, lambda: _("%(name)s answered: %(answer)s", name=by.name, answer=answer)
    )


def _tell_reporter(group: Group, report: GrapevineReport, by: User, answer) -> None:
    """The member who reported what they heard is told the answer (unless they answered
    it themselves, or have since left Logbook); `answer` writes the answer's words."""
    reporter = db.session.get(User, report.reporter_id) if report.reporter_id else None
    if reporter is None or reporter.id == by.id:
        return
    if not group_services.memberships_of(group, [reporter.id]):
        return  # they have left the group, and could not open the report
    notices.announce(
        group_id=group.id,
        subject_kind="grapevine",
        subject_id=report.id,
        title=lambda: _("An answer to what you heard"),
        body=lambda: "\n\n".join(
            (
                _("You told %(group)s you had heard this:", group=group.name),
                report.what,
                answer(),
            )
        ),
        url=path_for("decisions.grapevine_report", slug=group.slug, report_id=report.id),
        people=[reporter],
        now=report.resolved_at,
    )


def answered_for(user: User, since: datetime, limit: int) -> Page:
    """The person's own grapevine reports answered or linked to a decision since
    `since`, in groups they are still in: (GrapevineReport, Group, Decision or None),
    the latest answer first."""
    query = (
        select(GrapevineReport, Group, Decision)
        .join(Group, Group.id == GrapevineReport.group_id)
        .join(
            Membership,
            (Membership.group_id == GrapevineReport.group_id) & (Membership.user_id == user.id),
        )
        .outerjoin(Decision, Decision.id == GrapevineReport.decision_id)
        .where(GrapevineReport.reporter_id == user.id, GrapevineReport.resolved_at >= since)
        .order_by(GrapevineReport.resolved_at.desc(), GrapevineReport.id.desc())
    )
    return paginate(query, 1, limit, rows=True)


def grapevine_page(group: Group, page: int, per_page: int) -> Page:
    """Open reports first, newest first."""
    query = (
        select(GrapevineReport, User, Decision)
        .outerjoin(User, User.id == GrapevineReport.reporter_id)
        .outerjoin(Decision, Decision.id == GrapevineReport.decision_id)
        .where(GrapevineReport.group_id == group.id)
        .order_by(
            GrapevineReport.resolved_at.is_not(None),
            GrapevineReport.created_at.desc(),
            GrapevineReport.id.desc(),
        )
    )
    return paginate(query, page, per_page, rows=True)


def open_grapevine(group: Group, limit: int = 5) -> list[GrapevineReport]:
    return list(
        db.session.scalars(
            select(GrapevineReport)
            .where(GrapevineReport.group_id == group.id, GrapevineReport.resolved_at.is_(None))
            .order_by(GrapevineReport.created_at.desc())
            .limit(limit)
        )
    )


def open_grapevine_count(group: Group) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(GrapevineReport)
            .where(GrapevineReport.group_id == group.id, GrapevineReport.resolved_at.is_(None))
        )
        or 0
    )


def grapevine_first(decision_ids: list[int]) -> dict[tuple[int, int], datetime]:
    """For each (decision, reporter): when they first reported hearing of it along the
    grapevine. Evidence about the reporter alone: nobody else's record changes."""
    if not decision_ids:
        return {}
    return {
        (decision_id, reporter_id): at
        for decision_id, reporter_id, at in db.session.execute(
            select(
                GrapevineReport.decision_id,
                GrapevineReport.reporter_id,
                func.min(GrapevineReport.created_at),
            )
            .where(
                GrapevineReport.decision_id.in_(decision_ids),
                GrapevineReport.reporter_id.is_not(None),
            )
            .group_by(GrapevineReport.decision_id, GrapevineReport.reporter_id)
        )
    }
