"""What a partner agency may receive: pure rules, no IO.

Given the agreements, the consent view of one person and one internal registry event, `react`
(person.py) answers the partner messages to publish and the person's next view. The rules:
- only agencies whose consent purpose (`SHARE_WITH_AGENCY:<agency>`) the person has given, while the
  person is registered, active and not erased;
- only the message types the agreement names, and in them only the fields it allows (a field that is
  not in the agreement never leaves, whatever the internal event carries);
- the subject is a pseudonym per agency (HMAC of the youth id under the agency's own key), so two
  agencies cannot join their data, and the internal youth id never leaves (pseudonyms.py);
- consent withdrawn (or registration deactivated) → that agency gets `consent-withdrawn` once, then
  nothing until consent is given again; erased → every agency that ever received the person gets
  `erased`, then nothing, ever.
Every data message carries the person's full allowed profile (a snapshot), so a compacted partner
topic still gives a consistent picture when an agency re-reads it from the beginning.
"""
from __future__ import annotations

from .agreement import ENDINGS, PARTNER_TYPES, SHAREABLE, Agreement
from .person import FOLLOWED, PartnerMessage, Person, evolve, react
from .pseudonyms import Pseudonymiser

__all__ = ["ENDINGS", "FOLLOWED", "PARTNER_TYPES", "SHAREABLE", "Agreement", "PartnerMessage", "Person",
           "Pseudonymiser", "evolve", "react"]
