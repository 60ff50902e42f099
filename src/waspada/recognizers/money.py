"""Money amounts and pay periods: ``Rp 15 jt/bulan``, ``USD 1,500``, ``20 triệu/tháng``, 月入过万.

Fields: ``amount`` (fully expanded number; the lower bound of a range), ``amount_max`` (upper
bound of a range, else absent), ``currency`` (ISO 4217 or USDT), ``period`` (hour, day, week,
month, year or None), ``usd_month`` (approximate monthly US dollars from the dated rate table in
``data/fx_rates.json``; for a range it is computed from the lower bound and ``usd_month_max`` from
the upper; None when no period is written unless a salary word is near, then a monthly amount is
assumed and ``period_assumed`` is "month"), ``rates_source`` and ``rates_date`` (the source of this
currency's rate in that table - ecb, usd, par or unverified - and its reference date).
Amounts in words (``gaji lima belas juta``) are read by ``money_words``.
"""

from __future__ import annotations

import regex

from waspada.recognizers.base import Recognizer
from waspada.recognizers.money_parse import find_amounts, load_lexicon, load_rates, usd_per_month
from waspada.recognizers.money_words import has_word_cue
from waspada.types import Context, Entity

_HAS_CUE = regex.compile(r"[\d万萬千]")


class MoneyRecognizer(Recognizer):
    name = "money"
    kinds = ("money",)

    def __init__(self) -> None:
        load_lexicon()  # compile and check the data at start, not in the middle of a batch
        self.rates = load_rates()

    def recognize(self, ctx: Context) -> list[Entity]:
        lower = ctx.lower
        if not _HAS_CUE.search(lower) and not has_word_cue(lower):
            return []
        out: list[Entity] = []
        for a in find_amounts(lower, language=ctx.language, script=ctx.script, country=ctx.country):
            period = a.period
            assumed = None
            if period is None and a.salary_context:
                assumed = "month"
            attrs: dict[str, object] = {
                "amount": a.amount,
                "currency": a.currency,
                "period": period,
                "usd_month": usd_per_month(a.amount, a.currency, period or assumed),
            }
            if a.amount_max is not None:
                attrs["amount_max"] = a.amount_max
                attrs["usd_month_max"] = usd_per_month(a.amount_max, a.currency, period or assumed)
            if assumed:
                attrs["period_assumed"] = assumed
            if a.at_least:
                attrs["at_least"] = True
            source = self.rates.source_of.get(a.currency)
            attrs["rates_source"] = source
            attrs["rates_date"] = self.rates.source_date.get(source) if source else None
            value = f"{a.amount}" + (f"-{a.amount_max}" if a.amount_max is not None else "")
            value += f" {a.currency}" + (f"/{period}" if period else "")
            out.append(
                ctx.entity(
                    "money",
                    value,
                    a.start,
                    a.end,
                    recognizer=self.name,
                    score=0.9 if a.explicit_currency else 0.7,
                    **attrs,
                )
            )
        return out
