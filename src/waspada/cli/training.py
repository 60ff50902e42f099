"""``waspada train`` and ``waspada evaluate``: build the learned model and measure it.

Both need the ``train`` extra (scikit-learn); the shipped model does not. ``train`` writes where
``--out`` says; it replaces the packaged model only when asked (``--replace-packaged``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from waspada.cli import common
from waspada.cli.app import app
from waspada.errors import WaspadaError

#: inner folds of the fast model in a LODO or corpus leave-one-language-out fold (the pooled and
#: within-set folds use the other outer folds; ``training.twostage``): 2 keeps the evaluation
#: within ~25 minutes on two cores
TRANSFER_INNER = 2


def _model_path(out: Path | None, replace_packaged: bool) -> Path:
    """Where ``train`` writes: ``--out``, or the packaged model with ``--replace-packaged``;
    neither or both is a usage error (exit 2) before any work."""
    from waspada.scoring.model import DEFAULT_MODEL_PATH

    if out is not None and replace_packaged:
        raise common.fail("give either --out FILE or --replace-packaged, not both")
    if out is None and not replace_packaged:
        raise common.fail("give --out FILE (where to write the model), or --replace-packaged to "
                          f"overwrite the model that ships with the package ({DEFAULT_MODEL_PATH})")
    return out if out is not None else DEFAULT_MODEL_PATH


def _semantic_path(model_path: Path, replace_packaged: bool) -> Path:
    """The semantic model's file: the packaged one, or FILE-semantic.npz beside ``--out``."""
    from waspada.semantic.classifier import DEFAULT_SEMANTIC_PATH

    if replace_packaged:
        return DEFAULT_SEMANTIC_PATH
    return model_path.with_name(f"{model_path.stem}-semantic.npz")


@app.command()
def train(
    data: common.DataOpt = None,
    extra: Annotated[
        list[Path] | None,
        typer.Option("--extra", help="CSV or JSONL with text,label: your own texts (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Model file to write (required unless "
                                                "--replace-packaged).")
    ] = None,
    replace_packaged: Annotated[
        bool, typer.Option("--replace-packaged", help="Overwrite the model that ships with the "
                                                      "package (what assess() uses by default).")
    ] = False,
    semantic: Annotated[
        bool, typer.Option("--semantic/--no-semantic", help="Also train the semantic stage's "
                                                           "model (default: yes).")
    ] = True,
    embeddings: Annotated[
        Path | None, typer.Option("--embeddings", help="Sentence-vector cache file (.npz): read "
                                                       "when it exists, then updated.")
    ] = None,
    config: common.ConfigOpt = None,
    as_json: common.JsonOpt = False,
) -> None:
    """Train the risk model on the labelled data sets (and --extra files) and save it, with the
    semantic stage's model beside it (FILE-semantic.npz; with --replace-packaged, the packaged
    one). With --config, the features come from that configuration's recognisers, indicators and
    encoder (use the models with the same configuration). Progress goes to stderr."""
    from waspada.training.train import SemanticPlan, train_model

    path = _model_path(out, replace_packaged)
    cfg = common.analyzer_config(config, "none")
    analyzer = common.build_analyzer(cfg)
    plan = None
    if semantic:
        plan = SemanticPlan(
            encoder=common.build_encoder((cfg.encoder if cfg else None) or "packaged"),
            out=_semantic_path(path, replace_packaged),
            embeddings=embeddings,
        )
    try:
        res = train_model(data, extra=extra or [], out=path, analyzer=analyzer, semantic=plan,
                          progress=lambda m: common.note(f"... {m}"))
    except WaspadaError as exc:
        raise common.fail(exc) from exc
    size = res.path.stat().st_size
    summary = {
        "path": str(res.path),
        "bytes": size,
        "version": res.model.version,
        "examples": res.n_examples,
        "per_dataset": res.per_dataset,
        "seconds": round(res.seconds, 1),
        "semantic_path": None if res.semantic_path is None else str(res.semantic_path),
        "semantic_version": None if res.semantic is None else res.semantic.version,
    }
    if as_json:
        common.print_json(summary)
        return
    typer.echo(f"trained on {res.n_examples} texts in {res.seconds:.1f} s -> {res.path} "
               f"({size / 1e6:.1f} MB), version {res.model.version}")
    if res.semantic is not None:
        typer.echo(f"semantic model -> {res.semantic_path}, version {res.semantic.version}")
    for name, counts in sorted(res.per_dataset.items()):
        typer.echo(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


@app.command()
def evaluate(
    data: common.DataOpt = None,
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="Where quality.md and quality.json are written.")
    ] = Path("benchmarks"),
    config: common.ConfigOpt = None,
    semantic: Annotated[
        bool, typer.Option("--semantic/--no-semantic", help="Also measure the semantic stage "
                                                           "and the two-stage result (default: "
                                                           "yes).")
    ] = True,
    embeddings: Annotated[
        Path | None, typer.Option("--embeddings", help="Sentence-vector cache file (.npz): read "
                                                       "when it exists, then updated.")
    ] = None,
    transfer_inner: Annotated[
        int, typer.Option("--transfer-inner-folds", min=2, help="Inner folds of the fast model "
                                                               "in a leave-one-out fold.")
    ] = TRANSFER_INNER,
    as_json: common.JsonOpt = False,
) -> None:
    """Evaluate the model and the TF-IDF baseline (and, with --semantic, the semantic stage and
    the two-stage result); write quality.md and quality.json (--json: print the report of
    quality.json). Progress goes to stderr. With --config, the texts go through that
    configuration's recognisers, indicators, stance cues and encoder."""
    from waspada.training.evaluate import evaluate as run

    cfg = common.analyzer_config(config, "none" if config else None)
    analyzer = common.build_analyzer(cfg)
    encoder = None
    if semantic:
        encoder = common.build_encoder((cfg.encoder if cfg else None) or "packaged")
    try:
        report = run(data, out_dir=out_dir, analyzer=analyzer, encoder=encoder,
                     embeddings=embeddings, transfer_inner=transfer_inner,
                     progress=lambda m: common.note(f"... {m}"))
    except WaspadaError as exc:
        raise common.fail(exc) from exc
    if as_json:
        common.print_json(report)
        return
    typer.echo((out_dir / "quality.md").read_text())
    met = sum(t["met"] for t in report["targets"])
    typer.echo(f"{met}/{len(report['targets'])} targets met; wrote {out_dir}/quality.md and .json")
