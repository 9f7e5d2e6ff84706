"""The operation-name label of the GraphQL metrics comes from an allow-list (issue 15): the names the schema's
own clients send. Any other name is counted as `other`, an unnamed operation as `anonymous`, so a client that
sends a thousand made-up names adds one series, not a thousand (and a name cannot smuggle data into
/metrics). A client that wants its own series adds its operation's name here.
"""
from __future__ import annotations

KNOWN_OPERATIONS = frozenset({
    "Dashboard", "Live",                    # the dashboard page (gateway/web/src/app.js): query and subscription
    "Nearest", "Stations", "Appeals",       # the benchmarks' clients (bench/), as the mobile page and lists ask
})
# The mobile page (gateway/web/src/m/) sends unnamed operations: counted as `anonymous`.


def operation_label(name: str | None) -> str:
    if not name:
        return "anonymous"
    return name if name in KNOWN_OPERATIONS else "other"
