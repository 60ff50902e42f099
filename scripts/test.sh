#!/usr/bin/env bash
# Install everything the tests need into .venv, then run lint, types and the whole test suite.
# Works on a fresh machine that has only Python (>= 3.11) and pip, plus Debian's apt for the
# browser tests (tests/web): Chromium and the Noto fonts, installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -q "Noto Sans Khmer"; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=$(command -v sudo || true); fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-core >/dev/null
fi
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
echo "== ruff"
.venv/bin/ruff check src tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
