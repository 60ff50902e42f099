"""``waspada train`` and ``waspada evaluate``: build the learned model and measure it.

Both need the ``train`` extra (scikit-learn); the shipped model does not.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from waspada.cli import app
from waspada.errors import WaspadaError

DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Data directory (default: $WASPADA_DATA or ../shared/data)."),
]


def _data_dir(data: Path | None) -> Path | None:
    if data is not None:
        return data
    env = os.environ.get("WASPADA_DATA")
    return Path(env) if env else None


@app.command()
def train(
    data: DataOpt = None,
    extra: Annotated[
        list[Path] | None,
        typer.Option("--extra", help="CSV or JSONL with text,label: your own texts (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Model file (default: the packaged one).")
    ] = None,
) -> None:
    """Train the risk model on the labelled data sets (and --extra files) and save it."""
    from waspada.scoring.model import DEFAULT_MODEL_PATH
    from waspada.training.train import train_model

    try:
        res = train_model(_data_dir(data), extra=extra or [], out=out or DEFAULT_MODEL_PATH)
    except WaspadaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    size = res.path.stat().st_size / 1e6
    typer.echo(
        f"trained on {res.n_examples} texts in {res.seconds:.1f} s -> {res.path} "
        f"({size:.1f} MB), version {res.model.version}"
    )
    for name, counts in sorted(res.per_dataset.items()):
        typer.echo(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


@app.command()
def evaluate(
    data: DataOpt = None,
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="Where quality.md and quality.json are written.")
    ] = Path("benchmarks"),
) -> None:
    """Evaluate the model and the TF-IDF baseline; write quality.md and quality.json."""
    from waspada.training.evaluate import evaluate as run

    try:
        report = run(_data_dir(data), out_dir=out_dir, progress=lambda m: typer.echo(f"... {m}"))
    except WaspadaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo((out_dir / "quality.md").read_text())
    met = sum(t["met"] for t in report["targets"])
    typer.echo(f"{met}/{len(report['targets'])} targets met; wrote {out_dir}/quality.md and .json")
