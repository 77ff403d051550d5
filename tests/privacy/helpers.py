"""Looking for a person after they are erased: in every table, and in the pages."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import deque

from sqlalchemy import Text, cast, func, select

from app.extensions import db


def mentions_in_database(*needles: str) -> list[str]:
    """Every (table.column, count) holding any of the needles, in any column whose
    value can be read as text (JSON too)."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            as_text = cast(column, Text)
            for needle in needles:
                n = db.session.scalar(
                    select(func.count()).select_from(table).where(as_text.contains(needle))
                )
                if n:
                    found.append(f"{table.name}.{column.name} has {needle!r} ({n})")
    return found


LINK = re.compile(r'href="(/[^"#?]*)')


def crawl(client, start: str, *, within: str, limit: int = 400) -> dict[str, str]:
    """The HTML of every page reachable from `start` by links under `within`."""
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            seen[url] = ""
            continue
        html = response.get_data(as_text=True)
        seen[url] = html
        for link in LINK.findall(html):
            if link.startswith(within) and link not in seen:
                queue.append(link)
    return seen


def open_zip(response) -> tuple[zipfile.ZipFile, dict]:
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    return archive, json.loads(archive.read("data.json"))
