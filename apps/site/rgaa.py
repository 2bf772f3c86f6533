"""The status an accessibility declaration gives a site, from its last RGAA audit, as the
RGAA's own rules say: no audit recorded, or under 50 % of the criteria met, « non conforme »;
from 50 %, « partiellement conforme »; 100 %, « totalement conforme »."""

from __future__ import annotations

from dataclasses import dataclass

PARTIAL_FROM = 50


@dataclass(frozen=True)
class Status:
    label: str  # « partiellement conforme »
    audited: bool


def status(rate: int | None) -> Status:
    if rate is None:
        return Status("non conforme", audited=False)
    if rate >= 100:
        return Status("totalement conforme", audited=True)
    if rate >= PARTIAL_FROM:
        return Status("partiellement conforme", audited=True)
    return Status("non conforme", audited=True)
