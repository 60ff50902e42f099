"""The STIX 2.1 object types Waspada sends for what STIX 2.1 has no object for, and the
extension definition that declares them.

STIX 2.1 has no phone, wallet or bank-account object. We use the type names and the ``value``
property OpenCTI's client (pycti) defines for its own custom observables (``phone-number``,
``cryptocurrency-wallet``, ``bank-account``), so that an OpenCTI instance reads them as the
observables it knows; OpenCTI publishes no extension definition for them, so ours declare
them (one ``new-sco`` extension definition per type, ``EXTENSION_IDS``), with the properties
we add (``chain``, ``bank``). ``waspada-pseudonym`` carries a pseudonymised identifier (HMAC-SHA-256
hex, the identifier's kind, the key id and epoch). Handles are ``user-account`` objects with
``account_type`` the platform (``telegram``, ``whatsapp``, ``line``...: STIX's account-type
vocabulary is open and has none of them).
"""

from __future__ import annotations

from typing import Any

import stix2
from stix2.properties import IntegerProperty, StringProperty

#: our extension definitions, one per new type (fixed ids: partners can look them up once)
EXTENSION_IDS = {
    "phone-number": "extension-definition--7e65c3b1-0378-55cb-aac2-ab6fc8339709",
    "cryptocurrency-wallet": "extension-definition--1fd3b4e1-ec0f-568b-ad11-bd9f9dc2aaf1",
    "bank-account": "extension-definition--53afa95b-bccd-5509-998c-6ee5f11d19d1",
    "waspada-pseudonym": "extension-definition--6cabde5f-8cab-5242-affd-da47915e491c",
}
EXTENSION_CREATED = "2026-12-01T00:00:00.000Z"
SCHEMA_URL = "https://github.com/waspada/waspada/blob/main/docs/exchange.md#stix-objects"
#: type -> (properties, the properties its deterministic id is built from)
CUSTOM_SCOS: dict[str, tuple[list[tuple[str, Any]], list[str]]] = {
    "phone-number": ([("value", StringProperty(required=True))], ["value"]),
    "cryptocurrency-wallet": ([("value", StringProperty(required=True)),
                               ("chain", StringProperty())], ["value"]),
    "bank-account": ([("value", StringProperty(required=True)),
                      ("account_number", StringProperty()), ("bank", StringProperty())],
                     ["value"]),
    "waspada-pseudonym": ([("value", StringProperty(required=True)),
                           ("identifier_kind", StringProperty(required=True)),
                           ("algorithm", StringProperty()), ("key_id", StringProperty()),
                           ("epoch", IntegerProperty())], ["value", "identifier_kind"]),
}
CLASSES: dict[str, type[Any]] = {}


def _register() -> None:
    for type_, (props, contrib) in CUSTOM_SCOS.items():
        common = [("object_marking_refs", stix2.properties.ListProperty(
            stix2.properties.ReferenceProperty(valid_types="marking-definition",
                                               spec_version="2.1")))]
        cls = type(type_.title().replace("-", ""), (object,), {})
        CLASSES[type_] = stix2.v21.CustomObservable(type_, props + common, contrib,
                                                    extension_name=EXTENSION_IDS[type_])(cls)


def extension_definition(type_: str, identity_id: str, marking: str) -> dict[str, Any]:
    """The extension-definition object of our type ``type_`` (created by ``identity_id``)."""
    return {
        "type": "extension-definition", "spec_version": "2.1", "id": EXTENSION_IDS[type_],
        "created_by_ref": identity_id, "created": EXTENSION_CREATED,
        "modified": EXTENSION_CREATED, "name": f"Waspada {type_}",
        "description": f"The {type_} observable as Waspada exchanges it "
        "(docs/exchange.md, 'STIX objects').",
        "schema": SCHEMA_URL, "version": "1.0.0", "extension_types": ["new-sco"],
        "object_marking_refs": [marking],
    }


_register()
