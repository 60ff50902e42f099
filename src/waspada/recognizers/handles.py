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
from waspada.recognizers.base import Recognizer
from waspada.recognizers.contacts_data import Spans, get, load_yaml, str_list
from waspada.recognizers.phone import phone_data, resolve, with_default_country
from waspada.text import patterns
from waspada.text.keywords import Keywords
from waspada.types import Context, Entity, EntityKind

_FILE = "handles.yaml"
_KINDS: tuple[EntityKind, ...] = (
    "telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram", "tiktok",
)
_BARE_AT = patterns.compile_pattern(
    r"(?<![A-Za-z0-9_.@])@(?P<value>[A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_@])(?!\.[A-Za-z])",
    name="handles.bare_at",
)
_NON_DIGIT = regex.compile(r"\D+")
_LATIN = regex.compile(r"[\p{Latin}0-9]")


@dataclass(frozen=True, slots=True)
class LinkRule:
    kind: EntityKind
    rx: regex.Pattern[str]
    prefix: str = ""
    skip: frozenset[str] = frozenset()
    keep_case: bool = False
    phone: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LabelRule:
    kind: EntityKind
    strict: regex.Pattern[str]  # matched right after a Latin platform word: needs ":" or "@"
    loose: regex.Pattern[str]  # after a Thai/Han word or one ending in "id": a space will do
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class HandleData:
    links: tuple[LinkRule, ...]
    labels: tuple[LabelRule, ...]
    stop_values: frozenset[str]
    #: one Aho-Corasick pass over the lower-cased text finds every trigger:
    #: key -> ((tag, rule index, loose), ...), tag in link | label | tg | other
    automaton: Keywords[tuple[str, tuple[tuple[str, int, bool], ...]]]


def _kind(item: dict[str, Any], where: str) -> EntityKind:
    kind = get(item, "kind", str, where)
    for known in _KINDS:
        if kind == known:
            return known
    raise ConfigError(f"{where}: field 'kind': unknown kind {kind!r}")


def _compile(src: str, where: str, flags: int = regex.IGNORECASE) -> regex.Pattern[str]:
    try:
        rx = regex.compile(src, flags)
    except regex.error as exc:
        raise ConfigError(f"{where}: not a valid regex: {exc}") from exc
    return patterns.named(rx, where.replace(f"{_FILE}: ", "handles.").split(" ", 1)[0])


def _link_rule(item: Any, i: int) -> tuple[LinkRule, list[str]]:
    where = f"{_FILE}: links[{i}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: must be a mapping")
    rx = _compile(get(item, "pattern", str, where), f"{where} field 'pattern'")
    if "value" not in rx.groupindex:
        raise ConfigError(f"{where}: field 'pattern' has no (?P<value>...) group")
    attrs = item.get("attrs", {})
    if not isinstance(attrs, dict):
        raise ConfigError(f"{where}: field 'attrs' must be a mapping")
    rule = LinkRule(
        kind=_kind(item, where),
        rx=rx,
        prefix=str(item.get("prefix", "")),
        skip=frozenset(str(s).lower() for s in item.get("skip", [])),
        keep_case=bool(item.get("keep_case", False)),
        phone=item.get("phone"),
        attrs=dict(attrs),
    )
    return rule, [h.lower() for h in str_list(item, "hosts", where)]


def _label_rule(item: Any, i: int) -> tuple[LabelRule, list[str]]:
    where = f"{_FILE}: labels[{i}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: must be a mapping")
    words = str_list(item, "words", where)
    handle = get(item, "handle", str, where)
    _compile(handle, f"{where} field 'handle'")
    tail = r"(?![A-Za-z0-9_])" if item.get("phone") is None else r"(?![0-9])"
    at = rf"[ \t]*\(?@(?P<value>{handle})"
    sep = rf"[ \t]*(?:[:：=]|[-–]>?)[ \t]*@?(?P<value>{handle})"
    loose = rf"[ \t]*[:：=]?[ \t]*@?(?P<value>{handle})"
    at_only = bool(item.get("at_only", False))
    rule = LabelRule(
        kind=_kind(item, where),
        strict=_compile((at if at_only else f"(?:{at}|{sep})") + tail, f"{where} 'handle'"),
        loose=_compile((at if at_only else loose) + tail, f"{where} 'handle'"),
        phone=item.get("phone"),
    )
    return rule, words


def _is_loose(word: str) -> bool:
    return not word[-1].isascii() or word.endswith("id")


@cache
def handle_data() -> HandleData:
    """The packaged ``handles.yaml``, loaded and checked once per process."""
    return parse_handle_data(load_yaml(_FILE))


def parse_handle_data(d: dict[str, Any]) -> HandleData:
    """Check the content of a ``handles.yaml`` and compile it; ConfigError names the field."""
    link_items = [_link_rule(it, i) for i, it in enumerate(get(d, "links", list, _FILE))]
    label_items = [_label_rule(it, i) for i, it in enumerate(get(d, "labels", list, _FILE))]
    links = tuple(r for r, _ in link_items)
    labels = tuple(r for r, _ in label_items)
    for region in [r.phone for r in links] + [r.phone for r in labels]:
        if region is not None and region not in phone_data().regions:
            raise ConfigError(f"{_FILE}: field 'phone': {region!r} is not a phone region")
    keys: dict[str, list[tuple[str, int, bool]]] = {}
    for i, (_, hosts) in enumerate(link_items):
        for h in hosts:
            keys.setdefault(h, []).append(("link", i, False))
    for i, (_, words) in enumerate(label_items):
        for w in words:
            keys.setdefault(w.lower(), []).append(("label", i, _is_loose(w)))
    for tag, field_name in (("tg", "telegram_words"), ("other", "other_platform_words")):
        for w in str_list(d, field_name, _FILE):
            keys.setdefault(w.lower(), []).append((tag, -1, False))
    auto = Keywords((key, (key, tuple(payload))) for key, payload in keys.items())
    return HandleData(
        links=links,
        labels=labels,
        stop_values=frozenset(w.lower() for w in str_list(d, "stop_values", _FILE)),
        automaton=auto,
    )


def _standalone(lower: str, start: int, end: int, key: str) -> bool:
    """A key that starts (ends) with a Latin letter or digit is not glued to another there."""
    if start > 0 and _LATIN.match(key[0]) and _LATIN.match(lower[start - 1]):
        return False
    return not (end < len(lower) and _LATIN.match(key[-1]) and _LATIN.match(lower[end]))


class HandleRecognizer(Recognizer):
    name = "handles"
    kinds = _KINDS

    def __init__(self) -> None:
        handle_data()

    def recognize(self, ctx: Context) -> list[Entity]:
        data = handle_data()
        lower = ctx.lower
        link_rules: set[int] = set()
        label_hits: list[tuple[int, int, int, bool]] = []  # start, end, rule, loose
        tags: set[str] = set()
        for start, end, (key, payload) in data.automaton.find(lower):
            if not _standalone(lower, start, end, key) and not key.endswith("/"):
                continue
            for tag, idx, loose in payload:
                tags.add(tag)
                if tag == "link":
                    link_rules.add(idx)
                elif tag == "label":
                    label_hits.append((start, end, idx, loose))
        if not (link_rules or label_hits or "tg" in tags):
            return []
        out: list[Entity] = []
        taken = Spans()
        for i in sorted(link_rules):
            rule = data.links[i]
            for m in list(patterns.finditer(rule.rx, ctx.text)):
                self._from_link(ctx, rule, m, taken, out)
        label_hits.sort(key=lambda h: (h[0], -h[1]))
        for _start, end, idx, loose in label_hits:
            self._from_label(ctx, data, data.labels[idx], end, loose, taken, out)
        if "tg" in tags and "other" not in tags and "@" in ctx.text:
            out.extend(self._bare_telegram(ctx, taken))
        return out

    def _from_label(
        self,
        ctx: Context,
        data: HandleData,
        label: LabelRule,
        pos: int,
        loose: bool,
        taken: Spans,
        out: list[Entity],
    ) -> None:
        rx = label.loose if loose else label.strict
        m = patterns.match(rx, ctx.text, pos)  # bounded patterns
        if m is None:
            return
        s = m.start("value")
        raw = m.group("value").rstrip(".-")
        e = s + len(raw)
        if not raw or raw.lower() in data.stop_values or taken.overlaps(s, e):
            return
        value = self._phone_value(ctx, raw, label.phone) if label.phone else raw.lower()
        if value is None:
            return
        s = s - 1 if s > 0 and ctx.text[s - 1] == "@" else s
        taken.add(s, e)
        out.append(ctx.entity(label.kind, value, s, e, recognizer=self.name, score=0.85))

    def _from_link(
        self,
        ctx: Context,
        rule: LinkRule,
        m: regex.Match[str],
        taken: Spans,
        out: list[Entity],
    ) -> None:
        raw = m.group("value")
        s, e = m.span()
        if rule.phone is None:
            raw = raw.rstrip(".")
            e = m.end("value") - (len(m.group("value")) - len(raw))
        # "tiktok.com/@.." is a link with no handle once its trailing dots are dropped
        if not raw or raw.lower() in rule.skip or taken.overlaps(s, e):
            return
        if rule.phone is not None:
            value = self._phone_value(ctx, raw, rule.phone)
            if value is None:
                return
        else:
            value = rule.prefix + (raw if rule.keep_case else raw.lower())
        taken.add(s, e)
        out.append(
            ctx.entity(rule.kind, value, s, e, recognizer=self.name, score=0.95, **rule.attrs)
        )

    @staticmethod
    def _phone_value(ctx: Context, raw: str, region: str) -> str | None:
        digits = _NON_DIGIT.sub("", raw)
        plus = raw.startswith("+")
        ctx = with_default_country(ctx, region)
        found = resolve(digits, plus, ctx) if 7 <= len(digits) <= 15 else None
        return found[0] if found else None

    def _bare_telegram(self, ctx: Context, taken: Spans) -> list[Entity]:
        data = handle_data()
        out = []
        for m in list(patterns.finditer(_BARE_AT, ctx.text)):
            s, e = m.span()
            value = m.group("value").lower()
            if value in data.stop_values or taken.overlaps(s, e):
                continue
            out.append(
                ctx.entity("telegram", value, s, e, recognizer=self.name, score=0.6, inferred=True)
            )
        return out
