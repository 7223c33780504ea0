"""Retailer policies, loaded from data: the file shipped with unship, merged with the
user's own `policies.json` in the config folder."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .paths import config_dir


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class CategoryRule:
    returnable: bool = True
    why: str = ""
    return_window_days: int | None = None


@dataclass(frozen=True)
class HolidayExtension:
    shipped_from: date
    shipped_until: date
    return_by: date


@dataclass(frozen=True)
class Policy:
    key: str
    name: str
    return_window_days: int
    refund_within_days: int
    cancel_steps: tuple[str, ...]
    cancel_steps_third_party: tuple[str, ...]
    refuse_steps: tuple[str, ...]
    return_steps: tuple[str, ...]
    unopened_steps: tuple[str, ...]
    return_cost_note: str
    refund_note: str = ""
    order_url: str = ""
    order_number_pattern: str = ""
    aliases: tuple[str, ...] = ()
    categories: dict[str, CategoryRule] = field(default_factory=dict)
    holiday_extensions: tuple[HolidayExtension, ...] = ()
    sources: tuple[dict[str, str], ...] = ()

    def rule_for(self, category: str) -> CategoryRule:
        return self.categories.get(category, CategoryRule())

    def return_by(self, category: str, delivered: date, shipped: date | None) -> date:
        """The last day a delivered item can be returned."""
        rule = self.rule_for(category)
        days = rule.return_window_days or self.return_window_days
        last = delivered + timedelta(days=days)
        when_shipped = shipped or delivered
        for ext in self.holiday_extensions:
            if ext.shipped_from <= when_shipped <= ext.shipped_until:
                last = max(last, ext.return_by)
        return last

    def order_link(self, order_number: str) -> str:
        return self.order_url.format(order_number=order_number) if self.order_url else ""

    def order_number_looks_right(self, order_number: str) -> bool:
        return not self.order_number_pattern or bool(
            re.match(self.order_number_pattern, order_number)
        )


@dataclass(frozen=True)
class Carrier:
    key: str
    name: str
    tracking_url: str
    aliases: tuple[str, ...] = ()

    def link(self, tracking: str) -> str:
        return self.tracking_url.format(tracking=tracking) if tracking else ""


@dataclass(frozen=True)
class PolicyBook:
    retailers: dict[str, Policy]
    carriers: dict[str, Carrier]
    category_aliases: dict[str, str]
    user_file: Path | None = None

    def retailer(self, name: str) -> Policy:
        """The policy for a retailer name as typed ('Amazon.ca', 'best buy'); 'other' if unknown."""
        key = _key(name)
        if key in self.retailers:
            return self.retailers[key]
        for policy in self.retailers.values():
            if key in (_key(a) for a in policy.aliases) or key == _key(policy.name):
                return policy
        return self.retailers["other"]

    def retailer_key(self, name: str) -> str:
        policy = self.retailer(name)
        return policy.key if policy.key != "other" or _key(name) == "other" else _key(name)

    def category(self, name: str) -> str:
        key = " ".join(
            (name or "general").strip().lower().replace("-", " ").replace("_", " ").split()
        )
        return self.category_aliases.get(key, key.replace(" ", "-")) or "general"

    def carrier(self, name: str) -> Carrier | None:
        key = _key(name)
        if not key:
            return None
        if key in self.carriers:
            return self.carriers[key]
        for carrier in self.carriers.values():
            if key in (_key(a) for a in carrier.aliases) or key == _key(carrier.name):
                return carrier
        return None


def _key(name: str) -> str:
    return " ".join((name or "").strip().lower().split())


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _policy(key: str, data: dict[str, Any]) -> Policy:
    try:
        return Policy(
            key=key,
            name=data.get("name", key.title()),
            return_window_days=int(data["return_window_days"]),
            refund_within_days=int(data.get("refund_within_days", 14)),
            cancel_steps=tuple(data.get("cancel_steps", ())),
            cancel_steps_third_party=tuple(
                data.get("cancel_steps_third_party", data.get("cancel_steps", ()))
            ),
            refuse_steps=tuple(data.get("refuse_steps", ())),
            return_steps=tuple(data.get("return_steps", ())),
            unopened_steps=tuple(data.get("unopened_steps", ())),
            return_cost_note=data.get("return_cost_note", ""),
            refund_note=data.get("refund_note", ""),
            order_url=data.get("order_url", ""),
            order_number_pattern=data.get("order_number_pattern", ""),
            aliases=tuple(data.get("aliases", ())),
            categories={
                name: CategoryRule(
                    returnable=bool(rule.get("returnable", True)),
                    why=rule.get("why", ""),
                    return_window_days=rule.get("return_window_days"),
                )
                for name, rule in data.get("categories", {}).items()
            },
            holiday_extensions=tuple(
                HolidayExtension(
                    date.fromisoformat(ext["shipped_from"]),
                    date.fromisoformat(ext["shipped_until"]),
                    date.fromisoformat(ext["return_by"]),
                )
                for ext in data.get("holiday_extensions", ())
            ),
            sources=tuple(data.get("sources", ())),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PolicyError(f"retailer {key!r}: bad or missing {error}") from None


def build(data: dict[str, Any], user_file: Path | None = None) -> PolicyBook:
    retailers = {key: _policy(key, value) for key, value in data.get("retailers", {}).items()}
    if "other" not in retailers:
        raise PolicyError("the policies must have an 'other' retailer")
    carriers = {
        key: Carrier(
            key, value["name"], value.get("tracking_url", ""), tuple(value.get("aliases", ()))
        )
        for key, value in data.get("carriers", {}).items()
    }
    return PolicyBook(retailers, carriers, dict(data.get("category_aliases", {})), user_file)


def shipped_data() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("policies.json").read_text("utf-8"))


def load(user_file: Path | None = None) -> PolicyBook:
    """The shipped policies merged with the user's file (if there is one)."""
    data = shipped_data()
    path = user_file if user_file is not None else config_dir() / "policies.json"
    if path.exists():
        try:
            override = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise PolicyError(f"can't read your policies file {path}: {error}") from None
        if not isinstance(override, dict):
            raise PolicyError(f"your policies file {path} must hold a JSON object")
        data = _merge(data, override)
        return build(data, path)
    return build(data)


@cache
def default_book() -> PolicyBook:
    return load()
