"""Two stores with overlapping identifiers find exactly the overlap: by a raw export, by a
pseudonymised export under a shared key; and nothing under different keys."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from waspada.errors import ConfigError
from waspada.exchange import exporter, pseudonym
from waspada.exchange.importer import import_file
from waspada.exchange.matches import matches, store_identifiers
from waspada.store.db import Store

from ._store import Doc, build
from .conftest import clock

ETH = "0x52908400098527886E0F7030069857D2E4169EE7"
# Jakarta's store and Vientiane's; the shared identifiers are written differently on each side
JAKARTA: list[Doc] = [
    ("1" * 64, "green", "recruitment_lure", 90, 0, "a",
     [("phone", "+6281234567890", None), ("telegram", "Rekrut_Kerja", None)], ["recruit.high_pay"]),
    ("2" * 64, "green", "scam", 80, 1, "b",
     [("crypto_wallet", ETH, None), ("email", "only@jakarta-kerja.com", None),
      ("phone", "+6281200000009", None)], ["scam.investment_returns"]),
]
VIENTIANE: list[Doc] = [
    ("3" * 64, "amber", "recruitment_lure", 85, 0, "c",
     [("phone", "+6281234567890", None), ("telegram", "rekrut_kerja", None),
      ("phone", "+8562055551234", None)], []),
    ("4" * 64, "green", "scam", 60, 2, "d",
     [("crypto_wallet", ETH.lower(), None), ("email", "only@vientiane-kerja.com", None)], []),
]
OVERLAP = {"phone:+6281234567890", "telegram:rekrut_kerja", "eth:" + ETH}


@pytest.fixture()
def two(tmp_path: Path) -> tuple[Path, Path]:
    return (build(tmp_path / "jkt.duckdb", JAKARTA, link=False),
            build(tmp_path / "vte.duckdb", VIENTIANE, link=False))


def _send(src: Path, out: Path, fmt: str, key: pseudonym.PseudonymKey | None = None) -> Path:
    with Store.open(src, read_only=True) as s:
        exporter.export_file(s, exporter.ExportRequest(fmt, "amber", key=key), out, clock)
    return out


def test_the_overlap_is_what_both_stores_hold(two: tuple[Path, Path]) -> None:
    with Store.open(two[0], read_only=True) as a, Store.open(two[1], read_only=True) as b:
        assert store_identifiers(a) & store_identifiers(b) == OVERLAP


@pytest.mark.parametrize("fmt", ["stix", "misp"])
def test_raw_export_finds_exactly_the_overlap(two: tuple[Path, Path], tmp_path: Path,
                                              fmt: str) -> None:
    f = _send(two[0], tmp_path / f"jkt.{fmt}.json", fmt)
    with Store.open(two[1]) as b:
        import_file(b, f, now=clock)
        found = matches(b)
    assert {m["identifier"] for m in found["matches"]} == OVERLAP
    assert found["documents"] == ["3" * 64, "4" * 64]
    assert not any(m["pseudonymised"] for m in found["matches"])


@pytest.mark.parametrize("fmt", ["stix", "misp"])
def test_pseudonyms_find_the_overlap_with_the_shared_key_only(
        two: tuple[Path, Path], tmp_path: Path, fmt: str) -> None:
    key, other = pseudonym.new_key(), pseudonym.new_key()
    f = _send(two[0], tmp_path / f"jkt.{fmt}.json", fmt, key)
    text = f.read_text()
    assert "6281234567890" not in text and "rekrut" not in text.lower()  # no raw value leaves
    assert key.key_id in text
    with Store.open(two[1]) as b:
        import_file(b, f, now=clock)
        shared = matches(b, [key])
        wrong = matches(b, [other])
        local = store_identifiers(b)
    assert {m["identifier"] for m in shared["matches"]} == OVERLAP
    assert all(m["pseudonymised"] for m in shared["matches"])
    assert wrong["matches"] == [] and wrong["without_key"] == {key.key_id: 5}
    # and under a different key the pseudonyms share nothing at all
    sent = _strings(json.loads(text))
    assert not {other.pseudonym(c) for c in local} & sent
    assert {key.pseudonym(c) for c in OVERLAP} <= sent


def _strings(doc: object) -> set[str]:
    """Every string value in a JSON document."""
    if isinstance(doc, dict):
        return set().union(*(_strings(v) for v in doc.values())) if doc else set()
    if isinstance(doc, list):
        return set().union(*(_strings(v) for v in doc)) if doc else set()
    return {doc} if isinstance(doc, str) else set()


def test_key_files(tmp_path: Path) -> None:
    key = pseudonym.new_key(epoch=3)
    path = tmp_path / "k.json"
    pseudonym.write_key(path, key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pseudonym.read_key(path) == key
    with pytest.raises(ConfigError, match="never overwritten"):
        pseudonym.write_key(path, pseudonym.new_key())
    d = json.loads(path.read_text())
    d["key_id"] = "0" * 16
    (tmp_path / "bad.json").write_text(json.dumps(d))
    with pytest.raises(ConfigError, match="does not belong"):
        pseudonym.read_key(tmp_path / "bad.json")
    # HMAC-SHA-256 as RFC 4231 test case 2 defines it, through our key type
    rfc = pseudonym.PseudonymKey(b"Jefe", "x", 1)
    assert rfc.pseudonym("what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
