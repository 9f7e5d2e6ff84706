"""The partner agencies the stack may share with (code → name). An agency joins by an entry here, a
data-sharing agreement in deploy/contracts/agreements/ and its Kafka principal."""
from __future__ import annotations

AGENCIES: dict[str, str] = {
    "HRSS": "人力社保局",
    "JUSTICE": "司法局",
    "UNION": "总工会",
    "WOMEN": "妇联",
    "GOVSERVICE": "政务服务局",
}
