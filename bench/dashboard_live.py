"""Benchmark 5c: live dashboard subscribers while writes flow (issue 21), after 5b on the same stack.

`subscribers` `dashboardUpdated` subscriptions over graphql-transport-ws, each selecting what the page
selects (half the city, half spread over the 16 districts), stay connected for `seconds` while 5b's write
mix (registrations, membership changes, person-time batches) goes through the services. Reported:
- coalescing: the shortest gap between two updates to one subscriber, and the most updates one subscriber
  got in any second (gateway/live.py promises at most one a second, never a growing queue);
- staleness, for the city subscribers: a registration acknowledged at t is shown once a subscriber gets a
  dashboard whose `youth.total` counts every registration acknowledged up to t; staleness is the time from
  t to that update (a count can also include registrations still in flight, so this can read slightly
  early, never late);
- the gateway's resident memory, sampled every `sample_every` seconds: its start, end, peak, and how much
  it grew over the second half of the run (a queue per subscriber would grow with time).
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

import httpx
import numpy as np
import psutil
import websockets

from chassis.reference import DISTRICTS
from chassis.settings import Settings

from .dashboard_writes import DashboardWritesConfig, Freshness, write_loads, write_ops
from .gateway_queries import page_query
from .report import Report
from .stack import BenchStack

COLUMNS = ["subscribers", "connected at the end", "updates", "updates per subscriber /s", "shortest gap ms",
           "most updates in 10 s", "staleness p50 ms", "staleness p99 ms", "registrations /s",
           "membership changes /s", "person-time batches /s", "write errors", "writes not sent", "gateway RSS start MB",
           "gateway RSS end MB", "gateway RSS peak MB", "RSS growth, second half MB"]


@dataclass(frozen=True)
class LiveConfig:
    subscribers: int = 100
    seconds: float = 600
    sample_every: float = 10


@dataclass
class Subscriber:
    district: str | None
    updates: list[tuple[float, int]] = field(default_factory=list)  # (arrival, youth.total)
    error: str | None = None
    connected: bool = False

    async def follow(self, url: str, token: str, until: asyncio.Event) -> None:
        query = page_query().replace("query Dashboard", "subscription Live", 1).replace(
            "dashboard(district: $district, from: $from, to: $to)", "dashboardUpdated(district: $district)", 1)
        query = query.replace("($district: String, $from: Date, $to: Date)", "($district: String)", 1)
        try:
            async with websockets.connect(url, subprotocols=["graphql-transport-ws"], max_size=2**24) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                    "query": query, "variables": {"district": self.district}}}))
                self.connected = True
                while not until.is_set():
                    try:
                        frame = await asyncio.wait_for(ws.recv(), 1.0)
                    except TimeoutError:
                        continue
                    message = json.loads(frame)
                    if message["type"] == "next":
                        payload = message["payload"]
                        if payload.get("errors"):
                            raise RuntimeError(str(payload["errors"])[:300])
                        total = payload["data"]["dashboardUpdated"]["youth"]["total"]
                        self.updates.append((time.perf_counter(), int(total)))
                    elif message["type"] in ("error", "complete"):
                        raise RuntimeError(f"subscription ended: {str(message)[:300]}")
        except Exception as exc:  # noqa: BLE001 — reported in the table: a dropped subscriber is a finding
            self.error = repr(exc)[:300]
        self.connected = self.error is None


def staleness_ms(subscribers: list[Subscriber], acked: list[float]) -> np.ndarray:
    """For each city subscriber and each acknowledged registration: from its acknowledgement to the first
    update counting every registration acknowledged by then (the first update is the baseline)."""
    acked = sorted(acked)
    lags: list[float] = []
    for sub in subscribers:
        if sub.district is not None or not sub.updates:
            continue
        baseline = sub.updates[0][1]
        u = 1
        for k, at in enumerate(acked, start=1):
            while u < len(sub.updates) and sub.updates[u][1] < baseline + k:
                u += 1
            if u == len(sub.updates):
                break  # not shown by the end: counted as missing, below
            lags.append(max(0.0, sub.updates[u][0] - at))
    return np.asarray(lags) * 1000


WINDOW = 10.0  # seconds: "at most one a second" on the subscriber's side, where arrival jitters by a few ms


def _gaps(subscribers: list[Subscriber]) -> tuple[float, int]:
    """The shortest gap between two updates to one subscriber (after its first answer), and the most
    updates one subscriber got within any WINDOW seconds."""
    shortest, most = float("inf"), 0
    for sub in subscribers:
        times = np.asarray([t for t, _ in sub.updates[1:]])
        if times.size >= 2:
            shortest = min(shortest, float(np.diff(times).min()) * 1000)
        if times.size:
            most = max(most, int((np.searchsorted(times, times + WINDOW, side="left") - np.arange(times.size)).max()))
    return shortest, most


async def _sample_memory(pid: int, every: float, until: asyncio.Event, samples: list[tuple[float, float]]) -> None:
    proc = psutil.Process(pid)
    while not until.is_set():
        samples.append((time.perf_counter(), proc.memory_info().rss / 2**20))
        try:
            await asyncio.wait_for(until.wait(), every)
        except TimeoutError:
            pass
    samples.append((time.perf_counter(), proc.memory_info().rss / 2**20))


async def run(stack: BenchStack, report: Report, cfg: LiveConfig, writes: DashboardWritesConfig, settings: Settings,
              clients: dict[str, httpx.AsyncClient], setup: tuple[list[str], list[str], list[str]],
              fresh: Freshness, say=print) -> None:
    """After 5b's steps, on its stack, its clients and its setup; `fresh` only collects acknowledgements."""
    url = settings.service_url("gateway").replace("http", "ws", 1) + "/graphql"
    districts = sorted(DISTRICTS)
    subscribers = [Subscriber(None if i % 2 == 0 else districts[(i // 2) % len(districts)])
                   for i in range(cfg.subscribers)]
    until, memory = asyncio.Event(), []
    token = stack.token()
    began = time.perf_counter()
    following = [asyncio.create_task(s.follow(url, token, until)) for s in subscribers]
    sampling = asyncio.create_task(_sample_memory(stack.apps["gateway"].popen.pid, cfg.sample_every, until, memory))
    await asyncio.sleep(2)  # every subscriber has its first answer before the writes start
    say(f"5c: {sum(s.connected for s in subscribers)} subscribers connected; writes for {cfg.seconds:g} s")
    # ten minutes on a saturated machine: what could not be sent in time is counted, not queued for later
    loads = await asyncio.gather(*write_loads(writes, write_ops(writes, clients, fresh, setup, 5_000_000),
                                              cfg.seconds, drop_late=True))
    await asyncio.sleep(3)  # the last writes' updates
    until.set()
    connected_for = time.perf_counter() - began
    await asyncio.gather(*following, sampling)
    acked = [t for (projection, _, _), t in fresh.acked.items() if projection == "gateway.youth"]
    lags = staleness_ms(subscribers, acked)
    city = sum(s.district is None for s in subscribers)
    expected = city * len(acked)
    shortest, most = _gaps(subscribers)
    updates = sum(max(0, len(s.updates) - 1) for s in subscribers)
    rss = np.asarray([mb for _, mb in memory])
    half = rss[len(rss) // 2:]
    reg, mem, bat = loads
    p50, p99 = (float(x) for x in np.percentile(lags, [50, 99])) if lags.size else (float("nan"),) * 2
    table = report.table("dashboard_live", "5c. Live dashboard subscribers while writes flow", COLUMNS)
    table.add(**{"subscribers": f"{city} city + {cfg.subscribers - city} district",
                 "connected at the end": sum(s.connected for s in subscribers), "updates": updates,
                 "updates per subscriber /s": round(updates / cfg.subscribers / connected_for, 2),
                 "shortest gap ms": round(shortest, 1), "most updates in 10 s": most,
                 "staleness p50 ms": round(p50, 1), "staleness p99 ms": round(p99, 1),
                 "registrations /s": round(reg.throughput, 1), "membership changes /s": round(mem.throughput, 1),
                 "person-time batches /s": round(bat.throughput, 1), "write errors": reg.errors + mem.errors + bat.errors,
                 "writes not sent": reg.unsent + mem.unsent + bat.unsent,
                 "gateway RSS start MB": round(float(rss[0]), 1), "gateway RSS end MB": round(float(rss[-1]), 1),
                 "gateway RSS peak MB": round(float(rss.max()), 1),
                 "RSS growth, second half MB": round(float(half[-1] - half[0]), 1)})
    table.notes.append(
        f"{cfg.subscribers} `dashboardUpdated` subscriptions selecting what the page selects, connected for "
        f"{cfg.seconds:g} s while {writes.registrations:g} registrations/s, {writes.memberships:g} membership "
        f"changes/s and {writes.batches:g} batches/s of {writes.batch_size} person-times go through the services. "
        f"Staleness: {lags.size:,} of {expected:,} (city subscriber, registration) pairs were shown by the end; "
        "from a registration's 2xx to the first update to that subscriber counting every registration "
        f"acknowledged by then. Memory: the gateway's RSS every {cfg.sample_every:g} s (the reader: after 5b the "
        "gateway runs as a reader and a projector). Writes not sent: due "
        "within the run but still waiting for a free connection when it ended (the machine did not keep up).")
    failed = [f"{kind}: {load.first_error}" for kind, load in zip(("registration", "membership change",
                                                                    "person-time batch"), loads, strict=True)
              if load.errors]
    if failed:
        table.notes.append("first error of each kind of write that had any: " + "; ".join(failed))
    for sub in subscribers:
        if sub.error:
            table.notes.append(f"a subscriber ({sub.district or 'city'}) ended: {sub.error}")
            break
    report.target("live subscribers coalesced", "≤ 1 update per second each",
                  f"at most {most} in any {WINDOW:g} s; shortest gap {shortest:.0f} ms", most <= WINDOW + 1)
    report.target("live staleness p99", "≤ 2 s", f"{p99:.0f} ms", p99 <= 2000)
    report.target("live subscribers stay connected", f"{cfg.subscribers}",
                  f"{sum(s.connected for s in subscribers)}", all(s.connected for s in subscribers))
