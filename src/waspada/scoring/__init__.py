"""Scoring: indicators (and later a learned model) into a risk, a level and a category."""
