"""What an ``Analyzer`` is built from: ``AnalyzerConfig``, in code or from a TOML file.

A configuration file (``waspada check --config FILE``, ``waspada scan --config FILE``)::

    model = "models/ours.npz"          # a model file; "packaged" (default) or "none"
    semantic_model = "packaged"        # the semantic stage's model file; "packaged" or "none"
    encoder = "packaged"               # sentence encoder: "packaged" or "module:factory"
    semantic = "auto"                  # which texts the semantic stage reads: auto, all, off
    indicators = ["indicators/"]       # YAML files or folders of them; replace the packaged set
    stance_cues = ["stance/"]          # <lang>.yaml cue files; replace the packaged set
    recognizers = ["web", "phone"]     # by name; default: all built-in recognisers
    country = "ID"                     # default phone-format hint (ISO 3166 alpha-2)
    language = "id"                    # language of descriptions and explanations (en or id)

Relative paths are read from the file's folder. Unknown keys and wrong types raise ConfigError
naming the file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from waspada.errors import ConfigError

#: languages that descriptions and explanations are written in
EXPLANATION_LANGUAGES = ("en", "id")
#: ``AnalyzerConfig.model`` value for the model file shipped inside the package
PACKAGED: Literal["packaged"] = "packaged"
ModelChoice = Path | None | Literal["packaged"]
SemanticMode = Literal["auto", "all", "off"]
#: which texts the semantic stage reads (waspada.semantic.stage.escalate)
SEMANTIC_MODES: tuple[SemanticMode, ...] = ("auto", "all", "off")


@dataclass(frozen=True, slots=True)
class AnalyzerConfig:
    """Everything an analyzer loads, named once. None means "the packaged default" for the
    indicator and cue files and the recognisers; ``model=None`` means no model (risk from the
    indicators alone); ``semantic_model=None`` or ``encoder=None`` means no semantic stage.
    ``semantic`` is the default escalation mode of ``Analyzer.assess``."""

    model: ModelChoice = PACKAGED
    semantic_model: ModelChoice = PACKAGED
    encoder: str | None = PACKAGED
    semantic: SemanticMode = "auto"
    indicators: tuple[Path, ...] | None = None
    stance_cues: tuple[Path, ...] | None = None
    recognizers: tuple[str, ...] | None = None
    country: str | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        if self.country is not None and not (len(self.country) == 2 and self.country.isalpha()):
            raise ConfigError(f"country {self.country!r} is not an ISO 3166 alpha-2 code")
        if self.language is not None and self.language not in EXPLANATION_LANGUAGES:
            known = ", ".join(EXPLANATION_LANGUAGES)
            raise ConfigError(f"language {self.language!r} is not one of {known}")
        if self.semantic not in SEMANTIC_MODES:
            known = ", ".join(SEMANTIC_MODES)
            raise ConfigError(f"semantic {self.semantic!r} is not one of {known}")

    @classmethod
    def from_file(cls, path: Path, *, model: ModelChoice | str | None = None) -> AnalyzerConfig:
        """Read a TOML configuration file; ``model`` (a path, "packaged" or "none"), when given,
        overrides the file's."""
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror})") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not a valid TOML file ({exc})") from exc
        return _Reader(path).config(raw, model)


def model_choice(value: str | Path | None) -> ModelChoice:
    """A model argument as a user writes it: a path, "packaged", or "none"/"off"."""
    if value is None or isinstance(value, Path):
        return value
    low = value.strip().lower()
    if low == PACKAGED:
        return PACKAGED
    if low in ("none", "off"):
        return None
    return Path(value)


class _Reader:
    KEYS = (
        "model", "semantic_model", "encoder", "semantic", "indicators", "stance_cues",
        "recognizers", "country", "language",
    )  # fmt: skip

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, why: str) -> ConfigError:
        return ConfigError(f"{self.path}: key {key!r}: {why}")

    def config(self, raw: dict[str, Any], model: ModelChoice | str | None) -> AnalyzerConfig:
        for key in raw:
            if key not in self.KEYS:
                raise self.fail(key, f"unknown key (known: {', '.join(self.KEYS)})")
        if model is not None:  # the caller's (a command-line path is read from the cwd)
            chosen = model_choice(model) if isinstance(model, str) else model
        else:  # the file's: a relative path is read from the file's folder
            chosen = model_choice(self.string(raw, "model", PACKAGED))
            if isinstance(chosen, Path):
                chosen = self.resolve(chosen)
        semantic_model = model_choice(self.string(raw, "semantic_model", PACKAGED))
        if isinstance(semantic_model, Path):
            semantic_model = self.resolve(semantic_model)
        encoder = self.string(raw, "encoder", PACKAGED)
        try:
            return AnalyzerConfig(
                model=chosen,
                semantic_model=semantic_model,
                encoder=None if encoder.strip().lower() in ("none", "off") else encoder,
                semantic=self.string(raw, "semantic", "auto"),
                indicators=self.paths(raw, "indicators"),
                stance_cues=self.paths(raw, "stance_cues"),
                recognizers=self.strings(raw, "recognizers"),
                country=self.string(raw, "country", None),
                language=self.string(raw, "language", None),
            )
        except ConfigError as exc:
            raise ConfigError(f"{self.path}: {exc}") from exc

    def string(self, raw: dict[str, Any], key: str, default: str | None) -> Any:
        value = raw.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "must be a string")
        return value

    def strings(self, raw: dict[str, Any], key: str) -> tuple[str, ...] | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "must be a list of non-empty strings")
        return tuple(value)

    def paths(self, raw: dict[str, Any], key: str) -> tuple[Path, ...] | None:
        names = self.strings(raw, key)
        return None if names is None else tuple(self.resolve(Path(n)) for n in names)

    def resolve(self, p: Path) -> Path:
        return p if p.is_absolute() else self.path.parent / p

