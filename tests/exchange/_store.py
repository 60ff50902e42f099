"""A small, fixed intel store for the exchange tests: documents written through
``Store``/``WriteBatch`` as a scan writes them, linked by the real linker, levels set through
the store. Every identifier below is valid for its kind (the wallets pass their checksums; the
phone numbers are possible numbers of their countries)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from waspada.link.incremental import link_store
from waspada.store import partner
from waspada.store.db import Store, WriteBatch

T0 = datetime(2026, 10, 1, 8, 0)
LURE = ("Lowongan kerja admin di Kamboja, gaji 15 juta per bulan, tanpa pengalaman, tiket dan "
        "visa ditanggung perusahaan, berangkat minggu ini.")

# (id, level, category, risk, day, text, [(kind, value, bank)], [red flags])
Doc = tuple[str, str, str, int, int, str, Sequence[tuple[str, str, str | None]], Sequence[str]]
DOCS: list[Doc] = [
    ("a" * 64, "green", "recruitment_lure", 92, 0, LURE + " Hubungi WA +62 812-3456-7890.",
     [("phone", "+6281234567890", None), ("telegram", "rekrut_kerja", None),
      ("bank_account", "1234567890", "BCA")],
     ["recruit.high_pay", "recruit.hotspot_destination"]),
    ("b" * 64, "green", "recruitment_lure", 88, 1, LURE + " Hubungi WA +62 812-9876-5432.",
     [("phone", "+6281298765432", None), ("telegram", "rekrut_kerja", None),
      ("crypto_wallet", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", None)],
     ["recruit.high_pay", "recruit.no_experience"]),
    ("c" * 64, "amber", "scam", 75, 2, "Investasi untung 30% per hari, daftar di "
     "http://kerja-luar.com/daftar atau email hr@kerja-luar.com.",
     [("url", "http://kerja-luar.com/daftar", None), ("email", "hr@kerja-luar.com", None),
      ("crypto_wallet", "0x52908400098527886E0F7030069857D2E4169EE7", None)],
     ["scam.investment_returns"]),
    ("d" * 64, "red", "recruitment_lure", 95, 3, "Kerja di KK Park, hubungi +855 12 345 678.",
     [("phone", "+85512345678", None), ("line", "kkpark.hr", None)],
     ["recruit.scam_compound_named"]),
    ("e" * 64, "amber+strict", "scam", 70, 4, "Transfer ke 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2.",
     [("crypto_wallet", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", None)],
     ["scam.personal_account_payment"]),
    ("f" * 64, "clear", "benign", 5, 5, "Waspada penipuan lowongan kerja: "
     "https://www.kemlu.go.id/peringatan", [("url", "https://www.kemlu.go.id/peringatan", None)],
     []),
]


def build(path: Path, docs: Sequence[Doc] = DOCS, link: bool = True) -> Path:
    """Write ``docs`` into a new store at ``path``, link it, and set each document's level."""
    with Store.open(path) as s:
        fill(s, docs, link)
    return path


def fill(s: Store, docs: Sequence[Doc], link: bool = True) -> None:
    """Write ``docs`` into the open store ``s`` (see ``build``)."""
    b = WriteBatch()
    for i, (doc_id, _lvl, cat, risk, day, text, ents, flags) in enumerate(docs):
        b.add_document(doc_id, external_id=f"doc{i}", source="fixture", url=None,
                       posted=T0 + timedelta(days=day), language="id", script="Latn", text=text,
                       model_version="test", risk=risk, level="high" if risk >= 70 else "low",
                       category=cat, explanation="", probabilities=None)
        for kind, value, bank in ents:
            b.add_entity(i, kind, value, 0, 1, "test", 1.0,
                         json.dumps({"bank": bank}) if bank else None)
        for f in flags:
            b.add_hit(i, f, cat if cat != "benign" else "scam", 1.0, "[]")
    s.write(b, [])
    if link:
        link_store(s)
    for lvl in {d[1] for d in docs}:
        partner.set_document_tlp(s, [d[0] for d in docs if d[1] == lvl], lvl)
