"""Reads of 面对面 sessions, issues and proposals (gateway/projections/face_to_face.py). A district scope
(None: the city) limits every read; a department sees the proposals addressed to it."""
from __future__ import annotations

from datetime import date

import asyncpg


async def figures(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                  date_to: date | None) -> tuple[asyncpg.Record, list]:
    """(sessions and youth attending, proposals per status) of the sessions held in the scope and range."""
    args = (district, date_from, date_to)
    where = """($1::text IS NULL OR s.district = $1) AND ($2::date IS NULL OR s.held_on >= $2)
               AND ($3::date IS NULL OR s.held_on <= $3)"""
    sessions = await conn.fetchrow(
        f"""SELECT count(*)::int AS sessions, coalesce(sum(youth_attending), 0)::int AS youth_attending
              FROM ff_sessions s WHERE {where}""", *args)
    by_status = await conn.fetch(
        f"""SELECT p.status, count(*)::int AS count FROM ff_proposals p JOIN ff_sessions s USING (session_id)
             WHERE {where} GROUP BY p.status ORDER BY p.status""", *args)
    return sessions, by_status


async def sessions(conn: asyncpg.Connection, district: str | None, limit: int) -> list:
    """Sessions in the scope, newest first."""
    return await conn.fetch(
        """SELECT * FROM ff_sessions WHERE $1::text IS NULL OR district = $1
            ORDER BY held_on DESC, session_id LIMIT $2""", district, limit)


async def issues_of(conn: asyncpg.Connection, session_ids: list[str]) -> list:
    return await conn.fetch("SELECT * FROM ff_issues WHERE session_id = ANY($1::text[]) ORDER BY issue_id",
                            session_ids)


async def proposals(conn: asyncpg.Connection, *, district: str | None, department: str | None,
                    status: str | None, limit: int) -> list:
    """Proposals in the scope (and addressed to `department` when given), newest first."""
    return await conn.fetch(
        """SELECT * FROM ff_proposals WHERE ($1::text IS NULL OR district = $1)
              AND ($2::text IS NULL OR department = $2) AND ($3::text IS NULL OR status = $3)
            ORDER BY submitted_on DESC, proposal_id LIMIT $4""", district, department, status, limit)
