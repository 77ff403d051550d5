"""Benchmark (not a test): the meeting pages at the size of a busy council-wide group.

200 members, a 40-item agenda with half the members checked in and ten decisions and
actions captured, 300 past meetings and 600 actions. Each page is asked for through
the test client (no network) on a throwaway SQLite file; the median of several runs
is printed in milliseconds.

Run from the project root: python scripts/bench_meetings.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.actions import services as actions  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.dbtypes import local_today, utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.groups import services as groups  # noqa: E402
from app.meetings import agenda, attendance, captures, live, planning  # noqa: E402

MEMBERS = 200
ITEMS = 40
PAST_MEETINGS = 300
RUNS = 7


def build():
    group = groups.create_group(slug="busy", name="Busy group")
    facilitator = accounts.create_user(
        email="f@example.org", name="Fatima", password="kettle orchard lantern mosaic"
    )
    groups.add_member(group, facilitator, "facilitator")
    people = []
    for n in range(MEMBERS):
        person = accounts.create_user(email=f"p{n}@example.org", name=f"Person {n:03d}")
        people.append((groups.add_member(group, person, "resident"), person))
    db.session.commit()
    start = utcnow() - timedelta(days=200)
    for n in range(PAST_MEETINGS):
        past = planning.plan_meeting(
            group,
            facilitator,
            title=f"Past {n}",
            kind="group_meeting",
            starts_at=start + timedelta(days=n % 180, hours=1),
            ends_at=start + timedelta(days=n % 180, hours=3),
            place="Hall",
            now=start,
        )
        for k in range(2):
            actions.create_action(
                group,
                facilitator,
                title=f"Action {n}.{k}",
                owner_id=people[(n + k) % MEMBERS][1].id,
                due_on=local_today() - timedelta(days=n % 9),
                today=local_today() - timedelta(days=300),
                meeting_id=past.id,
            )
    soon = utcnow() + timedelta(days=1)
    meeting = planning.plan_meeting(
        group,
        facilitator,
        title="Tonight",
        kind="group_meeting",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        place="Hall",
    )
    for n in range(ITEMS):
        agenda.add_item(group, meeting, title=f"Item {n}", lead="Fatima", minutes_allowed=5)
    for membership, _person in people[: MEMBERS // 2]:
        attendance.set_attendance(group, meeting, membership.id, "present", facilitator)
    live.start_meeting(meeting)
    rows = agenda.agenda(meeting)
    for n in range(10):
        live.step_to(meeting, n + 1)
        captures.capture_decision(
            group,
            meeting,
            rows[n].item,
            facilitator,
            capture_key=f"bench-{n}",
            title=f"Decision {n}",
            summary="Agreed.",
            decided_by_kind="council_cabinet",
        )
    db.session.commit()  # services never commit: the builder is one long command
    return facilitator, {
        "meetings list": "/groups/busy/meetings?past=1",
        "meeting page": f"/groups/busy/meetings/{meeting.id}",
        "live mode": f"/groups/busy/meetings/{meeting.id}/live",
        "actions (all)": "/groups/busy/actions?show=all",
        "group calendar": "/groups/busy/meetings.ics",
    }


def main() -> None:
    folder = tempfile.mkdtemp(prefix="logbook-bench-")
    config = type(
        "BenchConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "MAIL_PORT": 1},
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        facilitator, urls = build()
        print(f"built the group in {time.perf_counter() - started:.1f} s")
        user_id = facilitator.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    for name, url in urls.items():
        client.get(url)  # warm up
        timings = []
        for _ in range(RUNS):
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{name:16} median {statistics.median(timings):6.1f} ms  best {min(timings):6.1f} ms")


if __name__ == "__main__":
    main()
