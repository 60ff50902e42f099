"""An in-process token bucket per client: ``rate`` tokens a minute, at most ``burst`` saved up.

One bucket per key (a client address or an API key id); a request takes one token, and when
there is none the caller is told how many seconds until there is (``Retry-After``). The clock is
injectable, so tests step it instead of sleeping. Buckets idle long enough to be full again are
forgotten, so the table stays small.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

#: buckets kept before idle ones are swept
_SWEEP_AT = 10_000


class RateLimiter:
    def __init__(self, per_minute: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str) -> int:
        """Take one token for ``key``: 0 when allowed, else the whole seconds to wait."""
        if not self.enabled:
            return 0
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > _SWEEP_AT:
                    self._sweep(now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))

    def _sweep(self, now: float) -> None:
        full = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}
