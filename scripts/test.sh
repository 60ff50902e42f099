#!/usr/bin/env bash
# Install everything the tests need into .venv, then run lint, types and the whole test suite.
# Works on a fresh machine that has only Python (>= 3.11) and pip.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
# Spark tests (tests/spark, marker `spark`): PySpark needs a Java 17 runtime
command -v java >/dev/null ||
  (apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless)
echo "== ruff"
.venv/bin/ruff check src tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
