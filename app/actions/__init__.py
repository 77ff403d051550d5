"""Actions ("you said, we did"): who does what by when, and how it is going.

A floor beside decisions, voting and enquiries: meetings link to actions (an
action captured in the room), never the other way round.
"""

from flask import Blueprint

bp = Blueprint("actions", __name__)
