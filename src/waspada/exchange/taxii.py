"""Push STIX 2.1 bundles to, and pull them from, a partner's TAXII 2.1 collection
(taxii2-client 2.3.0; docs/exchange-transport.md).

``push`` adds a bundle's objects, in envelopes no longer than the API root's
``max_content_length``, and waits for the server's status: how many objects it accepted,
refused (each with its reason) and still has pending, and how many it did not account for;
nothing is left unsaid. ``pull`` gets every object of a collection, page after
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
from taxii2client.v21 import ApiRoot, Collection

from waspada.errors import TransportError

#: objects asked for per page when pulling (a server may send fewer: its own maximum)
PAGE_SIZE = 100
#: seconds to wait for a push's status to leave "pending", and between two looks at it
STATUS_TIMEOUT_S = 60
STATUS_POLL_S = 1
#: bytes of an envelope around its objects: ``{"objects": []}``
_ENVELOPE = len('{"objects": []}')


def push(bundle: dict[str, Any], collection_url: str, *, user: str | None = None,
         password: str | None = None, status_timeout_s: int = STATUS_TIMEOUT_S
         ) -> dict[str, Any]:
    """Add the objects of the STIX bundle ``bundle`` to the collection at ``collection_url``,
    in as many requests as the API root's ``max_content_length`` asks; return the server's
    status, summed over the requests: ``status`` ("complete" when every request is),
    ``sent``, ``requests``, ``total_count``, ``success_count``, ``failure_count``,
    ``pending_count``, ``failures`` and ``pendings`` (each ``{id, version, message}``),
    ``unaccounted`` (objects sent that no status counts) and ``status_ids``."""
    objects = bundle_objects(bundle)
    summary = _summary([], 0)
    if not objects:
        return summary
    with _talking(collection_url, user):
        collection = Collection(collection_url, user=user, password=password)
        root = ApiRoot(collection_url.split("/collections/", 1)[0] + "/", user=user,
                       password=password)
        statuses = [collection.add_objects(envelope, wait_for_completion=True,
                                           poll_interval=STATUS_POLL_S,
                                           timeout=status_timeout_s)
                    for envelope in envelopes(objects, root.max_content_length)]
    return _summary(statuses, len(objects))


def envelopes(objects: list[dict[str, Any]], max_bytes: int) -> Iterator[str]:
    """TAXII envelopes (JSON text) of ``objects`` in order, each at most ``max_bytes`` long in
    UTF-8; an object too long for any envelope is a ``TransportError`` naming it (nothing is
    sent: the check runs before the first envelope goes out)."""
    texts = [json.dumps(o, ensure_ascii=False) for o in objects]
    sizes = [len(t.encode("utf-8")) for t in texts]
    for obj, size in zip(objects, sizes, strict=True):
        if _ENVELOPE + size > max_bytes:
            raise TransportError(f"STIX object {obj['id']} takes {_ENVELOPE + size} bytes in "
                                 f"an envelope; the server takes at most {max_bytes} a request:"
                                 " nothing was sent")
    start, used = 0, _ENVELOPE
    for i, size in enumerate(sizes):
        extra = size + (2 if i > start else 0)  # ", " between two objects
        if used + extra > max_bytes:
            yield _envelope(texts[start:i])
            start, used, extra = i, _ENVELOPE, size
        used += extra
    yield _envelope(texts[start:])


def _envelope(texts: list[str]) -> str:
    return '{"objects": [' + ", ".join(texts) + "]}"


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


def _summary(statuses: list[Any], sent: int) -> dict[str, Any]:
    keys = ("total_count", "success_count", "failure_count", "pending_count")
    counts = {k: sum(int(getattr(st, k) or 0) for st in statuses) for k in keys}
    counted = counts["success_count"] + counts["failure_count"] + counts["pending_count"]
    return {"status": "complete" if all(st.status == "complete" for st in statuses)
            else "pending", "sent": sent, "requests": len(statuses), **counts,
            "failures": [f for st in statuses for f in st.failures or []],
            "pendings": [p for st in statuses for p in st.pendings or []],
            "unaccounted": max(sent - counted, 0), "status_ids": [st.id for st in statuses]}


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


__all__ = ["PAGE_SIZE", "bundle_objects", "envelopes", "pull", "push"]
