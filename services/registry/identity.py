"""Value rules for identifiers and ages (DOMAIN.md, "Validation rules"): pure functions, no IO."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

_ID = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(raw: str | None) -> str | None:
    """Mainland mobile → E.164 (+8613800138000); None when it is not one."""
    digits = re.sub(r"[\s-]", "", raw or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
            break
    return f"+86{digits}" if _MOBILE.match(digits) else None


def normalize_id_number(raw: str | None) -> str:
    """Trim spaces, store the check character X upper-case."""
    return re.sub(r"\s", "", raw or "").upper()


def id_check_char(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def id_number_problem(number: str, birth_date: date | None, gender: str | None) -> tuple[str, str] | None:
    """GB 11643-1999: None when valid, else (rule, 中文 message). `number` is already normalised."""
    if not _ID.match(number):
        return "format", "身份证号应为 18 位：前 17 位数字，最后一位为数字或 X"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth_date", "身份证号第 7–14 位不是有效的出生日期"
    if id_check_char(number[:17]) != number[17]:
        return "check_digit", "身份证号校验位不正确，请核对号码"
    if birth_date is not None and born != birth_date:
        # The date is not repeated: error messages reach screens, logs and the import's error file.
        return "birth_date_mismatch", "身份证号中的出生日期（第 7–14 位）与填写的出生日期不一致"
    if gender is not None and ("MALE" if int(number[16]) % 2 else "FEMALE") != gender:
        return "gender_mismatch", "身份证号第 17 位（奇数为男、偶数为女）与填写的性别不一致"
    return None


def mask_id_number(number: str | None) -> str | None:
    """110105********002X: area code and the last four stay, the birth date is hidden."""
    return None if not number else number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_mobile(e164: str | None) -> str | None:
    """+86138****8000"""
    return None if not e164 else e164[:-8] + "****" + e164[-4:]


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(age: int) -> str:
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return "other"


AGE_BANDS = ((16, 17), (18, 22), (23, 28), (29, 35))


def birthday(birth: date, years: int) -> date:
    """The day `years` old is reached; 29 February birthdays fall on 1 March in common years."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def league_age(birth: date) -> tuple[date, date]:
    """League membership age 14–28: from the 14th birthday to the day before the 29th."""
    return birthday(birth, 14), birthday(birth, 29) - timedelta(days=1)


def clean_text(raw: str | None) -> str:
    return unicodedata.normalize("NFC", (raw or "").strip())


def normalize_employer(raw: str) -> str:
    """For the employer blind index: full-width → half-width, case and spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).casefold()
