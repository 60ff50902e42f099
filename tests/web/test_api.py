"""The JSON API: checks (one and a batch), pagination, errors with stable bodies, size limits,
the OpenAPI description, security headers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from waspada.analyzer import default_analyzer

from .conftest import Intel

LURE = ("LOWONGAN KERJA KAMBOJA!! Dicari admin online, gaji 1500 USD per bulan, tanpa "
        "pengalaman, tiket pesawat dan visa ditanggung. Hubungi Telegram @hrd_kerja_phnompenh")


def admin(intel: Intel) -> dict[str, str]:
    return {"Authorization": f"Bearer {intel.keys['admin-red']}"}


def test_check_one_text_gives_verdict_flags_spans_entities_and_explanation(
        client: TestClient) -> None:
    r = client.post("/api/v1/check", json={"text": LURE, "lang": "en"})
    assert r.status_code == 200
    body = r.json()
    assert body["level"] == "high" and body["verdict"] == "high_risk"
    assert body["category"] == "recruitment_lure" and body["stance"] == "offer"
    for flag in body["red_flags"]:
        for ev in flag["evidence"]:
            assert LURE[ev["start"]:ev["end"]] == ev["text"]
    assert {"kind": "telegram", "value": "hrd_kerja_phnompenh"}.items() <= {
        **next(e for e in body["entities"] if e["kind"] == "telegram")}.items()
    assert body["explanation"]


def test_a_batch_is_the_same_as_one_by_one(client: TestClient) -> None:
    texts = [LURE, "Rapat RT malam ini jam 8 di balai warga.", "Your parcel is held: pay "
             "the fee at http://bit.ly/x1 today"]
    r = client.post("/api/v1/check", json={"texts": texts})
    assert r.status_code == 200
    got = [(x["risk"], x["level"], x["category"]) for x in r.json()["results"]]
    one = [default_analyzer().assess(t) for t in texts]
    assert got == [(a.risk, a.level, a.category) for a in one]


def test_check_refuses_bad_bodies_with_stable_errors(client: TestClient) -> None:
    cases: list[Any] = [{}, {"text": ""}, {"text": "a", "texts": ["b"]},
                        {"texts": ["x"] * 51}, {"text": 5}, "not json"]
    for body in cases:
        r = client.post("/api/v1/check", json=body)
        assert r.status_code == 422, body
        err = r.json()["error"]
        assert err["code"] == "invalid_request" and err["message"]


def test_a_body_over_the_limit_is_413_before_it_is_read(client: TestClient) -> None:
    r = client.post("/api/v1/check", content=b'{"text": "' + b"a" * 300_000 + b'"}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"error": {"code": "too_large",
                                  "message": "the request body is over 262144 bytes"}}


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(40):
            yield b"a" * 10_000
        yield b'"}'

    r = client.post("/api/v1/check", content=chunks(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_unknown_routes_and_methods_have_the_same_error_shape(client: TestClient) -> None:
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.delete("/api/v1/check")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_pagination_walks_every_document_once(client: TestClient, intel: Intel) -> None:
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get(f"/api/v1/documents?limit=4&offset={offset}",
                          headers=admin(intel)).json()
        assert page["total"] == len(intel.docs) and len(page["items"]) <= 4
        seen += [d["id"] for d in page["items"]]
        offset = page["next_offset"]
    assert sorted(seen) == sorted(intel.docs)
    risks = [d["risk"] for d in client.get("/api/v1/documents?limit=200",
                                           headers=admin(intel)).json()["items"]]
    assert risks == sorted(risks, reverse=True)


def test_filters_narrow_the_list(client: TestClient, intel: Intel) -> None:
    h = admin(intel)
    allx = client.get("/api/v1/documents?limit=200", headers=h).json()["items"]
    for params, keep in (("level=high", lambda d: d["level"] == "high"),
                         ("min_risk=60", lambda d: d["risk"] >= 60),
                         ("language=th", lambda d: d["language"] == "th"),
                         ("category=scam", lambda d: d["category"] == "scam"),
                         ("since=2026-10-10", lambda d: d["posted_at"] >= "2026-10-10")):
        got = client.get(f"/api/v1/documents?limit=200&{params}", headers=h).json()
        assert {d["id"] for d in got["items"]} == {d["id"] for d in allx if keep(d)}, params
        assert got["total"] == len(got["items"])


def test_a_phone_pivots_to_every_document_that_carries_it(client: TestClient,
                                                         intel: Intel) -> None:
    h = admin(intel)
    r = client.get("/api/v1/entities/telegram/hrd_kerja_phnompenh", headers=h).json()
    texts = {d["id"]: client.get(f"/api/v1/documents/{d['id']}", headers=h).json()["text"]
             for d in r["documents"]}
    assert len(texts) >= 3
    assert all("hrd_kerja_phnompenh" in t for t in texts.values())
    assert r["networks"]
    q = client.get("/api/v1/entities", params={"kind": "telegram",
                                               "value": "hrd_kerja_phnompenh"}, headers=h)
    assert {d["id"] for d in q.json()["match"]["documents"]} == set(texts)


def test_a_network_has_nodes_and_links_between_them(client: TestClient, intel: Intel) -> None:
    h = admin(intel)
    nets = client.get("/api/v1/networks", headers=h).json()["items"]
    g = client.get(f"/api/v1/networks/{nets[0]['id']}", headers=h).json()["graph"]
    ids = {n["id"] for n in g["nodes"]}
    assert g["links"] and all(x["source"] in ids and x["target"] in ids for x in g["links"])


def test_openapi_is_served_and_names_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/check", "/api/v1/documents", "/api/v1/documents/{doc_id}",
            "/api/v1/entities", "/api/v1/networks/{group_id}", "/api/v1/stats"} <= set(
        spec["paths"])
    assert client.get("/docs").status_code == 404  # no Swagger UI: it loads from a CDN


def test_every_answer_carries_the_security_headers(client: TestClient) -> None:
    for r in (client.get("/"), client.get("/api/v1/stats"), client.get("/static/style.css"),
              client.post("/api/v1/check", content=b"x" * 300_000)):
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
