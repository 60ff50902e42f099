"""Messaging and social handles: Telegram, WhatsApp groups, LINE, WeChat, Zalo, Facebook,
Instagram, TikTok.

Three sources, all data in ``data/handles.yaml``:
1. links (``t.me/name``, ``line.me/ti/p/~id``, ``facebook.com/groups/x``, ...), the entity spans
   the link;
2. labels (``telegram: @name``, ``ไลน์ abc123``, ``微信：abc``), the entity spans the handle;
3. a bare ``@name`` in a text that names Telegram and no other @-platform -> Telegram
   (score 0.6, ``inferred: true``).
The value is the lower-case handle without ``@``; invite codes keep their case (they are
case-sensitive); a Zalo number becomes its E.164 phone number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import regex

from waspada.errors import ConfigError
from waspada.recognizers.base import Context, Recognizer
from waspada.recognizers.contacts_data import get, load_yaml, lower_text, str_list, word_alternation
from waspada.recognizers.phone import phone_data, resolve
from waspada.text import patterns
from waspada.types import Entity

_FILE = "handles.yaml"
_KINDS = ("telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram", "tiktok")
_BARE_AT = patterns.compile_pattern(
    r"(?<![A-Za-z0-9_.@])@(?P<value>[A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_@])(?!\.[A-Za-z])",
    name="handles.bare_at",
)
_NON_DIGIT = regex.compile(r"\D+")


@dataclass(frozen=True, slots=True)
class LinkRule:
    kind: str
    rx: regex.Pattern[str]
    prefix: str = ""
    skip: frozenset[str] = frozenset()
    keep_case: bool = False
    phone: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LabelRule:
    kind: str
    rx: regex.Pattern[str]  # case-insensitive, runs on the normalised text
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class HandleData:
    links: tuple[LinkRule, ...]
    labels: tuple[LabelRule, ...]
    stop_values: frozenset[str]
    telegram_words: regex.Pattern[str]
    other_platform_words: regex.Pattern[str]
    prefilter: regex.Pattern[str]  # any link host or label word at all


def _kind(item: dict[str, Any], where: str) -> str:
    kind = get(item, "kind", str, where)
    if kind not in _KINDS:
        raise ConfigError(f"{where}: field 'kind': unknown kind {kind!r}")
    return str(kind)


def _compile(src: str, where: str, flags: int = regex.IGNORECASE) -> regex.Pattern[str]:
    try:
        return regex.compile(src, flags)
    except regex.error as exc:
        raise ConfigError(f"{where}: not a valid regex: {exc}") from exc


def _link_rule(item: Any, i: int) -> LinkRule:
    where = f"{_FILE}: links[{i}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: must be a mapping")
    rx = _compile(get(item, "pattern", str, where), f"{where} field 'pattern'")
    if "value" not in rx.groupindex:
        raise ConfigError(f"{where}: field 'pattern' has no (?P<value>...) group")
    attrs = item.get("attrs", {})
    if not isinstance(attrs, dict):
        raise ConfigError(f"{where}: field 'attrs' must be a mapping")
    return LinkRule(
        kind=_kind(item, where),
        rx=rx,
        prefix=str(item.get("prefix", "")),
        skip=frozenset(str(s).lower() for s in item.get("skip", [])),
        keep_case=bool(item.get("keep_case", False)),
        phone=item.get("phone"),
        attrs=dict(attrs),
    )


def _label_rule(item: Any, i: int) -> LabelRule:
    where = f"{_FILE}: labels[{i}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: must be a mapping")
    words = str_list(item, "words", where)
    handle = get(item, "handle", str, where)
    _compile(handle, f"{where} field 'handle'")
    strict_words = [w for w in words if w[-1].isascii() and not w.endswith("id")]
    loose_words = [w for w in words if w not in strict_words]
    at = rf"[ \t]*\(?@(?P<value>{handle})"
    sep = r"[ \t]*(?:[:：=]|[-–]>?)[ \t]*@?(?P<value>" + handle + ")"
    loose = r"[ \t]*[:：=]?[ \t]*@?(?P<value>" + handle + ")"
    alts = []
    at_only = bool(item.get("at_only", False))
    if strict_words:
        alt = word_alternation(strict_words)
        alts.append(alt + (at if at_only else f"(?:{at}|{sep})"))
    if loose_words:
        alts.append(word_alternation(loose_words) + (at if at_only else loose))
    tail = r"(?![A-Za-z0-9_])" if item.get("phone") is None else r"(?![0-9])"
    src = "(?:" + "|".join(alts) + ")" + tail
    return LabelRule(
        kind=_kind(item, where),
        rx=_compile(src, f"{where} field 'words'", regex.IGNORECASE | regex.V0),
        phone=item.get("phone"),
    )


@cache
def handle_data() -> HandleData:
    """Load and check ``handles.yaml`` (once per process)."""
    d = load_yaml(_FILE)
    links = tuple(_link_rule(it, i) for i, it in enumerate(get(d, "links", list, _FILE)))
    labels = tuple(_label_rule(it, i) for i, it in enumerate(get(d, "labels", list, _FILE)))
    for region in [r.phone for r in links] + [r.phone for r in labels]:
        if region is not None and region not in phone_data().regions:
            raise ConfigError(f"{_FILE}: field 'phone': {region!r} is not a phone region")
    tg = str_list(d, "telegram_words", _FILE)
    other = str_list(d, "other_platform_words", _FILE)
    hosts = r"(?:\.me/|\.com/|\.dog/|instagr\.am/|\.me\b)"
    label_words = [w for it in get(d, "labels", list, _FILE) for w in it["words"]]
    prefilter = "(?:" + hosts + "|@|" + word_alternation(label_words) + ")"
    return HandleData(
        links=links,
        labels=labels,
        stop_values=frozenset(w.lower() for w in str_list(d, "stop_values", _FILE)),
        telegram_words=patterns.compile_pattern(word_alternation(tg), name="handles.tg"),
        other_platform_words=patterns.compile_pattern(
            word_alternation(other), name="handles.other"
        ),
        prefilter=patterns.compile_pattern(prefilter, name="handles.prefilter"),
    )


class HandleRecognizer(Recognizer):
    name = "handles"
    kinds = _KINDS

    def __init__(self) -> None:
        handle_data()

    def recognize(self, ctx: Context) -> list[Entity]:
        data = handle_data()
        lower = lower_text(ctx)
        if patterns.search(data.prefilter, lower) is None:
            return []
        out: list[Entity] = []
        taken: list[tuple[int, int]] = []
        for rule in data.links:
            for m in patterns.finditer(rule.rx, ctx.text):
                self._from_link(ctx, rule, m, taken, out)
        for label in data.labels:
            for m in patterns.finditer(label.rx, ctx.text):
                s, e = m.span("value")
                raw = m.group("value").rstrip(".-")
                e = s + len(raw)
                if raw.lower() in data.stop_values or _overlaps(s, e, taken):
                    continue
                value = self._phone_value(ctx, raw, label.phone) if label.phone else raw.lower()
                if value is None:
                    continue
                s = s - 1 if s > 0 and ctx.text[s - 1] == "@" else s
                taken.append((s, e))
                out.append(ctx.entity(label.kind, value, s, e, recognizer=self.name, score=0.85))
        if "@" in ctx.text:
            out.extend(self._bare_telegram(ctx, lower, taken))
        return out

    def _from_link(
        self,
        ctx: Context,
        rule: LinkRule,
        m: regex.Match[str],
        taken: list[tuple[int, int]],
        out: list[Entity],
    ) -> None:
        raw = m.group("value")
        s, e = m.span()
        if rule.phone is None:
            raw = raw.rstrip(".")
            e = m.end("value") - (len(m.group("value")) - len(raw))
        if raw.lower() in rule.skip or _overlaps(s, e, taken):
            return
        if rule.phone is not None:
            value = self._phone_value(ctx, raw, rule.phone)
            if value is None:
                return
        else:
            value = rule.prefix + (raw if rule.keep_case else raw.lower())
        taken.append((s, e))
        out.append(
            ctx.entity(rule.kind, value, s, e, recognizer=self.name, score=0.95, **rule.attrs)
        )

    @staticmethod
    def _phone_value(ctx: Context, raw: str, region: str) -> str | None:
        digits = _NON_DIGIT.sub("", raw)
        plus = raw.startswith("+")
        if not ctx.country:
            ctx = Context(
                norm=ctx.norm,
                language=ctx.language,
                script=ctx.script,
                country=region,
                lower=ctx.lower,
                cache=ctx.cache,
            )
        found = resolve(digits, plus, ctx) if 7 <= len(digits) <= 15 else None
        return found[0] if found else None

    def _bare_telegram(
        self, ctx: Context, lower: str, taken: list[tuple[int, int]]
    ) -> list[Entity]:
        data = handle_data()
        if patterns.search(data.telegram_words, lower) is None:
            return []
        if patterns.search(data.other_platform_words, lower) is not None:
            return []
        out = []
        for m in patterns.finditer(_BARE_AT, ctx.text):
            s, e = m.span()
            value = m.group("value").lower()
            if value in data.stop_values or _overlaps(s, e, taken):
                continue
            out.append(
                ctx.entity("telegram", value, s, e, recognizer=self.name, score=0.6, inferred=True)
            )
        return out


def _overlaps(s: int, e: int, taken: list[tuple[int, int]]) -> bool:
    return any(a < e and s < b for a, b in taken)
