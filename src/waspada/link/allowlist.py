"""The allow-list: identifiers that never link documents (``link/data/allowlist.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers

from waspada.datafiles import package_yaml, read_yaml
from waspada.errors import ConfigError

_FILE = "allowlist.yaml"


@dataclass(frozen=True, slots=True)
class Allowlist:
    phones: frozenset[str]  # digits only, short code and with calling code
    official_domains: frozenset[str]  # agency domains: any URL on them is official
    government_suffixes: tuple[str, ...]
    platform_domains: frozenset[str]  # the bare domain does not link; a URL with a path does
    handles: frozenset[str]

    def allows(self, kind: str, value: str) -> bool:
        """True when the identifier is allow-listed (and so must not link documents)."""
        v = value.strip().lower()
        if kind == "phone":
            return _digits(v) in self.phones
        if kind == "domain":
            host = _host(v)
            return self._official(host) or _matches(host, self.platform_domains)
        if kind == "url":
            host, path = _split_url(v)
            if self._official(host):
                return True
            return _matches(host, self.platform_domains) and path.strip("/") == ""
        if kind == "email":
            return self._official(v.rpartition("@")[2])
        return v.lstrip("@") in self.handles

    def _official(self, host: str) -> bool:
        if _matches(host, self.official_domains):
            return True
        return any(host == s or host.endswith("." + s) for s in self.government_suffixes)


def _digits(v: str) -> str:
    return "".join(c for c in v if c.isdigit())


def _host(v: str) -> str:
    v = v.split("://", 1)[-1]
    v = v.split("/", 1)[0].split(":", 1)[0]
    return v[4:] if v.startswith("www.") else v


def _split_url(v: str) -> tuple[str, str]:
    rest = v.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = host.split(":", 1)[0]
    return (host[4:] if host.startswith("www.") else host), path.split("?", 1)[0]


def _matches(host: str, domains: frozenset[str]) -> bool:
    if host in domains:
        return True
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(1, len(parts) - 1))


def _field(data: dict[str, Any], name: str, where: str) -> list[Any]:
    val = data.get(name, [])
    if not isinstance(val, list):
        raise ConfigError(f"{where}: field '{name}' must be a list")
    return val


def parse_allowlist(data: object, where: str = _FILE) -> Allowlist:
    """Check and build an allow-list from parsed YAML; ConfigError names the file and field."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level")
    phones: set[str] = set()
    for i, h in enumerate(_field(data, "hotlines", where)):
        if not isinstance(h, dict) or not isinstance(h.get("number"), str):
            raise ConfigError(f"{where}: hotlines[{i}].number must be a string")
        digits = _digits(h["number"])
        if not digits:
            raise ConfigError(f"{where}: hotlines[{i}].number has no digits")
        phones.add(digits)
        country = h.get("country")
        if country is not None:
            cc = phonenumbers.country_code_for_region(str(country).upper())
            if cc == 0:
                raise ConfigError(f"{where}: hotlines[{i}].country {country!r} is not a region")
            phones.add(f"{cc}{digits.lstrip('0')}")
    lists = {}
    for name in ("agency_domains", "government_suffixes", "platform_domains", "handles"):
        items = _field(data, name, where)
        for i, d in enumerate(items):
            if not isinstance(d, str) or not d.strip() or " " in d.strip():
                raise ConfigError(f"{where}: {name}[{i}] must be a domain or handle string")
        lists[name] = [d.strip().lower() for d in items]
    return Allowlist(
        phones=frozenset(phones),
        official_domains=frozenset(lists["agency_domains"]),
        government_suffixes=tuple(lists["government_suffixes"]),
        platform_domains=frozenset(lists["platform_domains"]),
        handles=frozenset(h.lstrip("@") for h in lists["handles"]),
    )


def load_allowlist_file(path: str | Path) -> Allowlist:
    p = Path(path)
    return parse_allowlist(read_yaml(p), str(p))


@cache
def load_allowlist() -> Allowlist:
    """The bundled allow-list, loaded and checked once per process."""
    return parse_allowlist(package_yaml("waspada.link", _FILE), f"waspada/link/data/{_FILE}")
