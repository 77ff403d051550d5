"""The meetings pages, a module for each part of the domain, all on the `meetings`
blueprint: importing them here registers their routes."""

from app.actions import views as action_views
from app.meetings import bp
from app.meetings.planning import get_meeting
from app.meetings.views import (  # noqa: F401
    agenda,
    calendars,
    capture,
    live,
    minutes,
    page,
    planning,
)

# The action page names the meeting an action was agreed at (see app/actions/views.py).
action_views.find_meetings_with(get_meeting)

__all__ = ["bp"]
