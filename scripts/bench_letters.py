"""Benchmark (not a test): a letter pack for 200 members who take their news by letter.

200 letter members (a fifth of them in large print), three decisions waiting for each,
a meeting coming up; the pack is made on the delivery desk and its PDF downloaded
through the test client (no network) on a throwaway SQLite file. Prints the time to
make the pack, and the median and best time to render its PDF, with its page count.

Run from the project root: python scripts/bench_letters.py
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.dbtypes import utcnow  # noqa: E402
from app.decisions import services as decisions  # noqa: E402
from app.extensions import db  # noqa: E402
from app.groups import services as groups  # noqa: E402
from app.groups.models import Membership  # noqa: E402
from app.meetings import planning  # noqa: E402

LETTERS = 200
DECISIONS = 3
RUNS = 3


def build():
    group = groups.create_group(slug="letters", name="Letters group", neighbourhood="Riverside")
    facilitator = accounts.create_user(
        email="f@example.org", name="Fatima", password="kettle orchard lantern mosaic"
    )
    groups.add_member(group, facilitator, "facilitator")
    officer = accounts.create_user(email="o@example.org", name="Owen")
    groups.add_member(group, officer, "officer")
    for n in range(LETTERS):
        groups.add_member_without_email(
            group,
            name=f"Resident {n:03d}",
            role="resident",
            preferred_channels=["letter"],
            postal_address=f"{n + 1} Mill Lane\nRiverside\nRV1 {n % 9}AB",
            large_print=n % 5 == 0,
        )
    db.session.query(Membership).update({"joined_at": utcnow() - timedelta(days=400)})
    start = utcnow() + timedelta(days=3)
    planning.plan_meeting(
        group,
        facilitator,
        title="Group meeting",
        kind="group_meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="St Mark's church hall",
    )
    for n in range(DECISIONS):
        decisions.record_decision(
            group,
            officer,
            title=f"Decision {n}: bins move to Wednesdays in part {n} of Riverside",
            summary="From the first week of next month, collections move to Wednesdays. " * 3,
            decided_at=utcnow() - timedelta(hours=n + 1),
            decided_by_kind="officer_delegated",
        )
    db.session.commit()
    return group, facilitator


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
        group, facilitator = build()
        user_id, slug = facilitator.get_id(), group.slug
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    began = time.perf_counter()
    made = client.post(f"/groups/{slug}/desk/packs")
    print(f"made the pack of {LETTERS} letters in {time.perf_counter() - began:.2f} s")
    assert made.status_code == 303, made.status_code
    pdf_url = made.headers["Location"].rstrip("/") + "/letters.pdf"
    timings, pages = [], 0
    for _ in range(RUNS):
        began = time.perf_counter()
        response = client.get(pdf_url)
        timings.append(time.perf_counter() - began)
        assert response.status_code == 200, (pdf_url, response.status_code)
        pages = len(PdfReader(io.BytesIO(response.data)).pages)
    print(
        f"letter pack PDF: {pages} pages, median {statistics.median(timings):.2f} s, "
        f"best {min(timings):.2f} s over {RUNS} runs"
    )


if __name__ == "__main__":
    main()
