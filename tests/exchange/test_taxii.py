"""TAXII 2.1 push and pull against a real TAXII server (medallion, memory backend) on
127.0.0.1: round trips of real STIX 2.1 bundles, added_after, pagination, rejections with
their reasons, credentials, and the CLI."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import stix2
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from waspada.cli import exchange_net  # noqa: F401  (adds its commands to exchange_app)
from waspada.cli.exchange import exchange_app
from waspada.errors import TransportError
from waspada.exchange.taxii import envelopes, pull, push

from .net_medallion import MAX_PAGE_SIZE, PASSWORD, READ_ONLY, TINY_ROOT, USER, Medallion

AUTH = {"user": USER, "password": PASSWORD}


@pytest.fixture(scope="module")
def server() -> Iterator[Medallion]:
    m = Medallion()
    yield m
    m.close()


@pytest.fixture()
def taxii(server: Medallion) -> Medallion:
    server.reset()  # empty collections for each test
    return server


def stix_bundle(n_indicators: int = 1, tag: str = "hrd_phnompenh") -> dict[str, Any]:
    """A real STIX 2.1 bundle made with ``stix2``: an identity, ``n_indicators`` indicators
    with valid patterns, and a user-account, as plain JSON."""
    me = stix2.Identity(name="Waspada test unit", identity_class="organization")
    account = stix2.UserAccount(account_login=tag, account_type="telegram")
    indicators = [stix2.Indicator(
        name=f"recruiter handle {i}", pattern_type="stix", valid_from="2026-11-01T00:00:00Z",
        pattern=f"[user-account:account_login = '{tag}{i}']", created_by_ref=me.id)
        for i in range(n_indicators)]  # fmt: skip
    return json.loads(stix2.Bundle(objects=[me, account, *indicators]).serialize())


def by_id(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in objects}


def test_a_pushed_bundle_is_pulled_back_unchanged(taxii: Medallion) -> None:
    bundle = stix_bundle()
    summary = push(bundle, taxii.collection(), **AUTH)
    assert summary["status"] == "complete"
    assert (summary["sent"], summary["requests"], summary["total_count"],
            summary["success_count"], summary["failure_count"], summary["pending_count"],
            summary["unaccounted"]) == (3, 1, 3, 3, 0, 0, 0)
    got = pull(taxii.collection(), **AUTH)
    assert got["type"] == "bundle" and got["id"].startswith("bundle--")
    assert by_id(got["objects"]) == by_id(bundle["objects"])  # ids, types and content
    assert {o["type"] for o in got["objects"]} == {"identity", "user-account", "indicator"}


def test_pull_follows_the_pages(taxii: Medallion) -> None:
    bundle = stix_bundle(n_indicators=12)  # 14 objects, pages of at most 5
    assert push(bundle, taxii.collection(), **AUTH)["success_count"] == 14
    for page_size in (100, 4):  # the server's maximum, a smaller one
        got = pull(taxii.collection(), page_size=page_size, **AUTH)["objects"]
        assert len(got) == 14 > MAX_PAGE_SIZE
        assert by_id(got) == by_id(bundle["objects"])


def test_pull_added_after_gets_only_the_later_objects(taxii: Medallion) -> None:
    first, second = stix_bundle(tag="first"), stix_bundle(tag="second")
    push(first, taxii.collection(), **AUTH)
    between = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    push(second, taxii.collection(), **AUTH)
    got = pull(taxii.collection(), added_after=between, **AUTH)["objects"]
    assert by_id(got) == by_id(second["objects"])
    assert len(pull(taxii.collection(), **AUTH)["objects"]) == 6


def test_objects_the_server_refuses_are_listed_with_its_reason(taxii: Medallion) -> None:
    bundle = stix_bundle()
    push(bundle, taxii.collection(), **AUTH)
    again = push(bundle, taxii.collection(), **AUTH)  # the same versions: refused
    assert (again["success_count"], again["failure_count"]) == (0, 3)
    assert {f["id"] for f in again["failures"]} == {o["id"] for o in bundle["objects"]}
    assert {f["message"] for f in again["failures"]} == {"Unable to process object"}


def test_a_bundle_over_the_servers_request_size_goes_in_several_requests(
        taxii: Medallion) -> None:
    bundle = stix_bundle(n_indicators=20)  # about 9,000 bytes; the tiny root takes 2,000
    summary = push(bundle, taxii.collection(root=TINY_ROOT), **AUTH)
    assert summary["requests"] > 4 and len(summary["status_ids"]) == summary["requests"]
    assert (summary["success_count"], summary["failure_count"], summary["unaccounted"]) == (
        22, 0, 0)
    got = pull(taxii.collection(root=TINY_ROOT), **AUTH)["objects"]
    assert by_id(got) == by_id(bundle["objects"])


def test_an_object_no_request_can_hold_is_named_and_nothing_is_sent(taxii: Medallion) -> None:
    bundle = stix_bundle(n_indicators=3)
    bundle["objects"][2]["description"] = "x" * 3000
    with pytest.raises(TransportError, match=rf"STIX object {bundle['objects'][2]['id']} "
                                             r"takes \d+ bytes.*at most 2000 a request"):
        push(bundle, taxii.collection(root=TINY_ROOT), **AUTH)
    assert pull(taxii.collection(root=TINY_ROOT), **AUTH)["objects"] == []


def test_a_request_the_server_rejects_is_a_clear_error(taxii: Medallion) -> None:
    nowhere = taxii.collection("00000000-0000-4000-8000-000000000000")
    with pytest.raises(TransportError, match=r"HTTP 404\): ProcessingError: Collection "
                                             "'00000000-0000-4000-8000-000000000000' not found"):
        push(stix_bundle(), nowhere, **AUTH)
    with pytest.raises(TransportError, match="HTTP 404"):
        pull(nowhere, **AUTH)
    with pytest.raises(TransportError, match="does not allow writing"):
        push(stix_bundle(), taxii.collection(READ_ONLY), **AUTH)


OBJECTS = st.lists(st.builds(
    lambda i, text: {"type": "note", "id": f"note--{i:08d}", "content": text},
    st.integers(0, 10**8), st.text(max_size=300)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(objects=OBJECTS, max_bytes=st.integers(60, 3000))
def test_envelopes_hold_every_object_once_in_order_within_the_size(
        objects: list[dict[str, Any]], max_bytes: int) -> None:
    if not objects:
        objects = [{"type": "note", "id": "note--1", "content": ""}]
    alone = [len(json.dumps({"objects": [o]}, ensure_ascii=False).encode()) for o in objects]
    if max(alone) > max_bytes:
        with pytest.raises(TransportError, match="nothing was sent"):
            list(envelopes(objects, max_bytes))
        return
    texts = list(envelopes(objects, max_bytes))
    assert all(len(t.encode("utf-8")) <= max_bytes for t in texts)
    assert [o for t in texts for o in json.loads(t)["objects"]] == objects
    # full: the first object of each next envelope would not have fitted in the one before
    for a, b in itertools.pairwise(texts):
        first = json.dumps(json.loads(b)["objects"][0], ensure_ascii=False)
        assert len(a.encode("utf-8")) + 2 + len(first.encode("utf-8")) > max_bytes


def test_wrong_credentials_are_a_clear_error_without_the_password(taxii: Medallion) -> None:
    for op in (lambda: push(stix_bundle(), taxii.collection(), user=USER, password="wrong-pw"),
               lambda: pull(taxii.collection(), user=USER, password="wrong-pw")):
        with pytest.raises(TransportError) as e:
            op()
        assert f"refused the credentials of user '{USER}' (HTTP 401)" in str(e.value)
        assert "wrong-pw" not in str(e.value)


def test_what_is_not_a_bundle_is_refused_before_anything_is_sent(taxii: Medallion) -> None:
    for doc, says in [({"type": "indicator"}, "not a STIX bundle"),
                      ({"type": "bundle", "id": "bundle--1", "objects": [{"id": "x"}]},
                       "object 0 has no type and id")]:
        with pytest.raises(TransportError, match=says):
            push(doc, taxii.collection(), **AUTH)
    assert pull(taxii.collection(), **AUTH)["objects"] == []


LOGINS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                 max_size=20)


@settings(max_examples=10, deadline=None)
@given(logins=st.lists(LOGINS, min_size=1, max_size=8, unique=True))
def test_any_user_accounts_make_the_round_trip(server: Medallion, logins: list[str]) -> None:
    server.reset()
    objects = [stix2.UserAccount(account_login=x, account_type="telegram") for x in logins]
    bundle = json.loads(stix2.Bundle(objects=objects, allow_custom=False).serialize())
    n = len({o["id"] for o in bundle["objects"]})  # deterministic ids: one per login
    assert push(bundle, server.collection(), **AUTH)["success_count"] == n
    got = pull(server.collection(), **AUTH)["objects"]
    assert by_id(got) == by_id(bundle["objects"])


# ---- the CLI -----------------------------------------------------------------------------------


def test_cli_push_then_pull(taxii: Medallion, tmp_path: Path) -> None:
    bundle = stix_bundle(n_indicators=6)
    src, dst = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps(bundle), encoding="utf-8")
    env = {"TAXII_PW": PASSWORD}
    run = CliRunner().invoke
    args = ["taxii-push", str(src), "--collection", taxii.collection(), "--user", USER,
            "--password-env", "TAXII_PW", "--json"]
    first = run(exchange_app, args, env=env)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["success_count"] == 8
    again = run(exchange_app, args, env=env)  # refused objects: a partial result, exit 1
    assert again.exit_code == 1 and json.loads(again.stdout)["failure_count"] == 8
    pulled = run(exchange_app, ["taxii-pull", "--collection", taxii.collection(), "--out", str(dst),
                           "--user", USER, "--password-env", "TAXII_PW"], env=env)
    assert pulled.exit_code == 0, pulled.output
    assert "8 objects written" in pulled.stderr
    assert by_id(json.loads(dst.read_text(encoding="utf-8"))["objects"]) == by_id(
        bundle["objects"])
    wrong = run(exchange_app, args, env={"TAXII_PW": "not-it"})
    assert wrong.exit_code == 2 and "HTTP 401" in wrong.stderr and "not-it" not in wrong.output
    unset = run(exchange_app, args, env={"TAXII_PW": ""})
    assert unset.exit_code == 2 and "set the environment variable TAXII_PW" in unset.stderr
    src.write_text("{not json", encoding="utf-8")
    bad = run(exchange_app, args, env=env)
    assert bad.exit_code == 2 and f"{src} is not a STIX bundle" in " ".join(bad.stderr.split())
