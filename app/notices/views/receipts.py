"""Delivery receipts from GOV.UK Notify: Notify posts what became of each email and
text message to this address, with the bearer token the site gave it
(`NOTIFY_CALLBACK_TOKEN`). Without a token set, the site takes no receipts (404) and
the worker asks Notify instead."""

from __future__ import annotations

from flask import jsonify, request

from app.dbtypes import utcnow
from app.errors import Malformed
from app.extensions import csrf, limiter
from app.notices import bp, by_notify, notify
from app.permissions import public, reads_own_authorization, takes_json


@bp.route("/notify/receipts", methods=["POST"])
@public
@reads_own_authorization
@takes_json
@csrf.exempt
@limiter.limit("600 per minute")
def notify_receipt():
    if not notify.takes_callbacks():
        return jsonify(error="This site takes no delivery receipts."), 404
    if not notify.callback_authorised(request.headers.get("Authorization")):
        return (
            jsonify(error="A delivery receipt needs the site's bearer token."),
            401,
            {"WWW-Authenticate": 'Bearer realm="notify receipts"'},
        )
    try:
        status = notify.read_callback(request.get_json(silent=True))
    except Malformed as exc:
        return jsonify(error=exc.message), 400
    if not by_notify.apply(status, utcnow()):
        # Not one of ours (or long gone): say so, so Notify does not try again for days.
        return jsonify(result="unknown message; nothing recorded"), 200
    return jsonify(result="recorded"), 200
