"""The authorisation matrix: every endpoint x every role (and anonymous) x every TLP level.

Expected answers are worked out here from the fixture's own table of levels (``conftest``:
which sample got which level, the order CLEAR < GREEN < AMBER < AMBER+STRICT < RED written
out), and from what the store holds as an admin cleared for RED sees it, never from the
filtering code under test. A reader must never see, count or reach a document above their
level: not in lists, not by id, not through an identifier, a network or the statistics.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import LEVELS, PASSWORD, ROLES, Intel

CELLS = [(role, level) for role in ROLES for level in LEVELS]


def one_per_level(intel: Intel) -> list[str]:
    """A document of each level (the matrix asks for these by id; the lists cover all)."""
    return [min(d for d, (_, lv) in intel.docs.items() if lv == level) for level in LEVELS]


def key(intel: Intel, role: str, level: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {intel.keys[f'{role}-{level}']}"}


@pytest.fixture(scope="module")
def everything(app: Any, intel: Intel) -> dict[str, Any]:
    """The whole store as an admin cleared for RED sees it: each document's identifiers, each
    network's and campaign's members."""
    c = TestClient(app)
    h = key(intel, "admin", "red")
    docs = {d: c.get(f"/api/v1/documents/{d}", headers=h).json() for d in intel.docs}
    groups: dict[str, dict[str, set[str]]] = {}
    for kind in ("networks", "campaigns"):
        items = c.get(f"/api/v1/{kind}", headers=h).json()["items"]
        groups[kind] = {
            g["id"]: {m["id"] for m in
                      c.get(f"/api/v1/{kind}/{g['id']}", headers=h).json()["members"]}
            for g in items}
    assert len(docs) == 17 and groups["networks"] and groups["campaigns"], (
        "the fixture must hold documents, networks and a campaign")
    return {"docs": docs, **groups}


def test_the_fixture_marks_every_level(intel: Intel) -> None:
    assert sorted({lv for _, lv in intel.docs.values()}) == sorted(LEVELS)


def test_anonymous_callers_get_401_from_every_read_and_may_check(client: TestClient,
                                                                intel: Intel) -> None:
    some = next(iter(intel.docs))
    for path in ("/api/v1/documents", f"/api/v1/documents/{some}", "/api/v1/entities",
                 "/api/v1/entities/telegram/hrd_kerja_phnompenh", "/api/v1/networks",
                 "/api/v1/campaigns", "/api/v1/stats", "/api/v1/export", "/api/v1/users"):
        r = client.get(path)
        assert r.status_code == 401, path
        assert r.json()["error"]["code"] == "unauthenticated"
    assert client.post("/api/v1/check", json={"text": "halo"}).status_code == 200
    for page in ("/app", "/app/search?q=x", f"/app/documents/{some}", "/app/networks"):
        r = client.get(page, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/app/login", page


@pytest.mark.parametrize(("role", "level"), CELLS)
def test_api_matrix(client: TestClient, intel: Intel, everything: dict[str, Any], role: str,
                    level: str) -> None:
    h = key(intel, role, level)
    seen = intel.visible_to(level)
    # lists and counts
    listed = client.get("/api/v1/documents?limit=200", headers=h).json()
    assert {d["id"] for d in listed["items"]} == seen and listed["total"] == len(seen)
    assert client.get("/api/v1/stats", headers=h).json()["documents"] == len(seen)
    # a document of each level by id: there, or as absent as one never stored
    for d in one_per_level(intel):
        r = client.get(f"/api/v1/documents/{d}", headers=h)
        assert r.status_code == (200 if d in seen else 404), (d, intel.docs[d])
    # identifiers: counted over visible documents only; a pivot lists visible documents only
    carriers: dict[tuple[str, str], set[str]] = {}
    for d, rec in everything["docs"].items():
        for e in rec["entities"]:
            carriers.setdefault((e["kind"], e["value"]), set()).add(d)
    ents = client.get("/api/v1/entities?limit=200", headers=h).json()["items"]
    expected = {k: len(v & seen) for k, v in carriers.items() if v & seen}
    assert {(e["kind"], e["value"]): e["documents"] for e in ents} == expected
    shared = sorted(carriers.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:4]
    for (kind, value), docs in shared:
        r = client.get(f"/api/v1/entities/{kind}/{value}", headers=h)
        if docs & seen:
            assert {x["id"] for x in r.json()["documents"]} == docs & seen
        else:
            assert r.status_code == 404
    # campaigns and networks: made of visible members only; one with none visible is absent
    for kind in ("networks", "campaigns"):
        groups = client.get(f"/api/v1/{kind}", headers=h).json()["items"]
        want = {g: m & seen for g, m in everything[kind].items() if m & seen}
        assert {g["id"]: g["size"] for g in groups} == {g: len(m) for g, m in want.items()}
        for g in everything[kind]:
            r = client.get(f"/api/v1/{kind}/{g}", headers=h)
            if g in want:
                body = r.json()
                assert {x["id"] for x in body["members"]} == want[g]
                doc_nodes = {x["id"][4:] for x in body["graph"]["nodes"]
                             if x["type"] == "document"}
                assert doc_nodes == want[g]
            else:
                assert r.status_code == 404
    # role-gated endpoints
    export = client.get("/api/v1/export", headers=h)
    if role == "viewer":
        assert export.status_code == 403 and export.json()["error"]["code"] == "forbidden"
    else:
        lines = [ln for ln in export.text.splitlines() if ln]
        import json
        assert {json.loads(ln)["id"] for ln in lines} == seen
    users = client.get("/api/v1/users", headers=h)
    assert users.status_code == (200 if role == "admin" else 403)
    if role == "admin":
        assert all("password_hash" not in u for u in users.json()["users"])
    assert client.post("/api/v1/check", json={"text": "halo"}, headers=h).status_code == 200


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> int:
    client.get("/app/login")
    csrf = client.cookies.get("wsp_csrf")
    r = client.post("/app/login", data={"username": username, "password": password,
                                        "csrf": csrf}, follow_redirects=False)
    return r.status_code


@pytest.mark.parametrize(("role", "level"), CELLS)
def test_dashboard_matrix(app: Any, intel: Intel, everything: dict[str, Any], role: str,
                          level: str) -> None:
    seen = intel.visible_to(level)
    c = TestClient(app)
    assert sign_in(c, f"{role}-{level.replace('+', '-')}") == 303
    overview = c.get("/app")
    assert overview.status_code == 200
    assert f"<strong>{len(seen)}</strong>" in overview.text
    for d in one_per_level(intel):
        r = c.get(f"/app/documents/{d}")
        assert r.status_code == (200 if d in seen else 404)
    for kind in ("networks", "campaigns"):
        for g, m in everything[kind].items():
            assert c.get(f"/app/{kind}/{g}").status_code == (200 if m & seen else 404)
    # an identifier's page: there when a visible document carries it, absent otherwise
    carriers: dict[tuple[str, str], set[str]] = {}
    for d, rec in everything["docs"].items():
        for e in rec["entities"]:
            carriers.setdefault((e["kind"], e["value"]), set()).add(d)
    for (kind, value), docs in sorted(carriers.items(), key=lambda kv: -len(kv[1]))[:3]:
        r = c.get(f"/app/entities/{kind}/{value}")
        assert r.status_code == (200 if docs & seen else 404)
        for d in docs - seen:
            assert f"/app/documents/{d}" not in r.text
    # a search never finds a document above the level (every sample names a place)
    found = c.get("/app/search", params={"q": "a"}).text
    assert any(f"/app/documents/{d}" in found for d in seen)
    for d in set(intel.docs) - seen:
        assert f"/app/documents/{d}" not in found


def test_a_wrong_password_or_user_is_refused_alike(app: Any) -> None:
    c = TestClient(app)
    assert sign_in(c, "viewer-green", "not the password") == 401
    assert sign_in(c, "nobody-at-all", PASSWORD) == 401
    assert c.get("/app", follow_redirects=False).status_code == 303


def test_sign_in_without_the_csrf_token_is_refused(app: Any) -> None:
    c = TestClient(app)
    c.get("/app/login")
    r = c.post("/app/login", data={"username": "admin-red", "password": PASSWORD},
               follow_redirects=False)
    assert r.status_code == 403
    r = c.post("/app/login", data={"username": "admin-red", "password": PASSWORD,
                                   "csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403


def test_sign_out_ends_the_session(app: Any) -> None:
    c = TestClient(app)
    assert sign_in(c, "viewer-clear") == 303
    assert c.get("/app").status_code == 200
    assert c.post("/app/logout", data={"csrf": "wrong"}).status_code == 403
    r = c.post("/app/logout", data={"csrf": c.cookies.get("wsp_csrf")}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/app", follow_redirects=False).status_code == 303


def test_a_forged_or_tampered_session_cookie_is_anonymous(app: Any) -> None:
    c = TestClient(app)
    assert sign_in(c, "admin-red") == 303
    good = c.cookies.get("wsp_session")
    assert good and c.get("/app").status_code == 200
    c.cookies.set("wsp_session", good[:-2] + ("AA" if not good.endswith("AA") else "BB"))
    assert c.get("/app", follow_redirects=False).status_code == 303


def test_an_invalid_api_key_is_refused_not_ignored(client: TestClient, intel: Intel) -> None:
    real = intel.keys["admin-red"]
    for bad in ("wsp_nothing", real[:-1] + ("x" if real[-1] != "x" else "y"), "Bearer"):
        r = client.get("/api/v1/documents", headers={"Authorization": f"Bearer {bad}"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_key"
    r = client.get("/api/v1/documents", headers={"X-API-Key": real})
    assert r.status_code == 200
