"""Meetings in people's calendars: the group's file, each member's private feed."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import services as accounts
from app.forms import EmptyForm
from app.groups import services as groups
from app.links import external_url
from app.meetings import bp, calendar
from app.permissions import can, open_data, public
from app.viewing import load_group


def _ics(body: bytes, name: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'inline; filename="{name}.ics"'},
    )


@bp.route("/groups/<slug>/meetings.ics")
@open_data
def group_calendar(slug: str):
    group = load_group(slug, "meeting.calendar")
    for_members = can(current_user, "group.view", group)
    return _ics(calendar.group_calendar(group, for_members=for_members), f"{group.slug}-meetings")


@bp.route("/calendar/<token>.ics")
@public
def member_calendar(token: str):
    person = accounts.user_for_feed_token(token)
    if person is None:
        abort(404)
    return _ics(calendar.member_calendar(person), "logbook-meetings")


@bp.route("/calendar", methods=["GET", "POST"])
def calendar_link():
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        accounts.renew_feed_token(current_user)
        flash(_("You have a new calendar link. The old one no longer works."))
        return redirect(url_for("meetings.calendar_link"), 303)
    return render_template(
        "meetings/calendar.html",
        link=external_url("meetings.member_calendar", token=accounts.feed_token(current_user)),
        my_groups=groups.groups_of(current_user),
        form=form,
    )
