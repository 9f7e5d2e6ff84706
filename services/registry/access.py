"""Field-level access to personal data (docs/REGISTRY.md): who may read which fields, how they are shown
(masked or revealed), and the field names the audit records for a read."""
from __future__ import annotations

from datetime import date

from chassis.auth import Principal
from chassis.errors import Forbidden

from .domain.rules import CAMEL
from .identity import mask_id_number, mask_mobile

OPERATORS = ("admin", "registry_operator")
SCOPED_READERS = ("branch_secretary", "station_staff")
PROFILE = ("name", "gender", "birth_date", "mobile", "id_number", "wechat", "employer", "education", "needs")
OWN = PROFILE  # what a person sees of their own record (`me`): all of it, the ID number masked
EXPORTED = PROFILE + ("id_number_revealed",)  # an export (PIPL Art. 45): all of it, in full


def readable_fields(who: Principal, *, reveal_id: bool) -> tuple[str, ...]:
    """Operators see the profile (ID number masked unless revealed); branch secretaries and station staff
    see name and masked mobile; nobody else sees persons."""
    if who.has_any(*OPERATORS):
        return EXPORTED if reveal_id else PROFILE
    if who.has_any(*SCOPED_READERS):
        return ("name", "mobile_masked")
    raise Forbidden("当前角色无权查看个人信息（只能查看汇总数据）。", rule="role")


def personal_view(profile: dict, fields: tuple[str, ...]) -> dict:
    out = {}
    for f in fields:
        if f == "id_number":
            out["idNumber"] = profile.get("id_number") if "id_number_revealed" in fields \
                else mask_id_number(profile.get("id_number"))
        elif f == "mobile_masked":
            out["mobile"] = mask_mobile(profile.get("mobile"))
        elif f != "id_number_revealed":
            value = profile.get(f)
            out[CAMEL[f]] = value.isoformat() if isinstance(value, date) else value
    return out


def audited_fields(fields: tuple[str, ...]) -> list[str]:
    names = {"id_number_revealed": "idNumber(revealed)", "mobile_masked": "mobile(masked)",
             "id_number": "idNumber(masked)"}
    return [names.get(f, CAMEL.get(f, f)) for f in fields if not (f == "id_number" and
                                                                 "id_number_revealed" in fields)]
