"""placeholder"""
from __future__ import annotations

from typing import Any

from waspada.exchange.received import Received


def parse_event(doc: Any, source_file: str) -> Received:
    return Received(source_file, "misp")
