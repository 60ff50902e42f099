"""Private set intersection over HTTP: a real server (openmined-psi) on 127.0.0.1 on a free
port, real queries; what each side learns, the bounds, malformed requests, the CLI on two
real stores."""

from __future__ import annotations

import functools
import http.client
import json
import logging
import re
import signal
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import private_set_intersection.python as psi_lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from waspada.cli import exchange_net  # noqa: F401  (adds its commands to exchange_app)
from waspada.cli.exchange import exchange_app
from waspada.errors import ConfigError, TransportError
from waspada.exchange.psi import VERSION_HEADER, PsiServer, query, store_identifiers

from .net_util import call, scanned_store

OURS = {"phone:+6281234567890", "telegram:hrd_phnompenh", "whatsapp:+855965550142",
        "crypto_wallet:TQ5NpGoJ4bW1hPv3D8n5dN7hWzvRz3uB1z", "email:hr@kerja-luar.example"}
VERSION = {VERSION_HEADER: "1"}


@pytest.mark.parametrize("exact", [False, True], ids=["gcs", "raw"])
@pytest.mark.parametrize("max_query", [100, 10_000])
@pytest.mark.parametrize(("asked", "shared"), [
    ({"phone:+6281234567890", "telegram:someone_else", "email:a@b.example"},
     {"phone:+6281234567890"}),
    ({"telegram:nobody", "phone:+66812345678"}, set()),  # no overlap
    (set(OURS), set(OURS)),  # the same set
    ({"telegram:hrd_phnompenh", "email:hr@kerja-luar.example"},  # a subset of ours
     {"telegram:hrd_phnompenh", "email:hr@kerja-luar.example"}),
])  # fmt: skip
def test_the_client_learns_exactly_the_shared_identifiers(
        exact: bool, max_query: int, asked: set[str], shared: set[str]) -> None:
    with PsiServer(OURS, max_query=max_query, exact=exact).start() as server:
        assert query(server.url, asked) == shared


def test_where_the_library_cannot_compress_a_small_set_it_is_sent_exact() -> None:
    # openmined-psi 2.0.6 fails to encode a GCS of one element at 1,000,000 / 1e-9 (500 of
    # 500 fresh keys tried)
    with PsiServer({"phone:+6281234567890"}, max_query=1_000_000).start() as server:
        assert server.psi_set.data_structure == "raw"
        status, info = call(server.url + "psi/info")
        assert status == 200 and isinstance(info, dict)
        assert (info["data_structure"], info["fpr"]) == ("raw", 0.0)
        assert query(server.url, {"phone:+6281234567890", "phone:+6281111111111"}) == {
            "phone:+6281234567890"}


def test_a_larger_set_uses_the_compressed_setup_and_stays_exact() -> None:
    ours = {f"phone:+62812{i:07d}" for i in range(300)}
    asked = {f"phone:+62812{i:07d}" for i in range(290, 320)}
    with PsiServer(ours, max_query=50).start() as server:
        status, info = call(server.url + "psi/info")
        assert status == 200 and isinstance(info, dict)
        assert (info["data_structure"], info["fpr"], info["mode"]) == ("gcs", 1e-9,
                                                                       "intersection")
        assert query(server.url, asked) == {f"phone:+62812{i:07d}" for i in range(290, 300)}


def test_the_setup_keeps_no_trace_of_the_order_of_the_server_set() -> None:
    """The server's set goes out sorted by ciphertext (RAW) or as sorted hashes (GCS): which
    rank a matched identifier has among the server's sorted identifiers stays hidden."""
    with PsiServer(OURS, exact=True).start() as server:
        status, body = call(server.url + "psi/setup", None, VERSION)
    assert status == 200 and isinstance(body, bytes) and server.psi_set.data_structure == "raw"
    setup = psi_lib.ServerSetup()
    setup.ParseFromString(body)
    elements = list(setup.raw.encrypted_elements)
    assert len(elements) == len(OURS) and elements == sorted(elements)


def test_cardinality_mode_tells_only_how_many() -> None:
    asked = {"phone:+6281234567890", "telegram:hrd_phnompenh", "telegram:nobody"}
    with PsiServer(OURS, mode="cardinality").start() as server:
        assert query(server.url, asked) == 2
        # a client that asks for the identifiers themselves is refused by the server
        request = psi_lib.client.CreateWithNewKey(True).CreateRequest(sorted(asked))
        status, body = call(server.url + "psi/query", request.SerializeToString(), VERSION)
        assert status == 400 and isinstance(body, dict)
        assert "cardinality queries only" in body["error"]


def test_a_query_over_the_bound_is_refused_by_the_server_and_the_client() -> None:
    asked = [f"telegram:user{i}" for i in range(6)]
    with PsiServer(OURS, max_query=5).start() as server:
        request = psi_lib.client.CreateWithNewKey(True).CreateRequest(asked)
        status, body = call(server.url + "psi/query", request.SerializeToString(), VERSION)
        assert status == 413 and isinstance(body, dict)
        assert body["error"] == "the query holds 6 identifiers; this server answers at most 5"
        # a body over the byte limit is refused before it is read
        big = b"\x12\x21" + b"\x00" * (server.psi_set.body_limit + 1)
        status, body = call(server.url + "psi/query", big, VERSION)
        assert status == 413 and isinstance(body, dict) and "reads at most" in body["error"]
        with pytest.raises(TransportError, match=r"holds 6 identifiers.*at most 5"):
            query(server.url, asked)
        assert query(server.url, asked[:5]) == set()  # at the bound: answered


@pytest.mark.parametrize(("body", "says"), [
    (b"\xff\xff\xff\xff", "not a psi_proto.Request"),
    # a well-formed message whose "point" is not on the curve
    (psi_lib.Request(reveal_intersection=True, encrypted_elements=[b"\x02" + b"\x07" * 32])
     .SerializeToString(), "malformed PSI request"),
])  # fmt: skip
def test_a_malformed_body_is_a_clear_400_and_the_server_keeps_serving(body: bytes,
                                                                       says: str) -> None:
    with PsiServer(OURS).start() as server:
        status, answer = call(server.url + "psi/query", body, VERSION)
        assert status == 400 and isinstance(answer, dict) and says in answer["error"]
        assert query(server.url, {"phone:+6281234567890"}) == {"phone:+6281234567890"}


def test_a_body_without_its_length_is_refused() -> None:
    with PsiServer(OURS).start() as server:
        host, port = server.url[len("http://"):].rstrip("/").split(":")
        con = http.client.HTTPConnection(host, int(port), timeout=30)
        con.putrequest("POST", "/psi/query")
        con.putheader(VERSION_HEADER, "1")
        con.putheader("Transfer-Encoding", "chunked")
        con.endheaders()
        con.send(b"4\r\nabcd\r\n0\r\n\r\n")
        r = con.getresponse()
        assert r.status == 411
        assert json.loads(r.read())["error"] == "give the body's Content-Length"
        con.close()
        assert query(server.url, {"phone:+6281234567890"}) == {"phone:+6281234567890"}


def test_the_protocol_version_is_checked() -> None:
    with PsiServer(OURS).start() as server:
        for headers, says in [({}, "no Waspada-PSI-Version header"),
                              ({VERSION_HEADER: "2"}, "version '2'")]:
            for path, body in [("psi/setup", None), ("psi/query", b"")]:
                status, answer = call(server.url + path, body, headers)
                assert status == 400 and isinstance(answer, dict)
                assert answer["error"] == ("this server speaks PSI protocol version 1; the "
                                           f"request has {says}")
        status, answer = call(server.url + "psi/nothing")
        assert status == 404


def test_the_server_log_holds_no_identifier_of_the_client(
        caplog: pytest.LogCaptureFixture) -> None:
    asked = {"phone:+6281234567890", "telegram:secret_handle_of_the_client"}
    with caplog.at_level(logging.INFO, logger="waspada.exchange.psi"), \
            PsiServer(OURS).start() as server:
        query(server.url, asked)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "/psi/query" in logged  # the requests were logged ...
    assert not any(a.split(":", 1)[1] in logged for a in asked)  # ... without identifiers


def test_bad_settings_and_an_unreachable_server_are_clear_errors() -> None:
    for kwargs in [{"mode": "everything"}, {"max_query": 0}, {"fpr": 0.0}]:
        with pytest.raises(ConfigError):
            PsiServer(OURS, **kwargs)  # type: ignore[arg-type]
    server = PsiServer(OURS)
    url = server.url
    server.close()  # the port is free again: nothing answers there
    with pytest.raises(TransportError, match="cannot reach the PSI server"):
        query(url, {"phone:+6281234567890"})


def test_a_server_that_is_not_a_psi_server_is_named(tmp_path: Path) -> None:
    (tmp_path / "psi").mkdir()
    (tmp_path / "psi" / "info").write_text("<html>a web page</html>", encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    web = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{web.server_address[1]}/"
        with pytest.raises(TransportError, match="is not a PSI server: /psi/info is not JSON"):
            query(url, {"phone:+6281234567890"})
        (tmp_path / "psi" / "info").write_text('{"protocol": 2}', encoding="utf-8")
        with pytest.raises(TransportError, match="speaks protocol version 2; this client "
                                                 "speaks 1"):
            query(url, {"phone:+6281234567890"})
    finally:
        web.shutdown()
        thread.join()
        web.server_close()


IDS = st.sampled_from([f"{k}:{v}" for k in ("phone", "telegram", "line") for v in "abcdefgh"])


@settings(max_examples=8, deadline=None)
@given(ours=st.sets(IDS, max_size=12), theirs=st.sets(IDS, max_size=12),
       mode=st.sampled_from(["intersection", "cardinality"]))
def test_any_two_small_sets_give_their_intersection(ours: set[str], theirs: set[str],
                                                     mode: str) -> None:
    with PsiServer(ours, mode=mode, max_query=20).start() as server:
        got = query(server.url, theirs)
    assert got == (ours & theirs if mode == "intersection" else len(ours & theirs))


# ---- two real stores, the CLI ---------------------------------------------------------------

TEXTS_A = [
    "Lowongan kerja Kamboja, gaji 1500 USD, hubungi WA +62 812-3456-7890 atau Telegram "
    "@hrd_phnompenh",
    "Cari admin online di Myawaddy, kontak +855 96 555 0142",
]
TEXTS_B = [
    "Job in Bangkok, high salary, contact Telegram @hrd_phnompenh now",
    "Customer service job, call +66 81 234 5678, visa paid",
    "Kerja di Kamboja, WA 0812 3456 7890",
]


@pytest.fixture(scope="module")
def two_stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("psi-stores")
    return scanned_store(d / "a.duckdb", TEXTS_A), scanned_store(d / "b.duckdb", TEXTS_B)


def test_store_identifiers_are_the_contacts_of_the_store(two_stores: tuple[Path, Path]) -> None:
    a, b = (store_identifiers(p) for p in two_stores)
    # the numbers and handle written in the texts, in the recognisers' normal form; the
    # amount (1500 USD) and the places (Kamboja, Myawaddy) identify no one and stay out
    assert {"phone:+6281234567890", "phone:+855965550142", "telegram:hrd_phnompenh"} <= a
    assert {"phone:+6281234567890", "phone:+66812345678", "telegram:hrd_phnompenh"} <= b
    assert not any(i.startswith(("money:", "place:")) for i in a | b)


def test_psi_serve_and_psi_query_find_exactly_the_overlap_of_two_stores(
        two_stores: tuple[Path, Path]) -> None:
    a, b = two_stores
    proc = subprocess.Popen(
        [sys.executable, "-c", "from waspada.cli import main; main()",
         "exchange", "psi-serve", "--db", str(a), "--port", "0", "--max-query", "50"],
        stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        seen = []
        for line in proc.stderr:  # waits for the line that says where it serves
            seen.append(line)
            if m := re.search(r"at (http://127\.0\.0\.1:\d+/)", line):
                url = m.group(1)
                break
        else:
            pytest.fail("psi-serve ended without serving: " + "".join(seen))
        result = CliRunner().invoke(exchange_app, ["psi-query", url, "--db", str(b), "--json"])
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        expected = store_identifiers(a) & store_identifiers(b)
        assert expected == {"phone:+6281234567890", "telegram:hrd_phnompenh"}
        assert doc == {"server": url, "asked": len(store_identifiers(b)),
                       "mode": "intersection", "shared": 2, "identifiers": sorted(expected)}
    finally:
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130 and "stopped" in rest


def test_psi_query_of_a_missing_store_or_a_dead_server_exits_2(tmp_path: Path,
                                                               two_stores: tuple[Path, Path]
                                                               ) -> None:
    r = CliRunner().invoke(exchange_app, ["psi-query", "http://127.0.0.1:9/", "--db",
                                     str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "no database at" in r.stderr
    server = PsiServer(OURS)
    url = server.url
    server.close()
    r = CliRunner().invoke(exchange_app, ["psi-query", url, "--db", str(two_stores[1])])
    assert r.exit_code == 2 and "cannot reach the PSI server" in r.stderr


def test_psi_serve_with_a_bad_mode_or_a_busy_port_exits_2(two_stores: tuple[Path, Path]) -> None:
    db = str(two_stores[0])
    r = CliRunner().invoke(exchange_app, ["psi-serve", "--db", db, "--mode", "all", "--port", "0"])
    assert r.exit_code == 2 and "PSI mode 'all': use one of intersection, cardinality" in r.stderr
    with PsiServer(OURS) as busy:  # holds its port
        port = busy.url.rsplit(":", 1)[1].strip("/")
        r = CliRunner().invoke(exchange_app, ["psi-serve", "--db", db, "--port", port])
    assert r.exit_code == 2 and f"cannot serve PSI on 127.0.0.1:{port}" in r.stderr
