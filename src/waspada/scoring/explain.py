"""The explanation, in the reader's language (English and Indonesian; others fall back to English).

A few short sentences: the verdict (for a text that reads as a warning or a report: that it
does, the cue words that show it, and the red flags it describes); the strongest red flags (by
their descriptions, already in the reader's language); the identifiers to be careful with (only
when a red flag fired: a phone number or an e-mail address is not a danger by itself); what to
do next; and, when a learned model supplied them, what the model reacted to, said in words: a
feature family becomes a phrase ("a WhatsApp number", "long digit runs"), an n-gram becomes the
text's own words around it, and a feature that cannot be said in words (an n-gram inside a
number, a length bucket) is left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from waspada.scoring.risk import RiskResult
from waspada.types import CONTACT_KINDS, Entity, IndicatorHit, StanceCue

MAX_FLAGS = 3
MAX_IDENTIFIERS = 4
MAX_FEATURES = 5
#: cue words quoted when the text reads as a warning or report
MAX_STANCE_CUES = 3

_T: dict[str, dict[str, str]] = {
    "en": {
        "high": "High risk ({risk}/100): this looks like {cat}.",
        "medium": "Medium risk ({risk}/100): this shows signs of {cat}.",
        "low": "Low risk ({risk}/100): no strong red flags found.",
        "advisory": "This reads like a warning about scams, not an offer (risk {risk}/100).",
        "stance.warning": "This reads as a warning about scams, not an offer ({cues}); "
        "risk {risk}/100.",
        "stance.report": "This reads as a report about scams or trafficking, not an offer "
        "({cues}); risk {risk}/100.",
        "mentions": "It describes these red flags: {flags}.",
        "cat.recruitment_lure": "a recruitment lure into a scam compound or trafficking",
        "cat.scam": "an online scam",
        "cat.benign": "an ordinary message",
        "flags": "Red flags: {flags}.",
        "weak": "Signs noted: {flags}.",
        "ids": "Be careful with: {ids}.",
        "do.recruitment_lure": "Do not pay any fee and do not send your passport; check the "
        "agency with your migrant-worker office (Indonesia: BP2MI/KP2MI, Philippines: DMW) "
        "before you go.",
        "do.scam": "Do not click links, share codes (OTP, PIN) or transfer money; contact the "
        "bank, company or relative through a number you already know.",
        "do.low": "Still: never pay to get a job and never share OTP codes.",
        "features": "The model also reacted to: {words}.",
        "semantic": "Its meaning is close to the {cat_short} the semantic model was trained on "
        "(in any language; {p:.0%}).",
        "short.recruitment_lure": "job lures",
        "short.scam": "scam messages",
    },
    "id": {
        "high": "Risiko tinggi ({risk}/100): ini tampak seperti {cat}.",
        "medium": "Risiko sedang ({risk}/100): ini menunjukkan tanda-tanda {cat}.",
        "low": "Risiko rendah ({risk}/100): tidak ditemukan tanda bahaya yang kuat.",
        "advisory": "Ini terbaca sebagai peringatan tentang penipuan, bukan tawaran "
        "(risiko {risk}/100).",
        "stance.warning": "Ini terbaca sebagai peringatan tentang penipuan, bukan tawaran "
        "({cues}); risiko {risk}/100.",
        "stance.report": "Ini terbaca sebagai laporan atau berita tentang penipuan atau "
        "perdagangan orang, bukan tawaran ({cues}); risiko {risk}/100.",
        "mentions": "Tanda bahaya yang dibahasnya: {flags}.",
        "cat.recruitment_lure": "umpan perekrutan ke sindikat penipuan atau perdagangan orang",
        "cat.scam": "penipuan online",
        "cat.benign": "pesan biasa",
        "flags": "Tanda bahaya: {flags}.",
        "weak": "Tanda yang terlihat: {flags}.",
        "ids": "Hati-hati dengan: {ids}.",
        "do.recruitment_lure": "Jangan membayar biaya apa pun dan jangan mengirim paspor; cek "
        "perusahaan atau agensinya ke BP2MI/KP2MI atau Disnaker sebelum berangkat.",
        "do.scam": "Jangan klik tautan, membagikan kode (OTP, PIN) atau mentransfer uang; "
        "hubungi bank, perusahaan atau keluarga lewat nomor yang sudah Anda kenal.",
        "do.low": "Tetap ingat: jangan pernah membayar untuk mendapat pekerjaan dan jangan "
        "membagikan kode OTP.",
        "features": "Model juga bereaksi pada: {words}.",
        "semantic": "Maknanya dekat dengan {cat_short} yang dipelajari model semantik "
        "(dalam bahasa apa pun; {p:.0%}).",
        "short.recruitment_lure": "umpan lowongan kerja",
        "short.scam": "pesan penipuan",
    },
}

#: named model features in words, per reader language; a name absent here is not shown
_FEATURE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "phone": "a phone number", "whatsapp": "a WhatsApp contact",
        "telegram": "a Telegram contact", "line": "a LINE contact", "wechat": "a WeChat contact",
        "zalo": "a Zalo contact", "facebook": "a Facebook link",
        "instagram": "an Instagram account",
        "tiktok": "a TikTok account", "email": "an e-mail address", "url": "a link",
        "url:shortener": "a shortened link", "crypto_wallet": "a crypto wallet address",
        "bank_account": "a bank account number", "money": "an amount of money",
        "place": "a place name", "place:hotspot": "a scam-compound hotspot",
        "longdigits": "long digit runs", "digits": "many digits", "upper": "many capital letters",
        "currency": "a currency sign or amount", "exclaim": "exclamation marks",
    },
    "id": {
        "phone": "nomor telepon", "whatsapp": "kontak WhatsApp", "telegram": "kontak Telegram",
        "line": "kontak LINE", "wechat": "kontak WeChat", "zalo": "kontak Zalo",
        "facebook": "tautan Facebook", "instagram": "akun Instagram", "tiktok": "akun TikTok",
        "email": "alamat e-mail", "url": "tautan", "url:shortener": "tautan pendek",
        "crypto_wallet": "alamat dompet kripto", "bank_account": "nomor rekening bank",
        "money": "jumlah uang", "place": "nama tempat", "place:hotspot": "lokasi sindikat penipuan",
        "longdigits": "deretan angka panjang", "digits": "banyak angka",
        "upper": "banyak huruf kapital", "currency": "simbol atau jumlah mata uang",
        "exclaim": "tanda seru",
    },
}
#: categories the semantic sentence names (it is said only for a risky verdict)
_SHORT_CATEGORIES = ("recruitment_lure", "scam")
#: share buckets (shape:digitsN, shape:upperN, N = tenths) from which the shape is worth saying
_SHARE_SHOWN_FROM = 3


def explain(
    result: RiskResult,
    hits: list[IndicatorHit],
    entities: list[Entity],
    lang: str,
    *,
    stance: str = "other",
    stance_cues: Sequence[StanceCue] = (),
    semantic: float | None = None,
) -> str:
    """``semantic``: the semantic stage's P(risky) when it read the text (said in words when it
    is at least 0.5 and the verdict is medium or high)."""
    t = _T.get(lang, _T["en"])
    red = [h for h in hits if h.category != "counter"]
    red.sort(key=lambda h: -h.weight)
    flags = "; ".join(dict.fromkeys(h.description for h in red[:MAX_FLAGS]))
    if stance in ("warning", "report") and result.level != "high":
        return _about(t, stance, stance_cues, result, flags)
    parts: list[str] = []
    # an offer that carries a beware line is still an offer: no "reads like a warning" sentence
    advisory = getattr(result, "advisory", False) and stance != "offer"
    if advisory:
        parts.append(t["advisory"].format(risk=result.risk))
    elif result.level in ("high", "medium"):
        parts.append(t[result.level].format(risk=result.risk, cat=t[f"cat.{result.category}"]))
    else:
        parts.append(t["low"].format(risk=result.risk))
    if flags and not advisory:
        parts.append(t["flags" if result.level != "low" else "weak"].format(flags=flags))
    ids = _identifiers(entities)
    if ids and red and result.level != "low":
        parts.append(t["ids"].format(ids=", ".join(ids)))
    if result.level != "low" and result.category in ("recruitment_lure", "scam"):
        parts.append(t[f"do.{result.category}"])
    elif red and not advisory:
        parts.append(t["do.low"])
    words = _features(result, lang, entities)
    if words:
        parts.append(t["features"].format(words=", ".join(words)))
    if semantic is not None and semantic >= 0.5 and result.category in _SHORT_CATEGORIES:
        short = t[f"short.{result.category}"]
        parts.append(t["semantic"].format(cat_short=short, p=semantic))
    return " ".join(parts)


def _about(
    t: dict[str, str], stance: str, cues: Sequence[StanceCue], result: RiskResult, flags: str
) -> str:
    """A warning or report: say so, quote the words that show it, list the flags it describes."""
    ranked = sorted(cues, key=lambda c: (c.cue == "about", c.start))  # the telling cues first
    words = list(dict.fromkeys(f"\u201c{c.text.strip()}\u201d" for c in ranked if c.text.strip()))
    quoted = ", ".join(words[:MAX_STANCE_CUES])
    parts = [t[f"stance.{stance}"].format(cues=quoted, risk=result.risk)]
    if flags:
        parts.append(t["mentions"].format(flags=flags))
    return " ".join(parts)


def _identifiers(entities: list[Entity]) -> list[str]:
    seen: dict[str, None] = {}
    for e in entities:
        if e.kind in CONTACT_KINDS:
            seen.setdefault(e.text.strip() or e.value, None)
        if len(seen) >= MAX_IDENTIFIERS:
            break
    return list(seen)


def _features(result: RiskResult, lang: str, entities: Sequence[Entity] = ()) -> list[str]:
    feats = [f for f in result.features if isinstance(f, dict) and "feature" in f]
    pos = [f for f in feats if _num(f.get("weight")) > 0]
    pos.sort(key=lambda f: -_num(f.get("weight")))
    # the model's web-address feature also fires on an e-mail's domain: in a text whose only
    # web address is an e-mail, that is what the model saw, not "a link"
    kinds = {e.kind for e in entities}
    email_only = "email" in kinds and "url" not in kinds
    said: dict[str, None] = {}
    for f in pos:
        if email_only and f.get("feature") == "shape:url":
            f = {"feature": "ent:email"}
        phrase = feature_in_words(f, lang)
        if phrase:
            said.setdefault(phrase, None)
        if len(said) >= MAX_FEATURES:
            break
    return list(said)


def feature_in_words(feature: dict[str, object], lang: str) -> str:
    """One model feature as a reader would say it; "" when it cannot be said in words.

    An n-gram (a feature dict with ``text``: the text's own words around it) is quoted; a named
    feature (``ent:...``, ``shape:...``) becomes a phrase in the reader's language; indicator
    features (``ind:``, ``indcat:``) are left out: the red flags are listed already.
    """
    words = _FEATURE_WORDS.get(lang, _FEATURE_WORDS["en"])
    if "text" in feature:
        quoted = str(feature["text"] or "").strip()
        return f"\u201c{quoted}\u201d" if quoted else ""
    name = str(feature.get("feature", ""))
    family, _, rest = name.partition(":")
    if family == "ent":
        kind = rest.removesuffix(":2+")
        if kind.startswith("phone:"):  # a phone number tied to a chat app: ent:phone:whatsapp
            kind = kind.split(":", 1)[1]
        return words.get(kind, "")
    if family == "shape":
        for key in ("digits", "upper"):
            if rest.startswith(key):
                bucket = rest[len(key):]
                shown = bucket.isdigit() and int(bucket) >= _SHARE_SHOWN_FROM
                return words[key] if shown else ""
        return words.get(rest, "")
    return ""


def _num(v: object) -> float:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
