"""The append workload every contender runs: one new youth stream with its registered event, and the
record that publishes it, in one transaction. Same payload, same column shapes, same concurrency."""
from __future__ import annotations

import uuid
from datetime import date

import httpx
import orjson

from services.registry.domain.events import YouthRegistered, codec

TOPIC = "xq.registry.youth"
DISTRICTS = ("110105", "110108", "110106", "110112", "110114", "110115", "110101", "110102")
KINDS = (("NEW_BUSINESS", "DELIVERY_RIDER"), ("NEW_BUSINESS", "COURIER"), ("ONLINE_CULTURE", "STREAMER"),
         ("INDEPENDENT_ART", "DESIGNER"))


def registered(i: int, youth_id: str | None = None) -> YouthRegistered:
    """The public part of a registration (what is stored in `data` and published)."""
    youth_type, subtype = KINDS[i % len(KINDS)]
    return YouthRegistered(
        youth_id=youth_id or str(uuid.uuid4()), district=DISTRICTS[i % len(DISTRICTS)], youth_type=youth_type,
        subtype=subtype, is_minor=False, age_band="23-28", registered_on=date(2026, 11, 29),
        consents=["REGISTRATION", "SERVICE_RECORDS"])


def payload_json(i: int = 0) -> str:
    _, public, _ = codec.encode(registered(i, "00000000-0000-0000-0000-000000000000"))
    return orjson.dumps(public).decode()


def registration_body(i: int, run: int) -> dict:
    """A registry HTTP request body; the mobile is unique per (run, i), so no request is a duplicate."""
    youth_type, subtype = KINDS[i % len(KINDS)]
    return {"name": "测试青年", "gender": "MALE" if i % 2 else "FEMALE", "birthDate": "1998-05-17",
            "mobile": f"19{run % 10}{i:08d}", "district": DISTRICTS[i % len(DISTRICTS)],
            "youthType": youth_type, "subtype": subtype, "consents": ["REGISTRATION", "SERVICE_RECORDS"]}


async def register(client: httpx.AsyncClient, i: int, run: int) -> httpx.Response:
    """POST /youth with `registration_body(i, run)`; anything but 201 stops the measurement."""
    r = await client.post("/youth", json=registration_body(i, run))
    if r.status_code != 201:
        raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
    return r


REGISTER_MUTATION = ("mutation Register($input: RegisterYouthInput!) "
                     "{ registerYouth(input: $input) { id version position } }")


async def register_graphql(client: httpx.AsyncClient, i: int, run: int) -> dict:
    """The same registration as `register`, as the gateway's `registerYouth` mutation (a client of the
    gateway); an answer with errors stops the measurement. -> the CommandResult."""
    body = orjson.dumps({"query": REGISTER_MUTATION, "variables": {"input": registration_body(i, run)}})
    r = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
    answer = orjson.loads(r.content) if r.status_code == 200 else {}
    if "errors" in answer or "data" not in answer:
        raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
    return answer["data"]["registerYouth"]
