"""The public-text corpus (data/public_texts.jsonl): well formed, attributed, nothing from a
page kept apart for independent testing, no duplicate, counts as data/README.md states them."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "public_texts.jsonl"
FIELDS = ("id", "text", "lang", "label", "source_url", "publisher", "published", "note")
LABELS = ("recruitment_lure", "scam", "warning", "news", "benign")
LANGS = ("id", "ms", "en", "tl", "vi", "th", "km", "lo", "my", "zh")


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _url_hash(url: str) -> str:
    # as the header of kept_apart.sha256 says: no #fragment, no trailing '/'
    return hashlib.sha256(url.split("#")[0].rstrip("/").encode()).hexdigest()


def test_url_hash_follows_the_kept_apart_recipe() -> None:
    # the recipe's own example: the fragment and the trailing slash do not change the hash
    assert _url_hash("https://example.org/a/#top") == _url_hash("https://example.org/a")
    assert _url_hash("https://example.org/a") == hashlib.sha256(b"https://example.org/a").hexdigest()


def test_every_record_is_well_formed(records: list[dict[str, object]]) -> None:
    for r in records:
        assert tuple(r) == FIELDS, r["id"]
        assert r["label"] in LABELS, r["id"]
        assert r["lang"] in LANGS, r["id"]
        text = r["text"]
        assert isinstance(text, str) and 20 <= len(text) <= 700, r["id"]
        assert str(r["source_url"]).startswith(("http://", "https://")), r["id"]
        assert str(r["publisher"]).strip(), r["id"]
        pub = r["published"]
        assert pub is None or re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", str(pub)), r["id"]
        short = {"recruitment_lure": "lure"}.get(str(r["label"]), str(r["label"]))
        assert re.fullmatch(rf"{r['lang']}-{short}-\d{{3}}", str(r["id"])), r["id"]


def test_nothing_comes_from_a_page_kept_apart(
    records: list[dict[str, object]], shared_data: Path
) -> None:
    kept = {line.strip() for line in (shared_data / "kept_apart.sha256").read_text().splitlines()
            if line.strip() and not line.startswith("#")}
    assert len(kept) > 100  # the list is really there
    taken = [r["id"] for r in records if _url_hash(str(r["source_url"])) in kept]
    assert taken == []


def test_no_duplicate_ids_or_texts(records: list[dict[str, object]]) -> None:
    ids = Counter(r["id"] for r in records)
    texts = Counter(" ".join(str(r["text"]).split()).casefold() for r in records)
    assert [k for k, n in ids.items() if n > 1] == []
    assert max(texts.values()) == 1


def test_at_most_four_passages_from_one_page(records: list[dict[str, object]]) -> None:
    pages = Counter(str(r["source_url"]).split("#")[0].rstrip("/") for r in records)
    assert max(pages.values()) <= 4


def test_counts_match_the_readme(records: list[dict[str, object]]) -> None:
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    counts = Counter((str(r["lang"]), str(r["label"])) for r in records)
    for lang in LANGS:
        row = re.search(rf"^\| {lang} \| ([\d |]+)\|$", readme, re.M)
        assert row, lang
        stated = [int(x) for x in row.group(1).split("|")]
        assert stated == [*(counts[(lang, lb)] for lb in LABELS),
                          sum(counts[(lang, lb)] for lb in LABELS)], lang
    # the targets of the corpus: 400+ texts, 20+ warnings and news in each of 8+ languages
    assert len(records) >= 400
    about = [lg for lg in LANGS if counts[(lg, "warning")] + counts[(lg, "news")] >= 20]
    assert len(about) >= 8
