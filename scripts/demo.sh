#!/usr/bin/env bash
# The main command: install Waspada into .venv (if needed), scan the bundled sample into an
# embedded DuckDB intel store, and print the riskiest documents and the most shared identifiers.
#   bash scripts/demo.sh            # uses ./waspada-demo.duckdb (recreated each run)
#   WASPADA_REINSTALL=1 bash scripts/demo.sh   # force `pip install -e .` again
# The sample (samples/README.md): 300 cited UCI SMS rows + a small, clearly labelled file of
# SYNTHETIC lures written to show code paths, not to measure real-world quality.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
DB=${WASPADA_DEMO_DB:-waspada-demo.duckdb}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
  WASPADA_REINSTALL=1
fi
if [ "${WASPADA_REINSTALL:-0}" = 1 ] || ! .venv/bin/python -c "import waspada.cli" 2>/dev/null; then
  echo "== installing waspada into .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e .
fi
W=.venv/bin/waspada
rm -f "$DB" "$DB.wal"
echo "== waspada scan samples/ --db $DB"
"$W" scan samples/ --db "$DB"
echo
echo "== waspada top -n 10"
"$W" top -n 10 --db "$DB"
echo
echo "== waspada entities --min-docs 2"
"$W" entities --min-docs 2 -n 10 --db "$DB"
echo
echo "== waspada link (campaigns: one template; networks: shared identifiers)"
"$W" link --db "$DB"
echo
echo "== waspada networks"
"$W" networks --limit 5 --db "$DB"
echo
echo "Next: '$W show ID --db $DB' for one record with its evidence; '$W stats --db $DB --json';"
echo "      '$W export --format parquet --no-text --db $DB'. Data: samples/README.md"
