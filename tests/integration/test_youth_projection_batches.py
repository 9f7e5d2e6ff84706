"""The gateway's youth projections set-based (`apply_batch`) give exactly the read model of `apply`, one
event at a time: the same mixed lifecycle (registered, profile-updated, deactivated, consent-given,
merged, erased, several events of one stream inside one batch, a stream continued in a later batch)
applied both ways, through the chassis' claims, on two real databases, and the tables compared."""
from __future__ import annotations

import uuid

from chassis.envelope import Envelope
from gateway.projections.youth import YouthProjection
from gateway.projections.youth_daily import YouthDailyProjection
from tests.integration.projection_replay import Streams, applied_three_ways, replay_pools

TABLES = {"youth": "youth_id", "youth_counts": "district, youth_type, subtype",
          "youth_daily": "registered_on, district, youth_type", "projection_streams": "projection, stream_id"}
pools = replay_pools("youth")


class Lifecycle(Streams):
    """Events of several youth streams, named by who they are about."""

    def __init__(self):
        super().__init__("/xinqing/registry")
        self.ids: dict[str, str] = {}

    def __call__(self, who: str, kind: str, **data) -> None:
        youth_id = self.ids.setdefault(who, str(uuid.uuid4()))
        super().__call__(f"youth-{youth_id}", f"xq.registry.youth.{kind}.v1", youth_id=youth_id, **data)

    def register(self, who: str, district: str, youth_type: str, subtype: str, on: str = "2026-11-02") -> None:
        self(who, "registered", district=district, youth_type=youth_type, subtype=subtype, is_minor=who == "minor",
             age_band="16-17" if who == "minor" else "23-28", registered_on=on, consents=["REGISTRATION"],
             league_age=True)


def mixed_lifecycle() -> list[Envelope]:
    e = Lifecycle()
    e.register("ana", "110105", "NEW_BUSINESS", "DELIVERY_RIDER")
    e.register("bo", "110105", "NEW_BUSINESS", "DELIVERY_RIDER", on="2026-11-03")
    e("ana", "profile-updated", changed=["district"], district="110108")          # moves her count
    e.register("cai", "110106", "ONLINE_CULTURE", "STREAMER")
    e("ana", "deactivated", reason="REGISTRATION consent withdrawn")              # leaves the counts
    e("ana", "profile-updated", changed=["subtype"], subtype="COURIER")           # while deactivated: no count
    e("bo", "merged", into_youth_id="ana")                                        # removed, count down
    e.register("minor", "110112", "INDEPENDENT_ART", "DESIGNER", on="2026-11-04")
    e("ana", "consent-given", purpose="SERVICE_RECORDS", notice_version="v1", channel="APP", given_on="2026-11-05")
    e("ana", "consent-given", purpose="REGISTRATION", notice_version="v1", channel="APP", given_on="2026-11-05")
    e("cai", "consent-withdrawn", purpose="SERVICE_RECORDS", withdrawn_on="2026-11-05")
    e("bo", "erased", erased_on="2026-11-06")                                     # already removed: nothing
    e("cai", "profile-updated", changed=["district"], district="110114")
    e.register("dan", "110105", "NEW_BUSINESS", "COURIER")
    e("cai", "profile-updated", changed=["district"], district="110106")          # back: 110114 counter at 0
    e("dan", "deactivated", reason="REGISTRATION consent withdrawn")
    e("minor", "league-age-ended")
    e("dan", "consent-given", purpose="REGISTRATION", notice_version="v2", channel="APP", given_on="2026-11-07")
    e("dan", "deactivated", reason="REGISTRATION consent withdrawn")
    e("cai", "profile-updated", changed=["youth_type", "subtype"], youth_type="NEW_BUSINESS", subtype="COURIER")
    e("minor", "erased", erased_on="2026-11-08")
    e.register("eve", "110101", "ONLINE_CULTURE", "STREAMER")
    e("ana", "profile-updated", changed=["mobile"])                               # personal only: nothing to do
    e("eve", "deactivated", reason="REGISTRATION consent withdrawn")
    e("eve", "erased", erased_on="2026-11-09")                                    # deactivated: no count down
    e.register("fay", "110102", "NEW_BUSINESS", "DELIVERY_RIDER")
    e("fay", "merged", into_youth_id="ana")
    e("cai", "deactivated", reason="REGISTRATION consent withdrawn")
    e("cai", "consent-given", purpose="REGISTRATION", notice_version="v2", channel="APP", given_on="2026-11-10")
    return e.events


async def test_set_based_batches_build_exactly_the_read_model_of_one_event_at_a_time(pools, settings):
    events = mixed_lifecycle()
    projections = [YouthProjection(settings), YouthDailyProjection(settings)]
    # several events of one stream in a batch, and streams continued from rows of an earlier batch
    expected = await applied_three_ways(pools, projections, events, [5, 1, 9, 3, len(events) - 18], TABLES)

    # ...and that read model is the right one, not merely the same twice
    youth = {r["youth_id"]: r for r in expected["youth"]}
    assert len(youth) == 3  # ana, cai, dan; bo, fay merged away, the minor and eve erased
    statuses = sorted((r["district"], r["youth_type"], r["subtype"], r["status"]) for r in youth.values())
    assert statuses == [("110105", "NEW_BUSINESS", "COURIER", "DEACTIVATED"),   # dan
                        ("110106", "NEW_BUSINESS", "COURIER", "ACTIVE"),        # cai
                        ("110108", "NEW_BUSINESS", "COURIER", "ACTIVE")]        # ana
    counts = {(r["district"], r["youth_type"], r["subtype"]): r["count"] for r in expected["youth_counts"]}
    assert {k: n for k, n in counts.items() if n} == {("110106", "NEW_BUSINESS", "COURIER"): 1,
                                                      ("110108", "NEW_BUSINESS", "COURIER"): 1}
    assert counts[("110114", "ONLINE_CULTURE", "STREAMER")] == 0  # touched, back to zero: the row stays
    daily = {(str(r["registered_on"]), r["district"]): r["count"] for r in expected["youth_daily"]}
    assert sum(daily.values()) == 7 and daily[("2026-11-03", "110105")] == 1
    assert len(expected["projection_streams"]) == 2 * 7
