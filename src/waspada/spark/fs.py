"""The output folder through Hadoop's FileSystem API (local disk, HDFS, object stores): the
driver lists committed runs, renames staged tables into place and writes commit markers
(``layout`` describes the folder and the protocol)."""

from __future__ import annotations

import json
from typing import Any

from pyspark.sql import SparkSession

from waspada.spark.layout import RUNS, STAGING, marker


class RunFS:
    """The output folder ``root`` as the driver sees it."""

    def __init__(self, spark: SparkSession, root: str) -> None:
        jvm: Any = spark.sparkContext._jvm
        self._jvm = jvm
        self.root = root.rstrip("/")
        self._path = jvm.org.apache.hadoop.fs.Path
        self.fs = self._path(self.root).getFileSystem(
            spark.sparkContext._jsc.hadoopConfiguration())

    def exists(self, path: str) -> bool:
        return bool(self.fs.exists(self._path(path)))

    def runs(self) -> list[str]:
        """Committed run ids, oldest first."""
        d = self._path(f"{self.root}/{RUNS}")
        if not self.fs.exists(d):
            return []
        names = [s.getPath().getName() for s in self.fs.listStatus(d)]
        return sorted(n[:-5] for n in names if n.endswith(".json"))

    def clean(self) -> None:
        """Remove what killed runs left (see ``layout.LocalLayout.clean``)."""
        done = set(self.runs())
        self.fs.delete(self._path(f"{self.root}/{STAGING}"), True)
        if not self.fs.exists(self._path(self.root)):
            return
        for t in self.fs.listStatus(self._path(self.root)):
            name = t.getPath().getName()
            if name.startswith("_") or not t.isDirectory():
                continue
            for r in self.fs.listStatus(t.getPath()):
                rn = r.getPath().getName()
                if rn.startswith("run=") and rn[4:] not in done:
                    self.fs.delete(r.getPath(), True)

    def move(self, src: str, dst: str) -> None:
        """Rename ``src`` to ``dst`` (its parent is created)."""
        d = self._path(dst)
        self.fs.mkdirs(d.getParent())
        if not self.fs.rename(self._path(src), d):
            raise OSError(f"cannot rename {src} to {dst}")

    def commit(self, run_id: str, info: dict[str, Any]) -> None:
        """Write the run's marker (under a temporary name, then renamed: one atomic step)."""
        final = marker(self.root, run_id)
        tmp = f"{final}.tmp"
        out = self.fs.create(self._path(tmp), True)
        try:
            out.write(bytearray(json.dumps(info, sort_keys=True).encode("utf-8")))
        finally:
            out.close()
        self.move(tmp, final)

    def delete(self, path: str) -> None:
        self.fs.delete(self._path(path), True)
