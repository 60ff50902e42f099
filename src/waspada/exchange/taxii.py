"""Push STIX 2.1 bundles to, and pull them from, a partner's TAXII 2.1 collection
(taxii2-client 2.3.0; docs/exchange-transport.md).

``push`` adds a bundle's objects and waits for the server's status: how many objects it
accepted, refused (each with its reason) and still has pending, and how many it did not
account for; nothing is left unsaid. ``pull`` gets every object of a collection, page after
page (TAXII's ``more`` and ``next``), optionally only those added after a time, as one bundle.
Every failure (unreachable, refused credentials, a collection that cannot be read or written,
a request the server rejects) is a ``TransportError`` naming the collection and giving the
server's reason; a password is never part of a message.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import Collection

from waspada.errors import TransportError

#: objects asked for per page when pulling (a server may send fewer: its own maximum)
PAGE_SIZE = 100
#: seconds to wait for a push's status to leave "pending", and between two looks at it
STATUS_TIMEOUT_S = 60
STATUS_POLL_S = 1


def push(bundle: dict[str, Any], collection_url: str, *, user: str | None = None,
         password: str | None = None, status_timeout_s: int = STATUS_TIMEOUT_S
         ) -> dict[str, Any]:
    """Add the objects of the STIX bundle ``bundle`` to the collection at ``collection_url``;
    return the server's status summary: ``status``, ``total_count``, ``success_count``,
    ``failure_count``, ``pending_count``, ``failures`` and ``pendings`` (each ``{id,
    version, message}``), and ``unaccounted`` (objects sent that the status does not count)."""
    objects = bundle_objects(bundle)
    if not objects:
        return _summary(None, 0)
    with _talking(collection_url, user):
        collection = Collection(collection_url, user=user, password=password)
        status = collection.add_objects({"objects": objects}, wait_for_completion=True,
                                        poll_interval=STATUS_POLL_S, timeout=status_timeout_s)
    return _summary(status, len(objects))


def pull(collection_url: str, *, user: str | None = None, password: str | None = None,
         added_after: str | None = None, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """Every object of the collection at ``collection_url`` (only those the server added after
    ``added_after``, an RFC 3339 time, when given), all pages, as one STIX 2.1 bundle dict."""
    filters: dict[str, Any] = {"limit": page_size}
    if added_after:
        filters["added_after"] = added_after
    objects: list[dict[str, Any]] = []
    with _talking(collection_url, user):
        collection = Collection(collection_url, user=user, password=password)
        envelope = collection.get_objects(**filters)
        while True:
            page = envelope.get("objects", []) if isinstance(envelope, dict) else None
            if not isinstance(page, list):
                raise TransportError(f"TAXII collection {collection_url} sent a page that is "
                                     "not a TAXII envelope")
            objects.extend(page)
            if not envelope.get("more"):
                break
            token = envelope.get("next")
            if not token or not page:
                raise TransportError(
                    f"TAXII collection {collection_url} says more objects follow but sent "
                    f"{'no next token' if not token else 'an empty page'} after "
                    f"{len(objects)} objects: nothing was written")
            envelope = collection.get_objects(next=token, **filters)
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}


def bundle_objects(bundle: object) -> list[dict[str, Any]]:
    """The objects of a STIX bundle; a ``TransportError`` naming what is wrong otherwise (not
    a bundle, an object without a type or id)."""
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise TransportError("not a STIX bundle: the document's type is "
                             f"{bundle.get('type') if isinstance(bundle, dict) else bundle!r}")
    objects = bundle.get("objects", [])
    if not isinstance(objects, list):
        raise TransportError(f"STIX bundle {bundle.get('id')}: 'objects' is not a list")
    for i, obj in enumerate(objects):
        if not (isinstance(obj, dict) and isinstance(obj.get("type"), str)
                and isinstance(obj.get("id"), str)):
            raise TransportError(f"STIX bundle {bundle.get('id')}: object {i} has no type "
                                 "and id: nothing was sent")
    return objects


def _summary(status: Any, sent: int) -> dict[str, Any]:
    if status is None:
        return {"status": "complete", "status_id": None, "sent": 0, "total_count": 0,
                "success_count": 0, "failure_count": 0, "pending_count": 0,
                "failures": [], "pendings": [], "unaccounted": 0}
    counts = {k: int(getattr(status, k) or 0)
              for k in ("total_count", "success_count", "failure_count", "pending_count")}
    counted = counts["success_count"] + counts["failure_count"] + counts["pending_count"]
    return {"status": status.status, "status_id": status.id, "sent": sent, **counts,
            "failures": list(status.failures or []), "pendings": list(status.pendings or []),
            "unaccounted": max(sent - counted, 0)}


@contextmanager
def _talking(url: str, user: str | None) -> Iterator[None]:
    """Turn what taxii2-client and requests raise into a ``TransportError`` naming ``url``."""
    try:
        yield
    except requests.HTTPError as e:
        code = e.response.status_code if e.response is not None else None
        if code == 401:
            raise TransportError(f"TAXII server at {url} refused the credentials of user "
                                 f"{user!r} (HTTP 401)") from e
        raise TransportError(f"TAXII server at {url} refused the request (HTTP {code}): "
                             f"{_reason(e.response)}") from e
    except requests.RequestException as e:
        raise TransportError(f"cannot reach the TAXII server at {url}: {e}") from e
    except TAXIIServiceException as e:
        raise TransportError(f"TAXII collection {url}: {e}") from e
    except ValueError as e:  # a body that is not JSON
        raise TransportError(f"TAXII server at {url} sent an answer that is not JSON: {e}") from e


def _reason(response: requests.Response | None) -> str:
    """The TAXII error message's title and description, or the body's start."""
    if response is None:
        return "no answer"
    try:
        doc = response.json()
    except ValueError:
        return " ".join(response.text[:300].split()) or response.reason
    if isinstance(doc, dict) and ("description" in doc or "title" in doc):
        parts = [str(doc[k]) for k in ("title", "description") if doc.get(k)]
        return ": ".join(parts)
    return json.dumps(doc)[:300]


__all__ = ["PAGE_SIZE", "bundle_objects", "pull", "push"]
