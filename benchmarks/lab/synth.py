"""Labelled linking data built from REAL texts by realistic edits (benchmarks and tests only).

A campaign re-posts one template with a new phone number or handle, another salary, other emoji
and spacing, sentences in another order, or cut short. ``variant`` applies such edits to a real
text of the labelled data sets (``waspada.datafiles.data_dir()``); ``network_identifiers`` hands
out phones, handles and wallets so that documents of one ground-truth network are connected, and
adds hub identifiers (an official hotline, a platform domain, a widely quoted customer-service
number) that must NOT merge them. Seeded and deterministic. Nothing here runs inside ``assess()``
or ``link``: it is lab code, outside the package.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from pathlib import Path

import regex

from waspada.datafiles import data_dir

EMOJI = ("🔥", "💰", "✅", "👉", "📞", "🇰🇭", "🇹🇭", "✈️", "😊", "⭐", "‼️", "💵")
EDITS = ("identifier", "amount", "emoji_space", "reorder", "truncate")

_PHONE = regex.compile(r"\+?\d[\d .-]{6,}\d")
_NUM = regex.compile(r"\d+(?:[.,]\d+)*")
_HANDLE = regex.compile(r"(?<![\w@])@\w{3,}|\b(?:t\.me|wa\.me|line\.me)/\w+")
_SENT = regex.compile(r"(?<=[.!?])\s+|\n+")


def load_texts(folder: Path | None = None, min_chars: int = 30) -> list[tuple[str, str]]:
    """(data set, text) of every distinct real text of at least ``min_chars`` characters in
    ``folder`` (default: the labelled data sets, ``data_dir()``)."""
    csv.field_size_limit(1 << 30)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for path in sorted((folder or data_dir()).glob("*/*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                t = (row.get("text") or "").strip()
                if len(t) >= min_chars and t not in seen:
                    seen.add(t)
                    out.append((path.parent.name, t))
    return out


def local_phone(rng: random.Random) -> tuple[str, str]:
    """A random Indonesian mobile number: (as written in an ad, E.164)."""
    digits = f"8{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}"
    return f"0{digits}", f"+62{digits}"


def variant(text: str, rng: random.Random, edits: Sequence[str], phone: str = "") -> str:
    """``text`` with the named edits applied (see ``EDITS``)."""
    t = text
    if "identifier" in edits:
        new = phone or local_phone(rng)[0]
        t2 = _PHONE.sub(new, t)
        t2 = _HANDLE.sub(lambda m: m.group(0)[:-2] + f"{rng.randint(10, 99)}", t2)
        t = t2 if t2 != t else f"{t} WA {new}"
    if "amount" in edits:
        t = _NUM.sub(lambda m: _other_number(m.group(0), rng), t)
    if "reorder" in edits:
        parts = [p for p in _SENT.split(t) if p]
        if len(parts) >= 2:
            i = rng.randrange(len(parts) - 1)
            parts[i], parts[i + 1] = parts[i + 1], parts[i]
            t = " ".join(parts)
    if "emoji_space" in edits:
        words = t.split(" ")
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(EMOJI))
        t = rng.choice(("  ", " ", "\n")).join(words)
    if "truncate" in edits and len(t) > 60:
        cut = int(len(t) * rng.uniform(0.85, 0.95))
        sp = t.rfind(" ", 0, cut)
        t = t[: sp if sp > len(t) // 2 else cut]
    return t


def _other_number(s: str, rng: random.Random) -> str:
    if len(s) >= 9:  # long runs are identifiers, handled above
        return s
    return "".join(str(rng.randint(1 if i == 0 else 0, 9)) for i in range(len(s)))


def random_edits(rng: random.Random) -> list[str]:
    picked = ["identifier"] if rng.random() < 0.8 else []
    for e in ("amount", "emoji_space", "reorder"):
        if rng.random() < 0.5:
            picked.append(e)
    if rng.random() < 0.3:
        picked.append("truncate")
    return picked


HOTLINE = ("phone", "+62110")  # allow-listed: police hotline quoted in warnings
PLATFORM = ("domain", "facebook.com")  # allow-listed: platform domain
HUB_PHONE = ("phone", "+622150001234")  # not allow-listed: a bank's call centre quoted everywhere


def network_identifiers(
    sizes: Sequence[int], n_singletons: int, hub_docs: int, rng: random.Random
) -> tuple[list[list[tuple[str, str]]], list[int]]:
    """Identifiers per document and the ground-truth network of each (-1 for singletons).

    Network k has ``sizes[k]`` documents and a pool of phones, handles and wallets; document i
    of a network mentions pool items i and i+1, so consecutive documents share one and the
    network is connected. Then ``hub_docs`` random documents quote HUB_PHONE, and a fifth of all
    documents quote the allow-listed hotline or platform domain.
    """
    idents: list[list[tuple[str, str]]] = []
    truth: list[int] = []
    serial = 0

    def fresh(kind: str) -> tuple[str, str]:
        nonlocal serial
        serial += 1
        if kind == "phone":
            return ("phone", f"+6281{serial:09d}")
        if kind == "telegram":
            return ("telegram", f"recruit_{serial}")
        return ("crypto_wallet", f"T{serial:033d}")

    for k, size in enumerate(sizes):
        m = max(2, size // 2)
        pool = [
            fresh(rng.choice(("phone", "phone", "telegram", "crypto_wallet"))) for _ in range(m)
        ]
        for i in range(size):
            idents.append([pool[i % m], pool[(i + 1) % m]])
            truth.append(k)
    for _ in range(n_singletons):
        idents.append([fresh("phone")])
        truth.append(-1)
    n = len(idents)
    for i in rng.sample(range(n), min(hub_docs, n)):
        idents[i].append(HUB_PHONE)
    for i in range(n):
        r = rng.random()
        if r < 0.1:
            idents[i].append(HOTLINE)
        elif r < 0.2:
            idents[i].append(PLATFORM)
    return idents, truth


def pairwise_scores(pred: Sequence[int], truth: Sequence[int]) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of a clustering against ground truth.

    Labels < 0 are singletons (in no cluster). Returns (precision, recall, predicted pairs, true
    pairs); counted from the contingency table, so O(n) even for a million documents.
    """
    from collections import Counter

    def pairs(c: Counter[object]) -> int:
        return sum(v * (v - 1) // 2 for v in c.values())

    n = len(pred)
    p = [x if x >= 0 else -1 - i for i, x in enumerate(pred)]
    t = [x if x >= 0 else -1 - i for i, x in enumerate(truth)]
    both = pairs(Counter(zip(p, t, strict=True)))
    pp, tp = pairs(Counter(p)), pairs(Counter(t))
    assert len(t) == n
    return (both / pp if pp else 1.0, both / tp if tp else 1.0, pp, tp)
