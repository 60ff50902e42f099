"""One local Spark session for all Spark tests (``local[2]``, 1 GB of driver memory, small
shuffles, no UI, the driver on 127.0.0.1 only), and the fixed corpus scanned and linked once by
both paths: the embedded one (``waspada.ingest.scan`` + ``waspada.link.incremental``) and
Spark's. Every test here carries the ``spark`` marker: the default run (and so CI) leaves them
out for time (pyproject's addopts); ``pytest -m spark`` runs them."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

#: the default install has no PySpark (scripts/test.sh adds it for -m spark), and these modules
#: import it: without it they are not collected. The default run deselects them anyway, and a
#: run that asks for them (-m spark) then collects nothing and pytest exits 5, a failure.
collect_ignore_glob = [] if importlib.util.find_spec("pyspark") else ["test_*.py"]

#: documents of the CI parity corpus (the 20,000-document parity: benchmarks/bench_spark.py)
CORPUS_DOCS = 800


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from waspada.spark.session import build_session

    s = build_session("local[2]", {
        "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2",
        "spark.driver.memory": "1g", "spark.sql.adaptive.enabled": "false",
    }, app_name="waspada-tests")
    yield s
    s.stop()


@dataclass
class Both:
    """The corpus, and what each path made of it."""

    inputs: list[str]
    store: Path  # the embedded store (scanned and linked)
    out: str  # the Spark output folder (scanned and linked)
    embedded_scan: Any
    spark_scan: Any


@pytest.fixture(scope="session")
def both(spark: Any, shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Both:
    from lab import spark_corpus
    from waspada.ingest.readers import Fields
    from waspada.ingest.scan import scan as embedded_scan
    from waspada.link.incremental import link_store
    from waspada.link.linker import LinkConfig
    from waspada.spark.executor import ScanParams
    from waspada.spark.link import link as spark_link
    from waspada.spark.scan import scan as spark_scan
    from waspada.store.db import Store

    root = tmp_path_factory.mktemp("spark-both")
    paths = spark_corpus.write(spark_corpus.build(CORPUS_DOCS), root / "in")
    inputs = [str(root / "in")]
    cfg = LinkConfig(max_df=spark_corpus.HUB_CAP)
    with Store.open(root / "embedded.duckdb") as st:
        er = embedded_scan(inputs, st, workers=0, semantic="off")
        link_store(st, cfg)
    out = str(root / "spark-out")
    sr = spark_scan(spark, inputs, out, ScanParams(Fields(), semantic="off"))
    spark_link(spark, out, cfg)
    assert len(paths) == 3
    return Both(inputs, root / "embedded.duckdb", out, er, sr)
