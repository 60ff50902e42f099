"""The output folder of ``spark scan`` / ``spark link``, and how a run is committed.

```
DIR/documents/run=<run_id>/part-*.parquet     one folder per committed run, for every table
DIR/assessments/run=<run_id>/...              (entities, doc_entities, indicator_hits,
...                                            quarantine; the link tables after spark link)
DIR/_runs/<run_id>.json                       the commit marker: the run's counts
DIR/_staging/<run_id>/<table>/                a run being written (never read)
```

A run writes every table under ``_staging``, renames each table's folder into place, then
writes its marker. Readers take only the runs that have a marker, so a job killed at any point
leaves nothing that counts: its staging folder and any table folder of a run without a marker
are removed by the next run (``Layout.clean``), which then does the work again. The run ids
sort in time order (``new_run_id``).

This module uses the local file system (``import-parquet``, tests); ``spark.fs`` does the same
through Hadoop's FileSystem API for a job whose DIR is on HDFS or an object store.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNS = "_runs"
STAGING = "_staging"


def new_run_id() -> str:
    """A run id that sorts after every earlier one (UTC time, then a random tail)."""
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


def table_dir(root: str, table: str, run_id: str) -> str:
    return f"{root.rstrip('/')}/{table}/run={run_id}"


def staging_dir(root: str, run_id: str) -> str:
    return f"{root.rstrip('/')}/{STAGING}/{run_id}"


def marker(root: str, run_id: str) -> str:
    return f"{root.rstrip('/')}/{RUNS}/{run_id}.json"


@dataclass(frozen=True, slots=True)
class LocalLayout:
    """The committed runs of an output folder on the local file system."""

    root: Path

    def runs(self) -> list[str]:
        """Committed run ids, oldest first."""
        d = self.root / RUNS
        if not d.is_dir():
            return []
        return sorted(p.stem for p in d.glob("*.json"))

    def run_info(self, run_id: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.root / RUNS / f"{run_id}.json").read_text())
        return data

    def files(self, table: str, run_id: str) -> list[Path]:
        """The Parquet files of one committed run of ``table`` (none when the run has none)."""
        d = Path(table_dir(str(self.root), table, run_id))
        return sorted(d.glob("*.parquet")) if d.is_dir() else []

    def clean(self) -> None:
        """Remove what killed runs left: staging folders, table folders without a marker."""
        done = set(self.runs())
        shutil.rmtree(self.root / STAGING, ignore_errors=True)
        if not self.root.is_dir():
            return
        for t in self.root.iterdir():
            if t.name.startswith("_") or not t.is_dir():
                continue
            for r in t.glob("run=*"):
                if r.name[4:] not in done:
                    shutil.rmtree(r, ignore_errors=True)
