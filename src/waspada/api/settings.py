"""The one configuration of the web service (``waspada serve`` builds it from its options)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from waspada.analyzer import Analyzer
from waspada.config import SemanticMode

#: the most texts one ``POST /api/v1/check`` may carry
MAX_BATCH = 50
#: the largest request body accepted (bytes); larger: 413
MAX_BODY_BYTES = 256 * 1024
#: the longest text one check takes (characters); the public page and API cap it here, far
#: below the analyzer's own limit, so that one request cannot hold the server for long
MAX_CHECK_CHARS = 20_000


@dataclass(frozen=True)
class ServeConfig:
    """``db``: the intel store (opened read-only while serving; created and migrated at start
    when missing or older). ``secret``: signs session cookies (None: a random one per process,
    so sign-ins end when the server stops). ``rate_per_minute`` / ``rate_burst``: the token
    bucket of anonymous checks per client address (0: no limit). ``analyzer``: the one
    analyzer (None: the packaged default, built once at start)."""

    db: Path
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    rate_per_minute: float = 30.0
    rate_burst: int = 10
    max_batch: int = MAX_BATCH
    max_body_bytes: int = MAX_BODY_BYTES
    max_check_chars: int = MAX_CHECK_CHARS
    session_hours: float = 8.0
    secure_cookies: bool = False
    semantic: SemanticMode | None = None
    analyzer: Analyzer | None = None
    #: where the check page sends people by default when no country is chosen
    default_country: str = "ID"
