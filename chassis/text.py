"""The one rule for text in every field: blank text or text holding control characters is bad input.

Applied by `chassis.http.ApiModel` to every string of every request body, by the gateway to every String
argument (gateway/ids.py), and by the domain checks that take text from elsewhere (feeds, seeds).

What counts as a control character (decided here, once):
- Unicode category Cc (C0/C1 controls: NUL, escape, form feed, DEL, …) — invisible, and they break logs,
  CSV exports and terminals;
- Cs, lone surrogates (JSON "\\ud800" decodes to one) — not text at all, PostgreSQL refuses them;
- the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) — they make text
  read differently from what it holds ("Trojan Source"). The rest of Cf stays allowed: the zero-width
  joiner builds emoji (🚴‍♀️) and tag characters build flags; they change no reading order;
- U+2028/U+2029 (line/paragraph separator) count as line breaks.
Line breaks and tabs (\\n, \\r, \\t, U+2028, U+2029) are allowed only in the multi-line free-text fields
named in MULTILINE (case summaries, notes, comments, stories, decision/measure texts — typed in a textarea); in a
name, an address or a code they are refused.
Blank = nothing visible: empty, or only whitespace (Python's str.isspace: includes the ideographic space
U+3000) and invisible characters: zero-width spaces and joiners, the byte-order mark, the soft hyphen,
direction marks, and the fillers that render as nothing (Hangul fillers, the blank Braille pattern). Each
may stand inside text (an emoji's joiner, a mark between scripts); text of nothing else is no name, no
title, no summary. An absent optional field (None) is fine; "" or "   " is not — omit the field instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Multi-line free text, by the field's camelCase name (the same name in the HTTP bodies and the GraphQL
# arguments): the case summary typed in a textarea, progress notes, rating comments, decision/action texts.
MULTILINE = frozenset({"summary", "note", "comment", "text", "story"})

_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
# Whitespace, and the characters that show nothing: a value made of these alone is blank. A full match stops at
# the first visible character, so ordinary text costs one step.
_NOTHING_VISIBLE = re.compile("[\\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064"
                              "\u206a-\u206f\u2800\u3164\ufeff\uffa0]*")
_CONTROL = {False: re.compile(f"[{_ALWAYS}\t\n\r\u2028\u2029]"), True: re.compile(f"[{_ALWAYS}]")}


@dataclass(frozen=True)
class TextFault:
    rule: str  # "blank" | "control"
    message: str  # 简体中文, names no value (the value may be personal data)


BLANK = TextFault("blank", "不能为空或只含空白、不可见字符")
CONTROL = TextFault("control", "不能包含控制字符（如换页、转义、双向文本控制符等不可见字符）")
CONTROL_SINGLE_LINE = TextFault("control", "不能包含换行、制表符或其他控制字符")


def text_fault(value: str, *, multiline: bool = False) -> TextFault | None:
    """Why `value` is bad text (blank / control), or None when it is fine."""
    if _NOTHING_VISIBLE.fullmatch(value):
        return BLANK
    if _CONTROL[multiline].search(value):
        return CONTROL if multiline or _CONTROL[True].search(value) else CONTROL_SINGLE_LINE
    return None


def is_multiline(field: str) -> bool:
    """Whether the field (camelCase name, or a dotted path ending in it) holds multi-line free text."""
    return field.rsplit(".", 1)[-1] in MULTILINE
