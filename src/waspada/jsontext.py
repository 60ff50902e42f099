"""JSON text that is valid UTF-8 and strict JSON for any str in it.

Texts, ids and sources come from untrusted input and may hold lone surrogates (a Python str can,
UTF-8 cannot). ``dumps`` keeps every character as it is except surrogate code points, which
become ``\\uXXXX`` escapes inside their JSON string, where the escape means the same thing:
``json.loads`` gives the same str back. (orjson refuses such escapes.) Used by every JSON output
of the CLI and by link's graph exports.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(obj: Any, indent: int | None = 2) -> str:
    """``obj`` as JSON text: non-ASCII kept, lone surrogates escaped, keys in the order given,
    no NaN or infinity (strict JSON; ``ValueError`` if one is there)."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False, default=str)
    # a raw surrogate can only sit inside a JSON string, where its escape means the same
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
