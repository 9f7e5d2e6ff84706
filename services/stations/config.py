"""The stations service's own settings (XQ_APPEAL_* environment variables), beside chassis.Settings.

XQ_APPEAL_DEADLINES='{"EMERGENCY": ["2h", "2h"], "GENERAL": ["24h", "7d"]}' overrides (contact,
resolve) per tier; tiers not named keep their defaults (domain.appeal.DEFAULT_DEADLINES).
"""
from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain.appeal import DEFAULT_DEADLINES, Tier, Window


class StationsConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XQ_APPEAL_", extra="ignore")

    deadlines: dict[str, tuple[str, str]] = Field(default_factory=dict,
                                                  description="tier → (contact, resolve), e.g. [\"2h\", \"7d\"]")
    overdue_scan_seconds: float = Field(60.0, description="how often the overdue marking runs")

    @field_validator("deadlines")
    @classmethod
    def _known(cls, value: dict) -> dict:
        for tier, (contact, resolve) in value.items():
            if tier not in Tier.__members__:
                raise ValueError(f"unknown tier {tier}; known: {', '.join(Tier)}")
            Window.parse(contact), Window.parse(resolve)
        return value

    def tier_deadlines(self) -> dict[str, tuple[Window, Window]]:
        merged = dict(DEFAULT_DEADLINES)
        for tier, (contact, resolve) in self.deadlines.items():
            merged[Tier(tier)] = (Window.parse(contact), Window.parse(resolve))
        return {str(k): v for k, v in merged.items()}
