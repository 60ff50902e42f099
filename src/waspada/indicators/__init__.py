"""Red-flag indicators: the data files under ``data/``, the loader that checks them, the
matcher that applies them, and the stance of a text (offer, warning, report)."""
