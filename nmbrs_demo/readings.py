"""Named readings: how the demo answers where the facts about the real Nmbrs are uncertain.

Where the facts files list an open question (what a missing scope's 403 looks like, how long a
document task stays pending, …) the demo can answer each plausible way. Each way is a *reading*
with a name and a fixed set of values; the default is the strictest for a client, so code that
passes against the default does not lean on a lucky guess. They are chosen per server with
``--reading name=value`` (repeatable) or ``start_*_server(readings={...})``.

A reading belongs to one API (``soap`` or ``rest``); the registry is shared so both demos parse
``--reading`` the same way and reject a name that belongs to neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from nmbrs_client.errors import ConfigError


class Api(StrEnum):
    SOAP = "soap"
    REST = "rest"


@dataclass(frozen=True)
class Reading:
    """One open question and the answers the demo can give; ``choices[0]`` is the default."""

    name: str
    api: Api
    question: str
    choices: tuple[str, ...]
    why_default: str

    @property
    def default(self) -> str:
        return self.choices[0]


REGISTRY: dict[str, Reading] = {}


def register(*readings: Reading) -> None:
    """Add readings to the shared registry (each demo registers its own at import)."""
    for reading in readings:
        if reading.name in REGISTRY and REGISTRY[reading.name] != reading:
            raise ValueError(f"reading {reading.name!r} registered twice with different meanings")
        if not reading.choices:
            raise ValueError(f"reading {reading.name!r} has no choices")
        REGISTRY[reading.name] = reading


# Modules that register readings when imported (light: no server code in them).
READING_MODULES = ("nmbrs_demo.rest.readings",)


def load_builtin_readings() -> None:
    import importlib

    for module in READING_MODULES:
        importlib.import_module(module)


def readings_for(api: Api) -> list[Reading]:
    load_builtin_readings()
    return [r for r in REGISTRY.values() if r.api is api]


class Readings(Mapping[str, str]):
    """The chosen value of every reading of one API (defaults filled in), read-only."""

    def __init__(self, api: Api, chosen: Mapping[str, str] | None = None) -> None:
        self.api = api
        values = {r.name: r.default for r in readings_for(api)}
        for name, value in (chosen or {}).items():
            reading = REGISTRY.get(name)
            if reading is None:
                known = ", ".join(sorted(values)) or "none"
                raise ConfigError(
                    f"Unknown reading {name!r}.", hint=f"Readings of the {api} demo: {known}."
                )
            if reading.api is not api:
                # A reading of the other API: harmless, the other demo uses it.
                continue
            if value not in reading.choices:
                raise ConfigError(
                    f"Reading {name!r} cannot be {value!r}.",
                    hint=f"Choose one of: {', '.join(reading.choices)}.",
                )
            values[name] = value
        self._values = values

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def is_default(self, name: str) -> bool:
        return self._values[name] == REGISTRY[name].default

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if not self.is_default(k)}
        return f"Readings({self.api}, {changed})"


def parse_reading_args(items: Iterable[str]) -> dict[str, str]:
    """``["name=value", …]`` from the command line → a dict; one clear error per bad item."""
    load_builtin_readings()
    chosen: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ConfigError(
                f"--reading {item!r} is not name=value.",
                hint="For example: --reading missing-scope-403=empty-body",
            )
        if name not in REGISTRY:
            raise ConfigError(
                f"Unknown reading {name!r}.",
                hint=f"Known readings: {', '.join(sorted(REGISTRY)) or 'none'}.",
            )
        chosen[name] = value
    return chosen
