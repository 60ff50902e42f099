"""Checks every bundle we send passes: the OASIS validator, and our own TLP 2.0 rules that the
validator does not hold (it accepts ``tlp_2_0: "purple"`` and a reference to a marking the
bundle does not carry).

``tlp_problems(bundle, ceiling)`` lists, in words naming the object:

- an object (other than a marking definition) without exactly one marking, or whose marking is
  not one of the five OASIS TLP 2.0 ids, or is above ``ceiling``;
- a marking definition that is not the OASIS object for its id, or fails the OASIS schema of
  the TLP 2.0 extension (vendored; its remote ``$ref`` s resolve to local schemas, nothing is
  fetched);
- a reference (``*_ref``, ``*_refs``, an ``extensions`` key naming an extension definition)
  to an object that is not in the bundle.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import stix2patterns.validator
import stix2validator

from waspada.exchange.markings import TLP2_EXTENSION, TLP2_IDS, tlp2_definition, tlp2_schema
from waspada.tlp import Tlp, allows

_COMMON = ("http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"
           "common/")
#: the OASIS common schemas the TLP extension's schema refers to, as local stand-ins
_LOCAL_REFS: dict[str, dict[str, Any]] = {
    _COMMON + "identifier.json": {"type": "string",
                                  "pattern": "^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F-]{36}$"},
    _COMMON + "timestamp.json": {
        "type": "string",
        "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$"},
    _COMMON + "external-reference.json": {"type": "object"},
    _COMMON + "granular-marking.json": {"type": "object"},
}
_LEVEL_OF = {v: k for k, v in TLP2_IDS.items()}


def _local(schema: Any) -> Any:
    """``schema`` with each remote ``$ref`` replaced by its local stand-in."""
    if isinstance(schema, dict):
        if schema.get("$ref") in _LOCAL_REFS:
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return {**rest, **_LOCAL_REFS[schema["$ref"]]}
        return {k: _local(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_local(v) for v in schema]
    return schema


def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(_local(tlp2_schema()))


def stix_errors(bundle: dict[str, Any]) -> list[str]:
    """What the OASIS STIX 2.1 validator (stix2-validator) finds wrong, errors only."""
    opts = stix2validator.ValidationOptions(version="2.1", silent=True)
    res = stix2validator.validate_instance(bundle, opts)
    return [f"{res.object_id}: {e}" for e in res.errors]


#: stix2-validator reads about 80 objects a second here (its schema references are resolved
#: again for every object): a bundle larger than this is validated by shape (below)
FULL_LIMIT = 5_000
PER_SHAPE = 20


def shape_sample(bundle: dict[str, Any], per_shape: int = PER_SHAPE) -> dict[str, Any]:
    """A bundle of the first ``per_shape`` objects of every shape (type and property names)
    of ``bundle``, their reference lists cut to their first three entries, with every object
    those refer to (so references still resolve: a Note over 50,000 observables brings 3)."""
    objs = bundle.get("objects") or []
    by_id = {o.get("id"): o for o in objs}
    seen: dict[tuple[str, ...], int] = {}
    keep: dict[str, dict[str, Any]] = {}
    for o in objs:
        shape = (str(o.get("type")), *sorted(o))
        if seen.get(shape, 0) < per_shape:
            seen[shape] = seen.get(shape, 0) + 1
            keep[o["id"]] = {k: v[:3] if k.endswith("_refs") and isinstance(v, list) else v
                             for k, v in o.items()}
    for o in list(keep.values()):
        for r in [*_refs(o), *(o.get("extensions") or {})]:
            if r in by_id and r not in keep:
                keep[r] = by_id[r]  # a leaf here: observables, markings, identities
    return {**bundle, "objects": list(keep.values())}


def pattern_errors(bundle: dict[str, Any]) -> list[str]:
    """Every Indicator's STIX pattern, checked with stix2-patterns (fast, for all of them)."""
    out: list[str] = []
    for o in bundle.get("objects") or []:
        if o.get("type") == "indicator" and o.get("pattern_type") == "stix":
            ok, errs = stix2patterns.validator.validate(o.get("pattern", ""), ret_errs=True,
                                                        stix_version="2.1")
            out += [] if ok else [f"{o.get('id')}: {e}" for e in errs]
    return out


def check_bundle(bundle: dict[str, Any], ceiling: Tlp | None,
                 full_limit: int = FULL_LIMIT) -> tuple[list[str], str]:
    """(problems, how stix2-validator was run): our TLP checks and the patterns on every
    object; stix2-validator on the whole bundle up to ``full_limit`` objects, else on
    ``shape_sample`` (the exporter builds every object of a shape the same way)."""
    objs = bundle.get("objects") or []
    if len(objs) <= full_limit:
        errors, how = stix_errors(bundle), f"stix2-validator: all {len(objs)} objects"
    else:
        sample = shape_sample(bundle)
        errors = stix_errors(sample)
        how = (f"stix2-validator: {len(sample['objects'])} of {len(objs)} objects, every "
               "shape; TLP checks and patterns: all")
    return errors + pattern_errors(bundle) + tlp_problems(bundle, ceiling), how


def _refs(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _refs(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _refs(v, key)
    elif isinstance(value, str) and (key.endswith("_ref") or key.endswith("_refs")):
        yield value


def tlp_problems(bundle: dict[str, Any], ceiling: Tlp | None = None) -> list[str]:
    """Our TLP 2.0 checks (module docstring); an empty list for a sound bundle."""
    objs = bundle.get("objects") or []
    ids = {o.get("id") for o in objs if isinstance(o, dict)}
    out: list[str] = []
    validator = _validator()
    for o in objs:
        oid = o.get("id")
        if o.get("type") == "marking-definition":
            if oid not in _LEVEL_OF:
                out.append(f"{oid}: not one of the five OASIS TLP 2.0 marking definitions")
            elif o != tlp2_definition(_LEVEL_OF[oid]):
                out.append(f"{oid}: differs from the OASIS TLP 2.0 definition of that id")
            out += [f"{oid}: {e.message}" for e in validator.iter_errors(o)]
            continue
        marks = o.get("object_marking_refs") or []
        if len(marks) != 1 or marks[0] not in _LEVEL_OF:
            out.append(f"{oid}: needs exactly one OASIS TLP 2.0 marking, has {marks}")
        elif ceiling is not None and not allows(ceiling, _LEVEL_OF[marks[0]]):
            out.append(f"{oid}: marked {_LEVEL_OF[marks[0]]}, above the export's {ceiling}")
        out += [f"{oid}: refers to {r}, which is not in the bundle"
                for r in _refs(o) if r not in ids]
        for ext in o.get("extensions") or {}:
            if ext.startswith("extension-definition--") and ext not in ids \
                    and ext != TLP2_EXTENSION:
                out.append(f"{oid}: uses extension {ext}, which is not in the bundle")
    return out
