"""Red-flag indicators: data files under ``data/`` and the engine that applies them."""
