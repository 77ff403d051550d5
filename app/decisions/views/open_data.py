"""The log as open data: decisions.json and .csv, and who was told of each decision
(informed.json). Visitors to a published log get the decisions and how many members
were told, on time or late: never a member's name, role, how they were told, who
recorded it, a note, or when any one person was told or read it."""

from __future__ import annotations

import csv
import io

from flask import Response, jsonify
from flask_login import current_user

from app.accounts.services import people_by_id
from app.chain import services as chain_services
from app.dbtypes import utcnow
from app.decisions import bp, told
from app.decisions import services as decisions
from app.decisions.views.common import load_decision
from app.permissions import can, open_data
from app.viewing import load_group


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def _export_rows(group):
    states = decisions.states_for(decisions.all_decisions(group))
    informed = told.informed_for(group, states)
    heads = decisions.chain_heads(group)
    for state in states:
        decision = state.decision
        yield {
            "id": decision.id,
            "number": decision.number,
            "title": state.title,
            "summary": state.summary,
            "decided_at": _iso(decision.decided_at),
            "recorded_at": _iso(decision.recorded_at),
            "decided_by": decision.decided_by_kind,
            "decided_by_name": state.decided_by_name,
            "status": "revoked" if state.revoked else state.status,
            "short_notice_reason": decision.short_notice_reason,
            "current_version": state.version,
            "amendments": len(state.amendments),
            "chain_hash": heads.get(decision.id),
            **_told_counts(informed[state.id]),
        }


@bp.route("/groups/<slug>/decisions.json")
@open_data
def export_json(slug: str):
    group = load_group(slug, "decision.view")
    return jsonify(
        {
            "group": group.slug,
            "generated_at": _iso(utcnow()),
            "chain_head": chain_services.head(group.id),
            "decisions": list(_export_rows(group)),
        }
    )


@bp.route("/groups/<slug>/decisions.csv")
@open_data
def export_csv(slug: str):
    group = load_group(slug, "decision.view")
    out = io.StringIO()
    writer = None
    for row in _export_rows(group):
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    if writer is None:
        out.write(",".join(decisions.EXPORT_FIELDS) + "\r\n")
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{group.slug}-decisions.csv"'},
    )


def _csv_safe(value):
    """Stop spreadsheet programs from running text that starts like a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.route("/groups/<slug>/decisions/<int:decision_id>/informed.json")
@open_data
def informed_json(slug: str, decision_id: int):
    group = load_group(slug, "decision.view")
    decision = load_decision(group, decision_id)
    state = decisions.states_for([decision])[0]
    rows = told.informed_for(group, [state])[decision.id]
    document = {
        "decision": decision.id,
        "decided_at": _iso(decision.decided_at),
        "current_version": state.version,
        "counts": _told_counts(rows),
    }
    # Even rows without names give people away in a small group (the one member told
    # by letter, three days late), so visitors get the counts alone.
    if can(current_user, "group.view", group):
        names = people_by_id(r.record.recorded_by_id for r in rows if r.record)
        document["members"] = [_informed_row(row, names) for row in rows]
    return jsonify(document)


def _told_counts(rows) -> dict:
    """How many members were told, and how: the same figures as the log's export."""
    counts = told.told_counts(rows)
    return {
        "members": counts["members"],
        "told_before": counts["consulted_before"],
        "told_on_time": counts["told_on_time"],
        "told_late": counts["told_late"],
        "told_earlier_version": counts["told_earlier_version"],
        "not_told": counts["not_told_overdue"] + counts["not_told"],
        "heard_on_grapevine_first": counts["heard_first_via_grapevine"],
    }


def _informed_row(row, names) -> dict:
    record = row.record
    recorder = names.get(record.recorded_by_id) if record and record.recorded_by_id else None
    return {
        "member_id": row.membership.id,
        "name": row.person.name,
        "role": row.membership.role,
        "first_told_at": _iso(row.told_at),
        # Only the date was given: first_told_at's time of day was not recorded.
        "first_told_time_not_recorded": bool(record and record.day_only),
        "channel": row.channel,
        "recorded_by": recorder.name if recorder else None,
        "recorded_at": _iso(record.recorded_at) if record else None,
        "note": record.note if record else None,
        "told_of_version": row.told_of_version,
        "acknowledged_at": _iso(row.acknowledged_at),
        "heard_first_via_grapevine_at": _iso(row.heard_first_via_grapevine_at),
        "lag_days": round(row.lag.total_seconds() / 86400, 2) if row.lag else None,
        "status": row.status,
    }
