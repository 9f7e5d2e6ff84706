"""What an agency is sent after a restore, per key (xinqing/backups/agencies.py): given the highest version on
its topic, the restored store's latest message and what the ledger says, when the restore runs, then …"""
from __future__ import annotations

from datetime import UTC, date, datetime

from chassis.erasure_ledger import ERASED, SHARING_GIVEN, SHARING_WITHDRAWN, Entry
from chassis.pseudonyms import Pseudonymiser
from contracts.partners import PartnerYouthMessages as Youth
from contracts.partners import ReferralMessages as Referral
from contracts.registry import REGISTRATION
from xinqing.backups.agencies import REFERRALS, YOUTH, Stored, notice, youth_ledger

TODAY, EARLIER = date(2026, 12, 3), date(2026, 12, 1)
REGISTERED = Stored(1, Youth.REGISTERED, {"subject_id": "s", "district": "110105"})


def test_a_key_the_topic_is_not_ahead_on_gets_nothing():
    assert notice(YOUTH, "s", 1, REGISTERED, None, TODAY) is None
    assert notice(YOUTH, "s", 1, REGISTERED, (ERASED, EARLIER), TODAY) is None  # the projection tells it


def test_a_registration_shared_after_the_recovery_point_is_withdrawn_on_the_day_of_the_restore():
    assert notice(YOUTH, "s", 1, None, None, TODAY) == (Youth.CONSENT_WITHDRAWN,
                                                       {"subject_id": "s", "withdrawn_on": "2026-12-03"})


def test_a_referral_made_after_the_recovery_point_is_withdrawn():
    assert notice(REFERRALS, "hrss-ab", 2, None, None, TODAY) == (Referral.WITHDRAWN,
                                                                  {"case_ref": "hrss-ab", "withdrawn_on": "2026-12-03"})


def test_a_rolled_back_update_is_undone_by_the_restored_latest_message_again():
    assert notice(YOUTH, "s", 3, REGISTERED, None, TODAY) == (Youth.REGISTERED, dict(REGISTERED.data))


def test_the_ledger_wins_over_the_restored_store():
    assert notice(YOUTH, "s", 2, REGISTERED, (ERASED, EARLIER), TODAY) == (
        Youth.ERASED, {"subject_id": "s", "erased_on": "2026-12-01"})
    assert notice(REFERRALS, "c", 2, None, (ERASED, EARLIER), TODAY) == (
        Referral.ERASED, {"case_ref": "c", "erased_on": "2026-12-01"})
    assert notice(YOUTH, "s", 2, REGISTERED, (SHARING_WITHDRAWN, EARLIER), TODAY) == (
        Youth.CONSENT_WITHDRAWN, {"subject_id": "s", "withdrawn_on": "2026-12-01"})


def test_the_ledger_per_subject_keeps_erasures_and_a_last_withdrawal_of_the_agency_purpose():
    p = Pseudonymiser(b"k" * 32)
    hrss = "SHARE_WITH_AGENCY:HRSS"

    def at(day: int) -> datetime:
        return datetime(2026, 12, day, 2, tzinfo=UTC)
    entries = [Entry(at(1), SHARING_WITHDRAWN, "a", hrss), Entry(at(1), SHARING_WITHDRAWN, "b", hrss),
               Entry(at(2), SHARING_GIVEN, "b", hrss), Entry(at(1), ERASED, "c"),
               Entry(at(2), SHARING_GIVEN, "c", hrss), Entry(at(1), SHARING_WITHDRAWN, "d", "SHARE_WITH_AGENCY:JUSTICE"),
               # the registration withdrawn (the record deactivated) stops every agency's sharing, until given again
               Entry(at(3), SHARING_WITHDRAWN, "e", REGISTRATION), Entry(at(1), SHARING_WITHDRAWN, "f", REGISTRATION),
               Entry(at(2), SHARING_GIVEN, "f", REGISTRATION)]
    assert youth_ledger(entries, p, "HRSS", hrss) == {
        p.subject("HRSS", "a"): (SHARING_WITHDRAWN, date(2026, 12, 1)),
        p.subject("HRSS", "c"): (ERASED, date(2026, 12, 1)),
        p.subject("HRSS", "e"): (SHARING_WITHDRAWN, date(2026, 12, 3))}
