"""The Analyzer: built from an explicit configuration, holding what it loaded; several in one
process do not disturb each other; ``waspada.assess`` is the default analyzer."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from waspada import Analyzer, AnalyzerConfig, assess, default_analyzer
from waspada.config import PACKAGED, model_choice
from waspada.errors import ConfigError
from waspada.scoring.model import DEFAULT_MODEL_PATH, load_model, save_model

LURE = ("Dicari admin di Kamboja gaji 20 juta, tiket ditanggung, tanpa pengalaman, chat telegram "
        "@kerja_cepat88 sekarang juga")
PHONE_TEXT = "Hubungi 0812-3456-7890 atau lihat https://contoh.co.id/lowongan"


def _always_risky(path: Path) -> Path:
    """The packaged model with its weights zeroed and a large intercept: P(risky) ~ 1 on any
    text with content. Same feature configuration, so the same vectors."""
    m = load_model(DEFAULT_MODEL_PATH)
    meta = {**m.meta, "version": "linear-always-risky"}
    zeros = np.zeros_like(m.weights)
    return save_model(path, zeros, 8.0, (1.0, 0.0), meta)


def test_two_analyzers_with_different_models_live_side_by_side(tmp_path: Path) -> None:
    shipped = Analyzer()
    risky = Analyzer(AnalyzerConfig(model=_always_risky(tmp_path / "risky.npz")))
    plain = Analyzer(AnalyzerConfig(model=None))
    text = "Selamat pagi Bu, rapat RT hari Minggu jam 9 di balai warga, mohon hadir ya."
    before = shipped.assess(text).to_dict()
    a, b, c = risky.assess(text), plain.assess(text), shipped.assess(text)
    assert a.model_version == "linear-always-risky" and a.probabilities["benign"] < 0.01
    assert b.model_version == "indicators-1" and b.features == []
    assert c.to_dict() == before  # the others left no trace on it
    assert shipped.model is not None and c.model_version == shipped.model.version
    assert c.model_version != a.model_version


def test_the_module_level_assess_is_the_default_analyzer() -> None:
    assert default_analyzer() is default_analyzer()
    assert assess(LURE).to_dict() == default_analyzer().assess(LURE).to_dict()
    assert assess(LURE).to_dict() == Analyzer().assess(LURE).to_dict()


def test_an_analyzer_with_its_own_indicator_file_fires_only_those(tmp_path: Path) -> None:
    own = tmp_path / "ours.yaml"
    own.write_text(textwrap.dedent("""\
        - id: local.kamboja
          category: recruitment_lure
          weight: 0.5
          description: {en: "Names Cambodia", id: "Menyebut Kamboja"}
          keywords: {id: ["kamboja"]}
        """), encoding="utf-8")
    ours = Analyzer(AnalyzerConfig(indicators=(own,), model=None))
    assert [h.id for h in ours.assess(LURE).indicators] == ["local.kamboja"]
    packaged = {h.id for h in default_analyzer().assess(LURE).indicators}
    assert "local.kamboja" not in packaged and len(packaged) >= 3


def test_a_folder_of_indicator_files_loads_every_yaml_in_it(tmp_path: Path) -> None:
    for name, word in (("a.yaml", "kamboja"), ("b.yaml", "telegram")):
        (tmp_path / name).write_text(
            f"- id: local.{word}\n  category: scam\n  weight: 0.3\n"
            f"  description: {{en: x, id: y}}\n  keywords: {{id: [{word}]}}\n",
            encoding="utf-8",
        )
    ids = {h.id for h in Analyzer(AnalyzerConfig(indicators=(tmp_path,))).assess(LURE).indicators}
    assert ids == {"local.kamboja", "local.telegram"}


def test_a_subset_of_recognisers_finds_only_their_kinds() -> None:
    web_only = Analyzer(AnalyzerConfig(recognizers=("web",), model=None))
    assert {e.kind for e in web_only.assess(PHONE_TEXT).entities} == {"url"}
    assert {"phone", "url"} <= {e.kind for e in default_analyzer().assess(PHONE_TEXT).entities}


def test_configured_country_and_language_are_defaults_a_call_overrides() -> None:
    text = "Call 0912 345 678 now"  # a local number: read only with a hint (VN or TH)
    assert not [e for e in default_analyzer().assess(text).entities if e.kind == "phone"]
    vn = Analyzer(AnalyzerConfig(country="VN", language="id", model=None))
    (phone,) = [e for e in vn.assess(text).entities if e.kind == "phone"]
    assert phone.value == "+84912345678"
    (th,) = [e for e in vn.assess(text, country="TH").entities if e.kind == "phone"]
    assert th.value == "+66912345678"
    risky = vn.assess(LURE)
    assert risky.indicators and all(
        h.description == default_analyzer().indicators.taxonomy.by_id[h.id].describe("id")
        for h in risky.indicators
    )
    assert vn.assess(LURE, lang="en").indicators[0].description != risky.indicators[0].description


def test_bad_configuration_values_are_refused() -> None:
    with pytest.raises(ConfigError, match="country"):
        AnalyzerConfig(country="Indonesia")
    with pytest.raises(ConfigError, match="language"):
        AnalyzerConfig(language="vi")


def test_a_configuration_file_resolves_paths_from_its_folder(tmp_path: Path) -> None:
    model = _always_risky(tmp_path / "models" / "m.npz")
    (tmp_path / "ind").mkdir()
    (tmp_path / "ind" / "x.yaml").write_text(
        "- id: local.gaji\n  category: recruitment_lure\n  weight: 0.4\n"
        "  description: {en: x, id: y}\n  keywords: {id: [gaji]}\n",
        encoding="utf-8",
    )
    cfg_file = tmp_path / "waspada.toml"
    cfg_file.write_text(
        'model = "models/m.npz"\nindicators = ["ind"]\nrecognizers = ["web", "phone"]\n'
        'country = "ID"\nlanguage = "en"\n',
        encoding="utf-8",
    )
    cfg = AnalyzerConfig.from_file(cfg_file)
    assert cfg == AnalyzerConfig(
        model=model, indicators=(tmp_path / "ind",), recognizers=("web", "phone"),
        country="ID", language="en",
    )
    assert AnalyzerConfig.from_file(cfg_file, model="none").model is None
    # a model named by the caller (--model on the command line) is read from the working
    # directory, not from the configuration file's folder
    assert AnalyzerConfig.from_file(cfg_file, model="elsewhere/m.npz").model == Path(
        "elsewhere/m.npz"
    )
    assert AnalyzerConfig.from_file(cfg_file, model="packaged").model == PACKAGED
    out = Analyzer(cfg).assess(LURE)
    assert [h.id for h in out.indicators] == ["local.gaji"]
    assert out.model_version == "linear-always-risky"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('modle = "x.npz"\n', r"waspada\.toml: key 'modle': unknown key"),
        ("recognizers = \"web\"\n", r"key 'recognizers': must be a list"),
        ("country = 62\n", r"key 'country': must be a string"),
        ('country = "Indonesia"\n', r"waspada\.toml: country 'Indonesia'"),
        ("model = \n", r"waspada\.toml: not a valid TOML file"),
    ],
)
def test_a_bad_configuration_file_names_the_file_and_key(
    tmp_path: Path, content: str, message: str
) -> None:
    cfg_file = tmp_path / "waspada.toml"
    cfg_file.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        AnalyzerConfig.from_file(cfg_file)


def test_a_missing_configuration_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        AnalyzerConfig.from_file(tmp_path / "nope.toml")


def test_model_choice_reads_what_a_user_types(tmp_path: Path) -> None:
    assert model_choice("none") is None and model_choice("OFF") is None
    assert model_choice("packaged") == PACKAGED
    assert model_choice(str(tmp_path / "m.npz")) == tmp_path / "m.npz"
    assert model_choice(None) is None
