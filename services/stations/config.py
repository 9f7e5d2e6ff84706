"""The stations service's own settings (XQ_APPEAL_* environment variables), beside chassis.Settings.

XQ_APPEAL_DEADLINES='{"EMERGENCY": ["2h", "2h"], "GENERAL": ["24h", "7d"]}' overrides (contact,
resolve) per tier; tiers not named keep their defaults (domain.appeal.DEFAULT_DEADLINES).
XQ_CASE_DEADLINES='{"URGENT": ["2h", "2d"], "HOUSING/NORMAL": ["8h", "20d"]}' overrides the cases' (first
response, resolution) per urgency, or per CATEGORY/URGENCY for one category (domain.case.DEFAULT_DEADLINES).
"""
from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.stations import CaseCategory, CaseUrgency

from .domain import case
from .domain.appeal import DEFAULT_DEADLINES, Tier, Window


class StationsConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XQ_APPEAL_", extra="ignore")

    deadlines: dict[str, tuple[str, str]] = Field(default_factory=dict,
                                                  description="tier → (contact, resolve), e.g. [\"2h\", \"7d\"]")
    overdue_scan_seconds: float = Field(60.0, description="how often the overdue marking runs")
    case_deadlines: dict[str, tuple[str, str]] = Field(
        default_factory=dict, validation_alias=AliasChoices("case_deadlines", "XQ_CASE_DEADLINES"),
        description="urgency or CATEGORY/URGENCY → (first response, resolution), e.g. [\"4h\", \"3d\"]")

    @field_validator("deadlines")
    @classmethod
    def _known(cls, value: dict) -> dict:
        for tier, (contact, resolve) in value.items():
            if tier not in Tier.__members__:
                raise ValueError(f"unknown tier {tier}; known: {', '.join(Tier)}")
            Window.parse(contact), Window.parse(resolve)
        return value

    @field_validator("case_deadlines")
    @classmethod
    def _known_case_keys(cls, value: dict) -> dict:
        for key, (first, resolve) in value.items():
            category, _, urgency = key.rpartition("/")
            if urgency not in CaseUrgency.__members__ or (category and category not in CaseCategory.__members__):
                raise ValueError(f"unknown case deadline key {key}: expected URGENCY or CATEGORY/URGENCY")
            Window.parse(first), Window.parse(resolve)
        return value

    def case_deadline_windows(self) -> dict[str, tuple[Window, Window]]:
        merged = {str(k): v for k, v in case.DEFAULT_DEADLINES.items()}
        for key, (first, resolve) in self.case_deadlines.items():
            merged[key] = (Window.parse(first), Window.parse(resolve))
        return merged

    def tier_deadlines(self) -> dict[str, tuple[Window, Window]]:
        merged = dict(DEFAULT_DEADLINES)
        for tier, (contact, resolve) in self.deadlines.items():
            merged[Tier(tier)] = (Window.parse(contact), Window.parse(resolve))
        return {str(k): v for k, v in merged.items()}
