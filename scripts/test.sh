#!/usr/bin/env bash
# Install everything the tests need into .venv, then run lint, types and the whole test suite.
# Works on a fresh machine that has only Python (>= 3.11) and pip, plus Debian's apt for the
# browser tests (tests/web: Chromium and the Noto fonts) and the Spark tests (Java 17), installed
# here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=$(command -v sudo || true); fi
APT=()  # Debian packages the tests need and this machine lacks
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -q "Noto Sans Khmer"; then
  APT+=(chromium fonts-noto-core)
fi
# the Spark tests (tests/spark, marker `spark`, not in the default run) need a Java 17 runtime
if [[ " $* " == *" spark "* ]] && ! command -v java >/dev/null; then
  APT+=(openjdk-17-jre-headless)
fi
if [ ${#APT[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    "${APT[@]}" >/dev/null
fi
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
if [[ " $* " == *" spark "* ]]; then  # the Spark tests (-m spark) need PySpark too
  .venv/bin/python -m pip install --quiet -e '.[dev,spark]'
fi
echo "== ruff"
.venv/bin/ruff check src tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
