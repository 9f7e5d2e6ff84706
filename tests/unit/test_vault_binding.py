"""Sealed data is bound to its place (issue 15): the AES-GCM associated data names the person and the place
(an event's type and id, or the search card), so a blob opens only where it was sealed. Format 1 blobs,
sealed before the binding, name the person only and still open."""
from __future__ import annotations

import os
import uuid

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chassis.vault import CARD, FORMAT, FORMAT_PERSON, event_place, open_by, seal_by

CIPHER = AESGCM(AESGCM.generate_key(256))
PERSON = f"youth-{uuid.uuid4()}"
HERE = event_place("xq.registry.youth.registered.v1", uuid.uuid4())


def test_a_blob_opens_at_its_own_place():
    sealed = seal_by(CIPHER, PERSON, HERE, b"name")
    assert sealed[:1] == FORMAT and open_by(CIPHER, PERSON, HERE, sealed) == b"name"


@pytest.mark.parametrize("subject, place", [
    (PERSON, event_place("xq.registry.youth.registered.v1", uuid.uuid4())),  # another event, same type
    (PERSON, event_place("xq.registry.youth.profile-updated.v1", HERE.rsplit(":", 1)[1])),  # same id, other type
    (PERSON, CARD),  # the person's search card
    (f"youth-{uuid.uuid4()}", HERE),  # another person
])
def test_a_blob_copied_elsewhere_does_not_open(subject, place):
    with pytest.raises(InvalidTag):
        open_by(CIPHER, subject, place, seal_by(CIPHER, PERSON, HERE, b"name"))


def test_relabelling_a_blob_as_the_old_format_does_not_open_it_anywhere():
    sealed = seal_by(CIPHER, PERSON, HERE, b"name")
    with pytest.raises(InvalidTag):
        open_by(CIPHER, PERSON, HERE, FORMAT_PERSON + sealed[1:])


def test_data_sealed_before_the_binding_still_opens():
    nonce = os.urandom(12)
    old = FORMAT_PERSON + nonce + CIPHER.encrypt(nonce, b"name", PERSON.encode())
    assert open_by(CIPHER, PERSON, HERE, old) == b"name" and open_by(CIPHER, PERSON, CARD, old) == b"name"
    with pytest.raises(InvalidTag):
        open_by(CIPHER, f"youth-{uuid.uuid4()}", HERE, old)  # still bound to its person


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        open_by(CIPHER, PERSON, HERE, b"\x07" + seal_by(CIPHER, PERSON, HERE, b"name")[1:])
