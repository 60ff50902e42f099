"""Experiment code for the benchmarks and the quality tests, kept out of the ``waspada`` package.

Importable as ``lab``: a benchmark script run as ``python benchmarks/<name>.py`` has
``benchmarks/`` on its path, and pytest adds it (``pythonpath`` in pyproject.toml).

- ``synth``: labelled linking data built from real texts by realistic edits;
- ``quality``: linking quality (campaigns, networks, chaining) on that data.
"""
