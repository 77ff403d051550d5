"""What the meetings views share: loading a meeting or an item for a request."""

from __future__ import annotations

from flask import abort, request, url_for

from app.forms import EmptyForm
from app.meetings import agenda, planning
from app.viewing import found, load_group


def load_meeting(group, meeting_id: int):
    return found(planning.get_meeting(group, meeting_id))


def load_item(meeting, item_id: int):
    return found(agenda.get_item(meeting, item_id))


def load_meeting_for(slug: str, meeting_id: int, action: str):
    """The group and meeting, if the viewer may take `action` in the group; a POST (a
    bare button's) must carry its form's token."""
    group = load_group(slug, action)
    meeting = load_meeting(group, meeting_id)
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    return group, meeting


def meeting_url(group, meeting, anchor: str = "") -> str:
    return url_for("meetings.show", slug=group.slug, meeting_id=meeting.id) + anchor
