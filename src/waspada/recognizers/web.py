"""E-mail addresses and URLs, with the registered domain from an offline public-suffix list.

``email``: value lower-cased. ``url``: value as written, ``http://`` prefixed when written
without a scheme; fields ``domain`` (registered domain, e.g. ``example.co.id``) and
``shortener`` (bit.ly, s.id, ...: ``data/shorteners.txt``). A bare host name without scheme or
``www.`` counts only when its suffix is a real public suffix (``abc-kerja.com`` yes,
``file.txt`` and ``3.5`` no). Patterns: ``data/web_patterns.yaml``.

The public-suffix list is the snapshot bundled inside tldextract: ``suffix_list_urls=()`` and
``cache_dir=None`` mean it never fetches or writes anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import regex
import tldextract

from waspada.errors import ConfigError
from waspada.recognizers.base import Recognizer
from waspada.recognizers.contacts_data import (
    Spans,
    load_lines,
    load_yaml,
    regex_field,
    str_list,
)
from waspada.text import patterns
from waspada.types import Context, Entity

_FILE = "web_patterns.yaml"
_LABEL = regex.compile(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?")
_TLD = regex.compile(r"[a-z][a-z0-9\-]{0,62}|xn--[a-z0-9\-]+")
_PAIRS = {")": "(", "]": "["}
#: from a dot, back to the start of the host name it is part of (a reverse match)
_BACK = regex.compile(r"(?r)[A-Za-z0-9\-.]*+")
_FORWARD = regex.compile(r"[A-Za-z0-9\-.]*+")
_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_ALPHA = _ASCII.__contains__
_HOST_CHAR = (_ASCII | frozenset("0123456789-")).__contains__


@dataclass(frozen=True, slots=True)
class WebData:
    explicit_url: regex.Pattern[str]
    bare_url: regex.Pattern[str]
    email: regex.Pattern[str]
    trailing: str
    bare_stoplist: frozenset[str]
    bare_common_tlds: frozenset[str]
    shorteners: frozenset[str]


@cache
def web_data() -> WebData:
    """Load and check ``web_patterns.yaml`` and ``shorteners.txt`` (once per process)."""
    d = load_yaml(_FILE)
    trailing = d.get("trailing")
    if not isinstance(trailing, str):
        raise ConfigError(f"{_FILE}: field 'trailing' must be a string")
    return WebData(
        explicit_url=regex_field(d, "explicit_url", _FILE),
        bare_url=regex_field(d, "bare_url", _FILE),
        email=regex_field(d, "email", _FILE),
        trailing=trailing,
        bare_stoplist=frozenset(w.lower() for w in str_list(d, "bare_stoplist", _FILE)),
        bare_common_tlds=frozenset(w.lower() for w in str_list(d, "bare_common_tlds", _FILE)),
        shorteners=load_lines("shorteners.txt"),
    )


def offline_extractor() -> tldextract.TLDExtract:
    """A public-suffix extractor that reads the bundled snapshot only: no download, no cache
    directory."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


_extractor = cache(offline_extractor)


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> tuple[str, str]:
    """``(registered domain, public suffix)`` of a lower-case host; ``("", "")`` if it has no
    public suffix."""
    ext = _extractor()(host)
    if not ext.suffix or not ext.domain:
        return "", ""
    return f"{ext.domain}.{ext.suffix}", ext.suffix


def is_shortener(host: str, domain: str) -> bool:
    """True when the host or its registered domain is a known link shortener."""
    s = web_data().shorteners
    return host in s or domain in s


def _trim(url: str, trailing: str) -> str:
    """Drop trailing punctuation, and a closing bracket that has no opening one."""
    while url:
        last = url[-1]
        unbalanced = last in _PAIRS and url.count(last) > url.count(_PAIRS[last])
        if not (last in trailing or unbalanced):
            break
        url = url[:-1]
    return url


_PATH_START = regex.compile(r"[/?#]")
_IPV4 = regex.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def _host_of(url_lower: str) -> str:
    rest = url_lower.split("://", 1)[1] if "://" in url_lower else url_lower
    host = _PATH_START.split(rest, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]  # user:pass@host
    return host.split(":", 1)[0].rstrip(".")


def _bare_candidates(text: str, bare_url: regex.Pattern[str]) -> Iterator[tuple[int, str]]:
    """Bare host names, found from their dots: a dot between an ASCII letter or digit and an
    ASCII letter. ``str.find`` walks the text at C speed; the host's start is found with a
    reverse match and the host itself with an anchored match, so the cost grows with the number
    of such dots, not with the length of the text."""
    n = len(text)
    covered = -1
    i = text.find(".")
    while i != -1:
        if i > covered and 0 < i < n - 1 and _ASCII_ALPHA(text[i + 1]) and _HOST_CHAR(text[i - 1]):
            back = _BACK.match(text, 0, i)
            start = back.start() if back else i
            m = patterns.match(bare_url, text, start)  # possessive pattern: linear
            if m is not None and m.end() > i:
                covered = m.end()
                yield m.start(), m.group()
            else:  # skip the rest of this run of host characters: linear, not quadratic
                run = _FORWARD.match(text, i)
                covered = max(covered, run.end() if run else i)
        i = text.find(".", i + 1)


class WebRecognizer(Recognizer):
    name = "web"
    kinds = ("email", "url")

    def __init__(self) -> None:
        web_data()
        registered_domain("example.com")  # load the suffix list now, not on the first text

    def recognize(self, ctx: Context) -> list[Entity]:
        text = ctx.text
        if "." not in text:
            return []
        data = web_data()
        out: list[Entity] = []
        taken = Spans()
        if "@" in text:
            for m in list(patterns.finditer(data.email, text)):
                host = m.group().rsplit("@", 1)[1].lower()
                if not registered_domain(host)[0]:
                    continue
                taken.add(*m.span())
                out.append(
                    ctx.entity(
                        "email",
                        m.group().lower(),
                        m.start(),
                        m.end(),
                        recognizer=self.name,
                        score=0.95,
                        domain=registered_domain(host)[0],
                    )
                )
        if "://" in text or "www" in ctx.lower:
            for m in list(patterns.finditer(data.explicit_url, text)):
                self._add_url(ctx, m.start(), m.group(), True, taken, out)
        for start, raw in _bare_candidates(text, data.bare_url):
            self._add_url(ctx, start, raw, False, taken, out)
        return out

    def _add_url(
        self,
        ctx: Context,
        start: int,
        raw: str,
        explicit: bool,
        taken: Spans,
        out: list[Entity],
    ) -> None:
        data = web_data()
        url = _trim(raw, data.trailing)
        end = start + len(url)
        if not url or taken.overlaps(start, end):
            return
        host = _host_of(url.lower())
        if not explicit and not self._plausible_bare(host, url, ctx.text, end, data):
            return
        domain, _suffix = registered_domain(host)
        if not domain and not _IPV4.fullmatch(host):
            return
        domain = domain or host
        taken.add(start, end)
        scheme = "://" in url[:10]
        out.append(
            ctx.entity(
                "url",
                url if scheme else "http://" + url,
                start,
                end,
                recognizer=self.name,
                score=0.95 if explicit else 0.8,
                domain=domain,
                shortener=is_shortener(host, domain),
            )
        )

    @staticmethod
    def _plausible_bare(host: str, url: str, text: str, end: int, data: WebData) -> bool:
        """A bare host (see web_patterns.yaml): valid labels, not stop-listed, not the local
        part of an e-mail, not glued to a letter, no title-case TLD, a common TLD unless it has
        a path, and then a rare TLD only in lower case."""
        has_path = len(url) > len(host) and url[len(host)] == "/"
        glued = end < len(text) and (text[end] == "@" or (text[end].isalpha() and not has_path))
        if host in data.bare_stoplist or glued:
            return False
        labels = host.split(".")
        tld = labels[-1]
        if (
            len(labels) < 2
            or not _TLD.fullmatch(tld)
            or not all(_LABEL.fullmatch(b) for b in labels)
        ):
            return False
        written = url[len(host) - len(tld) : len(host)]
        if written[:1].isupper() and written[1:].islower():
            return False
        if tld in data.bare_common_tlds:
            return True
        return has_path and written.islower()
