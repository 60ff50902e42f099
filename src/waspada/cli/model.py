"""PLACEHOLDER command module; registers its commands on ``waspada.cli.app``."""

from __future__ import annotations
