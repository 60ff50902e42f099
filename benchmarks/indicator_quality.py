"""Quality of the indicator-only risk on the real labelled data in ../shared/data.

For each data set: de-duplicated texts, the positive class, and for the rule "level >= medium":
precision, recall and false-positive rate. The Indonesian job ads (lokerid) are all ordinary ads:
only the false-positive rate means anything there (target <= 3 %). The Philippine `work` and
`job offer` reports are held out from keyword tuning and reported as recruitment-scam recall.

Usage:  python benchmarks/indicator_quality.py [--data DIR] [--why]
``--why`` adds, per data set, how often each indicator fired among false and true positives
(counts only: no message text is ever printed). Writes ``benchmarks/results/indicator_quality.json``
and ``.md``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from results_io import Lines, write_results
from waspada import assess
from waspada.datafiles import data_dir

DEFAULT_DATA = data_dir()

#: (name, file, positive labels or None when every row is positive, negative labels, row filter)
SETS: list[tuple[str, str, frozenset[str] | None, frozenset[str]]] = [
    ("uci_sms_spam_collection", "uci_sms_spam_collection/data.csv",
     frozenset({"spam"}), frozenset({"ham"})),
    ("indonesian_sms_spam_wibisono", "indonesian_sms_spam_wibisono/data.csv",
     frozenset({"penipuan"}), frozenset({"normal", "promo"})),
    ("vietnamese_sms_smishing_ie403", "vietnamese_sms_smishing_ie403/data.csv",
     frozenset({"smishing"}), frozenset({"legit"})),
    ("thai_sms_fraud_beebuzz_kmutt", "thai_sms_fraud_beebuzz_kmutt/data.csv",
     frozenset({"fraud"}), frozenset({"normal"})),
    ("thai_sms_scamguard", "thai_sms_scamguard/data.csv",
     frozenset({"scam"}), frozenset({"non_scam"})),
    ("philippines_scam_sms_reports (all but work/job offer)",
     "philippines_scam_sms_reports/scam_sms_reports.csv", None, frozenset()),
    ("philippines work + job offer (held out)",
     "philippines_scam_sms_reports/scam_sms_reports.csv", None, frozenset()),
    ("philippines bwandowando spam", "philippines_scam_sms_reports/bwandowando_spam_sms.csv",
     None, frozenset()),
    ("indonesian_job_postings_lokerid (all negative)", "indonesian_job_postings_lokerid/data.csv",
     frozenset(), frozenset({"legitimate_unverified"})),
]
JOB_LABELS = frozenset({"work", "job offer"})


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: int = 0
    why_fp: Counter[str] = field(default_factory=Counter)
    why_tp: Counter[str] = field(default_factory=Counter)

    def figures(self) -> dict[str, float | int | None]:
        pos, neg = self.tp + self.fn, self.fp + self.tn
        return {"positives": pos, "negatives": neg,
                "precision": round(self.tp / (self.tp + self.fp), 4) if self.tp + self.fp else None,
                "recall": round(self.tp / pos, 4) if pos else None,
                "fpr": round(self.fp / neg, 4) if neg else None, "errors": self.errors}

    def line(self, name: str) -> str:
        pos, neg = self.tp + self.fn, self.fp + self.tn
        prec = f"{self.tp / (self.tp + self.fp):6.1%}" if self.tp + self.fp else "     -"
        rec = f"{self.tp / pos:6.1%}" if pos else "     -"
        fpr = f"{self.fp / neg:6.1%}" if neg else "     -"
        err = f"  ({self.errors} texts raised, skipped)" if self.errors else ""
        return f"{name[:52]:52} {pos:6d} {neg:6d}  {prec}  {rec}  {fpr}{err}"


def rows(path: Path, name: str) -> Iterator[tuple[str, str]]:
    csv.field_size_limit(sys.maxsize)
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            text, label = (r.get("text") or "").strip(), (r.get("label") or "").strip()
            if not text or text in seen:
                continue
            if name.startswith("philippines work") and label not in JOB_LABELS:
                continue
            if name.startswith("philippines_scam") and label in JOB_LABELS:
                continue
            seen.add(text)
            yield text, label


def run(data: Path, why: bool) -> None:
    out = Lines()
    figures: dict[str, object] = {}
    out(f"{'data set (level >= medium = positive)':52} {'pos':>6} {'neg':>6}  "
          f"{'prec':>6}  {'recall':>6}  {'FPR':>6}")
    for name, rel, pos_labels, neg_labels in SETS:
        path = data / rel
        if not path.exists():
            out(f"{name[:52]:52}  (missing: {path})")
            continue
        t = Tally()
        for text, label in rows(path, name):
            positive = pos_labels is None or label in pos_labels
            if not positive and label not in neg_labels:
                continue
            try:
                a = assess(text[:20000])
            except Exception:  # assess() should never raise; count it rather than stop
                t.errors += 1
                continue
            flagged = a.level != "low"
            ids = [h.id for h in a.indicators]
            if flagged and positive:
                t.tp += 1
                t.why_tp.update(ids)
            elif flagged:
                t.fp += 1
                t.why_fp.update(ids)
            elif positive:
                t.fn += 1
            else:
                t.tn += 1
        out(t.line(name))
        figures[name] = t.figures()
        if why:
            out("    FP indicators: " + ", ".join(f"{k} {v}" for k, v in t.why_fp.most_common(8)))
            out("    TP indicators: " + ", ".join(f"{k} {v}" for k, v in t.why_tp.most_common(8)))
    write_results("indicator_quality", figures, out.markdown(),
                  title="Indicator-only risk (level >= medium) on the labelled data sets")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--why", action="store_true", help="indicator counts among FP and TP")
    args = ap.parse_args()
    run(args.data, args.why)


if __name__ == "__main__":
    main()
