"""The embedded DuckDB intel store: ``db`` owns connections, ``schema`` owns migrations."""
