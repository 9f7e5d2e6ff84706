"""筑梦空间's staff lists from the project and internship events on xq.stations.event: one row per incubation
project (ds_projects: its status and milestones) and per internship offered (ds_internships: open or closed, its
places, and how many applications were made, are pending and were accepted). Apart from the dashboard's counters
(dream_space.py) so that it is rebuilt on its own. No youth id is kept. Reads: gateway/tables/dream_space.py."""
from __future__ import annotations

import asyncpg

from chassis.dispatch import Handler, statement
from chassis.envelope import Envelope
from contracts.stations import EVENT, ActivityEvents

from .reading import Reading


async def _project_applied(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute("INSERT INTO ds_projects (project_id, station_id, district, title, field, status, applied_at) "
                       "VALUES ($1, $2, $3, $4, $5, 'APPLIED', $6::text::timestamptz) ON CONFLICT DO NOTHING",
                       d["project_id"], d["station_id"], d["district"], d["title"], d["field"], d["at"])


def _project_status(status: str) -> Handler:
    return statement(f"UPDATE ds_projects SET status = '{status}' WHERE project_id = $1", "project_id")


async def _offered(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute("INSERT INTO ds_internships (internship_id, station_id, district, company, title, places, "
                       "offered_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                       d["internship_id"], d["station_id"], d["district"], d["company"], d["title"], d["places"],
                       e.time)


def _applications(moves: str) -> Handler:
    """An application's step moves the offer's counts (`moves`: SQL assignments)."""
    return statement(f"UPDATE ds_internships SET {moves} WHERE internship_id = $1", "internship_id")


_DECIDED = _applications("pending = pending - 1")


class DreamSpaceListsProjection(Reading, name="gateway.dream_space_lists", reads=(EVENT,),
                                streams=("project-", "internship-"), tables=("ds_projects", "ds_internships")):
    handlers = {
        ActivityEvents.PROJECT_APPLIED: _project_applied,
        ActivityEvents.PROJECT_SUPPORTED: _project_status("SUPPORTED"),
        ActivityEvents.PROJECT_DECLINED: _project_status("DECLINED"),
        ActivityEvents.PROJECT_MILESTONE: statement("UPDATE ds_projects SET milestones = milestones + 1 "
                                                    "WHERE project_id = $1", "project_id"),
        ActivityEvents.PROJECT_ENDED: statement("UPDATE ds_projects SET status = $2 WHERE project_id = $1",
                                                "project_id", "outcome"),
        ActivityEvents.INTERNSHIP_OFFERED: _offered,
        ActivityEvents.INTERNSHIP_CLOSED: _applications("open = false"),
        ActivityEvents.INTERNSHIP_APPLIED: _applications("applications = applications + 1, pending = pending + 1"),
        ActivityEvents.APPLICATION_ACCEPTED: _applications("pending = pending - 1, accepted = accepted + 1"),
        ActivityEvents.APPLICATION_DECLINED: _DECIDED,
        ActivityEvents.APPLICATION_WITHDRAWN: _DECIDED,
        ActivityEvents.APPLICATION_ENDED: _DECIDED,
    }
