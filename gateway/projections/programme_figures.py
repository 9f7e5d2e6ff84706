"""The programmes' enrolment figures kept per programme × the enrolled person's district (st_programme_counts),
moved in the stations projection's transaction by the difference each enrolment event makes to its row
(issue 21: the dashboard sums at most programmes × districts rows, never the enrolments). Keyed by programme,
not by its start date, so an enrolment projected before its programme still counts once it is known."""
from __future__ import annotations

from decimal import Decimal

from chassis.dispatch import Handler

_ROW = "SELECT district, result, scholarship FROM st_enrolments WHERE programme_id = $1 AND youth_id = $2"


def contribution(row) -> tuple[int, int, int, int, Decimal]:
    """(enrolments, examined, passed, scholarships, amount) one st_enrolments row adds."""
    if row is None:
        return 0, 0, 0, 0, Decimal(0)
    paid = row["scholarship"] is not None
    return (1, int(row["result"] is not None), int(row["result"] == "PASSED"), int(paid),
            row["scholarship"] if paid else Decimal(0))


def kept(handler: Handler) -> Handler:
    """`handler` (an enrolment event's effect on its row) with the programme's counters moved by the difference."""
    async def run(conn, event) -> None:
        key = (event.data["programme_id"], event.data["youth_id"])
        before = await conn.fetchrow(_ROW, *key)
        await handler(conn, event)
        after = await conn.fetchrow(_ROW, *key)
        for row, sign in ((before, -1), (after, 1)):
            if row is not None and (before is None or after is None or contribution(before) != contribution(after)):
                values = [sign * v for v in contribution(row)]
                await conn.execute(
                    """INSERT INTO st_programme_counts (programme_id, district, enrolments, examined, passed,
                                                        scholarships, amount) VALUES ($1, $2, $3, $4, $5, $6, $7)
                       ON CONFLICT (programme_id, district) DO UPDATE SET
                         enrolments = st_programme_counts.enrolments + $3, examined = st_programme_counts.examined + $4,
                         passed = st_programme_counts.passed + $5, scholarships = st_programme_counts.scholarships + $6,
                         amount = st_programme_counts.amount + $7""", key[0], row["district"], *values)
    return run
