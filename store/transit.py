"""How long shipments take: transit allowances by shipping option and carrier, as data
(`transit.json`, with its sources)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import msgspec


class Allowance(msgspec.Struct, frozen=True):
    """Days from the ship date to the earliest and the latest plausible delivery."""

    key: str
    label: str
    earliest: int
    latest: int
    travels: bool = True  # False: nothing is carried (an email), so nothing can be refused


class Transit(msgspec.Struct, frozen=True):
    allowances: dict[str, Allowance]
    options: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    digital_carriers: frozenset[str]
    websites: dict[str, str]
    sources: tuple[dict[str, str], ...] = ()

    @property
    def unknown(self) -> Allowance:
        return self.allowances["unknown"]

    def knows(self, option: str) -> bool:
        """Whether a shipping option is one unship has an allowance for."""
        key = _key(option)
        return bool(key) and (key in self.options or any(p.search(key) for p, _ in self.patterns))

    def allowance(self, option: str = "", carrier: str = "", website: str = "") -> Allowance:
        """The allowance for a shipment; the widest one when nothing says which applies."""
        if _key(carrier) in self.digital_carriers:
            return self.allowances["digital"]
        key = _key(option)
        if key:
            if key in self.options:
                return self.allowances[self.options[key]]
            for pattern, name in self.patterns:
                if pattern.search(key):
                    return self.allowances[name]
        site = self.websites.get(_key(website))
        return self.allowances[site] if site else self.unknown


def _key(text: str) -> str:
    return " ".join((text or "").strip().lower().split())


def build(data: dict[str, Any]) -> Transit:
    allowances = {
        key: Allowance(
            key,
            value["label"],
            int(value["days"][0]),
            int(value["days"][1]),
            bool(value.get("travels", True)),
        )
        for key, value in data["allowances"].items()
    }
    for key in ("unknown", "digital"):
        if key not in allowances:
            raise ValueError(f"transit data must have a {key!r} allowance")
    for allowance in allowances.values():
        if not 0 <= allowance.earliest <= allowance.latest:
            raise ValueError(f"transit allowance {allowance.key!r}: days must be 0 <= a <= b")
    names = set(allowances)
    options = {_key(k): v for k, v in data.get("options", {}).items()}
    patterns = tuple((re.compile(p), name) for p, name in data.get("patterns", ()))
    websites = {_key(k): v for k, v in data.get("websites", {}).items()}
    for name in [*options.values(), *(n for _, n in patterns), *websites.values()]:
        if name not in names:
            raise ValueError(f"transit data names an unknown allowance {name!r}")
    return Transit(
        allowances,
        options,
        patterns,
        frozenset(_key(c) for c in data.get("digital_carriers", ())),
        websites,
        tuple(data.get("sources", ())),
    )


@cache
def default_transit() -> Transit:
    return build(msgspec.json.decode(Path(__file__).with_name("transit.json").read_bytes()))
