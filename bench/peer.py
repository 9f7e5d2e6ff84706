"""The peer: the Python `eventsourcing` library's PostgreSQL application recorder (psycopg 3, a
connection pool, pipelined inserts, a table lock for gap-free notification ids), appending the same
event for a new aggregate in one transaction. It is synchronous, so it runs on `concurrency` threads."""
from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import orjson
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

from .workloads import payload_json

EVENT_TOPIC = "services.registry.domain.events:YouthRegistered"


class EventsourcingPeer:
    def __init__(self, host: str, port: int, user: str, database: str, concurrency: int):
        self.datastore = PostgresDatastore(dbname=database, host=host, port=port, user=user, password="",
                                           pool_size=concurrency, max_overflow=0)
        self.recorder = PostgresApplicationRecorder(self.datastore, events_table_name="stored_events")
        self.recorder.create_table()
        self.state = orjson.dumps(orjson.loads(payload_json()))
        self.executor = ThreadPoolExecutor(concurrency, thread_name_prefix="eventsourcing")

    def _append(self, _: int) -> None:
        self.recorder.insert_events([StoredEvent(originator_id=uuid.uuid4(), originator_version=1,
                                                 topic=EVENT_TOPIC, state=self.state)])

    async def append(self, i: int) -> None:
        await asyncio.get_running_loop().run_in_executor(self.executor, self._append, i)

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self.datastore.close()
