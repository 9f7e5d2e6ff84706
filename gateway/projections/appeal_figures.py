"""The 12345 appeals' dashboard figures kept as counters in the stations projection's transaction (issue 21):
each appeal event's effect on its st_appeals row is read before and after, and the difference of the row's
contribution moves two counter tables —

- ap_month_counts, per district × dispatch month × handling unit: the month's figures and ranking, and the
  all-time figures (at most districts × months × units rows);
- ap_day_counts, per district × Beijing day received × handling unit: any range of days.

('' stands for no month or no unit yet.) The contribution is the one gateway/tables/stations.py's rates
define, written in Python here and in SQL as the view ap_contributions (migration 0012), which the recount
sums (gateway/tables/recount.py).
"""
from __future__ import annotations

from chassis.clock import beijing_date
from chassis.dispatch import Handler

FIGURES = ("total", "open", "overdue", "contacted_in_time", "contact_due", "resolved_in_time", "resolve_due",
           "satisfied", "rated")
OPEN = ("RECEIVED", "DISPATCHED", "CONTACTED")
SATISFIED = ("SATISFIED", "BASICALLY_SATISFIED")

def contribution(row) -> tuple[int, ...]:
    """What one st_appeals row adds to each of FIGURES."""
    is_open = row["status"] in OPEN
    overdue = ((row["contact_overdue"] and not row["contacted_in_time"])
               or (row["resolution_overdue"] and not row["resolved_in_time"]))
    unit = row["unit"] is not None
    return (1, int(is_open), int(is_open and overdue),
            int(unit and row["contacted_in_time"] is True),
            int(unit and (row["contacted_in_time"] is not None or row["contact_overdue"])),
            int(unit and row["resolved_in_time"] is True),
            int(unit and (row["resolved_in_time"] is not None or row["resolution_overdue"])),
            int(row["satisfaction"] in SATISFIED), int(row["satisfaction"] is not None))


def _keys(row) -> tuple[tuple, tuple]:
    unit = row["unit"] or ""
    return (row["district"], row["month"] or "", unit), (row["district"], beijing_date(row["received_at"]), unit)


_UPSERT = """INSERT INTO {table} ({key}, {figures}) VALUES ($1, $2, $3, {values})
             ON CONFLICT ({key}) DO UPDATE SET {moves}"""
_MONTH = _UPSERT.format(table="ap_month_counts", key="district, month, unit", figures=", ".join(FIGURES),
                        values=", ".join(f"${i}" for i in range(4, 4 + len(FIGURES))),
                        moves=", ".join(f"{f} = ap_month_counts.{f} + EXCLUDED.{f}" for f in FIGURES))
_DAY = _MONTH.replace("ap_month_counts", "ap_day_counts").replace("month, unit", "day, unit")


async def _move(conn, row, sign: int) -> None:
    values = [sign * v for v in contribution(row)]
    month_key, day_key = _keys(row)
    await conn.execute(_MONTH, *month_key, *values)
    await conn.execute(_DAY, *day_key, *values)


def kept(handler: Handler) -> Handler:
    """`handler` (an appeal event's effect on its st_appeals row) with the counters moved by the difference."""
    async def run(conn, event) -> None:
        appeal_id = event.data["appeal_id"]
        before = await conn.fetchrow("SELECT * FROM st_appeals WHERE appeal_id = $1", appeal_id)
        await handler(conn, event)
        after = await conn.fetchrow("SELECT * FROM st_appeals WHERE appeal_id = $1", appeal_id)
        if before is not None and after is not None and _keys(before) == _keys(after) \
                and contribution(before) == contribution(after):
            return  # e.g. a category: no figure moves
        if before is not None:
            await _move(conn, before, -1)
        if after is not None:
            await _move(conn, after, 1)
    return run
