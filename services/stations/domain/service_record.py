"""Services delivered (person-times, 人次), recorded at a station, often uploaded late in batches.

Tens of millions of records over the years, so a record is not a stream of its own: records go to a
per-station-per-day stream `visits-<station>-<YYYYMMDD>` (Beijing day of delivery). Nothing a record
decides depends on the day's earlier records, so appending needs the station's state only, never a
load of the day. Idempotency (a retried upload never counts twice) is a unique key per station,
written in the same transaction as the append (see tables.claim_record_keys).

Health-related records (体检, 义诊) leave the station without the youth id: counts only.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chassis.clock import beijing_date
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from chassis.reference import SERVICE_TYPES
from contracts.stations import ServiceEvents

from .common import aware
from .station import HEALTH_SERVICES, StationState, StationStatus

MAX_BATCH = 500
CLOCK_SKEW = timedelta(minutes=10)  # phones' clocks run a little fast
KEY_MAX = 100
RECORD_NAMESPACE = uuid.UUID("6f0c5a8e-2b9e-4f43-9d7a-1c1b9a1e5e01")


def stream_id(station_id: str, day: date) -> str:
    return f"visits-{station_id}-{day:%Y%m%d}"


def record_id(station_id: str, idempotency_key: str) -> str:
    """Stable id of a record: the same upload always names the same record."""
    return str(uuid.uuid5(RECORD_NAMESPACE, f"{station_id}/{idempotency_key}"))


@dataclass(frozen=True)
class ServiceRecord:
    idempotency_key: str
    service_type: str
    delivered_at: datetime
    youth_id: str | None = None  # registered youth (pseudonymous id); None: anonymous, counted without identity


@dataclass(frozen=True)
class RecordServices:
    station_id: str
    records: tuple[ServiceRecord, ...]
    now: datetime
    # Youth who may be named on a record: registered, active, consented to SERVICE_RECORDS (from the
    # registry's events). Anyone else still counts, anonymously.
    named: frozenset[str] = frozenset()


@event(ServiceEvents.DELIVERED)
class ServiceDelivered(Event):
    record_id: str
    station_id: str
    station_kind: str
    district: str
    service_type: str
    delivered_at: datetime
    delivered_on: str  # Beijing calendar day, YYYY-MM-DD
    registered: bool   # by a named registered youth (true) or anonymous; kept when the id is withheld
    youth_id: str | None  # None when anonymous, not consenting, or health-related


def validate_batch(c: RecordServices) -> None:
    """Every record is checked before any is stored: one bad record refuses the batch, by field name."""
    errors = Collector()
    if not c.records:
        errors.add("records", "至少上传一条服务记录", "required")
    if len(c.records) > MAX_BATCH:
        errors.add("records", f"每批最多 {MAX_BATCH} 条", "too_long")
    seen: set[str] = set()
    for i, r in enumerate(c.records):
        f = f"records[{i}]"
        key = (r.idempotency_key or "").strip()
        if not key:
            errors.add(f"{f}.idempotencyKey", "幂等键不能为空（由手机端生成，如 UUID）", "required")
        elif len(key) > KEY_MAX:
            errors.add(f"{f}.idempotencyKey", f"幂等键不能超过 {KEY_MAX} 个字符", "too_long")
        elif key in seen:
            errors.add(f"{f}.idempotencyKey", "同一批次中幂等键重复", "duplicate")
        seen.add(key)
        if r.service_type not in SERVICE_TYPES:
            errors.add(f"{f}.serviceType", f"服务类型无效：应为 {'、'.join(SERVICE_TYPES)} 之一", "enum")
        if aware(r.delivered_at, f"{f}.deliveredAt", errors) and r.delivered_at > c.now + CLOCK_SKEW:
            errors.add(f"{f}.deliveredAt", "服务时间不能晚于当前时间", "future")
        if r.youth_id is not None:
            try:
                uuid.UUID(r.youth_id)
            except ValueError:
                errors.add(f"{f}.youthId", "青年编号应为登记服务返回的 UUID；匿名服务请留空", "format")
    errors.raise_if_any()


def decide_records(command: RecordServices, station: StationState) -> list[ServiceDelivered]:
    """The events for records not seen before (the caller has already dropped repeats)."""
    if not station.exists or station.kind is None or station.district is None:
        raise RuleViolated("站点不存在。", rule="station_not_found")
    if station.status == StationStatus.CLOSED:
        # Late uploads from before the closure are still facts; refuse only what happened after it.
        # The store does not keep the closure time in the state, so the rule is: closed refuses all.
        raise RuleViolated("站点已永久关闭，不能再登记服务。", rule="station_closed")
    validate_batch(command)
    events = []
    for r in command.records:
        health = r.service_type in HEALTH_SERVICES
        youth = r.youth_id if r.youth_id in command.named else None
        events.append(ServiceDelivered(
            record_id=record_id(command.station_id, r.idempotency_key.strip()), station_id=command.station_id,
            station_kind=station.kind, district=station.district, service_type=r.service_type,
            delivered_at=r.delivered_at, delivered_on=beijing_date(r.delivered_at).isoformat(),
            registered=youth is not None, youth_id=None if health else youth))
    return events


EVENTS = (ServiceDelivered,)
