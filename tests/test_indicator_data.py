"""The indicator data files: the golden list of ids, coverage, and the checks made on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from waspada.errors import ConfigError
from waspada.indicators.loader import DATA_DIR, load_files, load_taxonomy

GOLDEN = Path(__file__).parent / "golden" / "indicators.txt"


def test_loaded_ids_match_the_golden_list() -> None:
    golden = [line.strip() for line in GOLDEN.read_text().splitlines() if line.strip()]
    assert sorted(i.id for i in load_taxonomy().indicators) == sorted(golden)


def test_every_indicator_has_english_indonesian_and_a_source() -> None:
    for ind in load_taxonomy().indicators:
        assert ind.description["en"].strip() and ind.description["id"].strip(), ind.id
        assert ind.sources, f"{ind.id} cites no source"


@pytest.mark.parametrize(
    ("indicator", "langs"),
    [
        ("recruit.hotspot_destination", {"en", "zh", "th", "km", "lo", "my"}),
        ("recruit.vague_role", {"id", "en", "ms", "vi", "th", "tl", "zh", "km", "lo", "my"}),
        ("recruit.high_pay", {"id", "en", "ms", "vi", "th", "tl", "zh"}),
        ("recruit.no_experience", {"id", "en", "ms", "vi", "th", "tl", "zh"}),
        ("scam.task_commission", {"id", "en", "ms", "vi", "th", "tl", "zh"}),
        ("counter.advisory", {"id", "en", "ms", "vi", "th", "tl", "zh"}),
        ("scam.wrong_number_opener", {"id", "en", "ms", "vi", "th", "tl", "zh"}),
        ("scam.stranger_friendliness", {"id", "en", "ms", "vi", "th", "tl", "zh"}),
        ("scam.mentor_platform", {"id", "en", "ms", "vi", "th", "tl", "zh"}),
        ("scam.customs_fee", {"id", "en", "ms", "vi", "th", "tl", "zh"}),
        ("scam.abroad_persona", {"id", "en", "ms", "vi", "th", "tl", "zh"}),
    ],
)
def test_key_indicators_are_worded_in_the_regions_languages(
    indicator: str, langs: set[str]
) -> None:
    ind = load_taxonomy().by_id[indicator]
    assert langs <= set(ind.keywords)


def test_families_cover_recruitment_scam_and_counter() -> None:
    cats = {i.category for i in load_taxonomy().indicators}
    assert cats == {"recruitment_lure", "scam", "counter"}


GOOD = """
- id: test.ok
  category: scam
  weight: 0.5
  description: {en: "ok", id: "oke"}
  keywords: {en: ["hello"]}
  sources: ["https://example.org"]
"""


def _write(tmp_path: Path, body: str, name: str = "bad.yaml") -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


def test_a_good_file_loads(tmp_path: Path) -> None:
    tax = load_files([_write(tmp_path, GOOD, "good.yaml")])
    assert [i.id for i in tax.indicators] == ["test.ok"]


@pytest.mark.parametrize(
    ("old", "new", "field", "why"),
    [
        ("  weight: 0.5", "  weight: 0.5\n  colour: red", "colour", "unknown key"),
        ('{en: "ok", id: "oke"}', '{en: "ok"}', "description.id", "missing"),
        ('{en: "ok", id: "oke"}', '{id: "oke"}', "description.en", "missing"),
        ("weight: 0.5", "weight: 1.5", "weight", "not in"),
        ("weight: 0.5", "weight: 0", "weight", "not in"),
        ("weight: 0.5", "weight: -0.2", "weight", "not in"),
        ("category: scam", "category: spam", "category", "not one of"),
        ('keywords: {en: ["hello"]}', "patterns: {en: ['(unclosed']}", "patterns.en", "compile"),
        ('keywords: {en: ["hello"]}', 'keywords: {xx: ["hello"]}', "keywords.xx", "language"),
        ('keywords: {en: ["hello"]}', "structured: [{entity: passport}]", "structured[0].entity",
         "unknown entity"),
        ('keywords: {en: ["hello"]}', "structured: [{entity: url, with_indicator: [no.such]}]",
         "structured.with_indicator", "unknown indicator"),
        ('keywords: {en: ["hello"]}', "structured: [{entity: money, where: {usd_month: {gt: 5}}}]",
         "structured[0].where.usd_month", "operator"),
        ('keywords: {en: ["hello"]}', "sources: []", "keywords", "needs keywords"),
    ],
)
def test_a_broken_file_names_file_indicator_and_field(
    tmp_path: Path, old: str, new: str, field: str, why: str
) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as exc:
        load_files([path])
    msg = str(exc.value)
    assert "bad.yaml" in msg and "test.ok" in msg and field in msg and why in msg


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    a = _write(tmp_path, GOOD, "a.yaml")
    b = _write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(ConfigError, match=r"b\.yaml.*test\.ok.*duplicate id \(also in a\.yaml\)"):
        load_files([a, b])


def test_unparsable_yaml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"bad\.yaml"):
        load_files([_write(tmp_path, "- id: [unclosed\n")])


def test_the_bundled_files_are_the_ones_loaded() -> None:
    files = {i.file for i in load_taxonomy().indicators}
    assert files == {p.name for p in DATA_DIR.glob("*.yaml")}
