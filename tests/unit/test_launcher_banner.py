"""The `xinqing up` banner: development links for the dashboard (admin) and the mobile page (a youth)."""
from __future__ import annotations

import re

from chassis.auth import issue_token
from tests.unit.test_chassis_units import PRIVATE, SETTINGS, VERIFIER
from xinqing.launcher.stack import banner


def test_the_banner_links_the_mobile_page_signed_in_as_a_youth():
    admin = issue_token(PRIVATE, SETTINGS, roles=["admin"], subject="dev-admin")
    youth = issue_token(PRIVATE, SETTINGS, roles=["youth"], subject="dev-rider-1")
    text = banner(SETTINGS, admin, youth)
    base = f"http://{SETTINGS.host}:{SETTINGS.gateway_port}"
    assert f"{base}/#token={admin}" in text
    linked = re.search(re.escape(f"{base}/m/#token=") + r"(\S+)", text)
    assert linked and linked.group(1) == youth
    assert VERIFIER.verify("Bearer " + linked.group(1)).is_youth
