"""The labelled data sets, one loader per set, all declared in ``DATASETS``.

Every loader maps the set's own labels onto Waspada's categories (benign / scam /
recruitment_lure) and tags each text with the data set, its language and its evaluation *role*:

- ``train``: used for training and for every cross-validation figure;
- ``recall_test``: the Philippine ``work`` / ``job offer`` reports, kept OUT of training, used only
  as a test of recruitment-scam recall;
- ``fpr_test``: the Indonesian job ads (unverified, taken as benign) of half of the companies,
  kept out of training, used only for the false-positive rate. The other half of the companies
  are trained on as genuine job ads (split by company: SHA-1 of the case-folded company name,
  odd = test, even = train; ``job_ad_role``).

The public-text corpus (``data/public_texts.jsonl``: warnings, news, benign texts, and the real
lures and scams they quote) is a training set too, when present: its texts carry their publisher
as ``source`` so that cross-validation never puts one publisher in both train and test, and their
own label (warning, news, ...) as ``tag``.

Texts are de-duplicated (exact text after stripping) within each set; a text that appears with
two different labels is dropped. Training texts that also appear in a test set are dropped from
training. Message texts are never printed or logged.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from waspada.datafiles import data_dir as default_data_dir
from waspada.datafiles import repo_path
from waspada.errors import ConfigError
from waspada.training.dataset_specs import DATASETS, SPECS, DatasetSpec

#: the public-text corpus of the repository (data/README.md); trained on when present
DEFAULT_CORPUS = repo_path("data", "public_texts.jsonl")
#: the corpus' name as a data set
PUBLIC_TEXTS = "public_texts"
#: corpus labels -> categories (warnings and news describe lures: they are not lures)
CORPUS_LABELS: dict[str, str] = {
    "recruitment_lure": "recruitment_lure",
    "scam": "scam",
    "warning": "benign",
    "news": "benign",
    "benign": "benign",
}

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str  # benign | scam | recruitment_lure
    dataset: str  # data set name (key of DATASETS, or "extra")
    language: str  # ISO 639-1 (fil for Filipino / Taglish)
    group: str  # leave-one-out group: the two Thai sets share "th"
    role: str = "train"  # train | recall_test | fpr_test
    source: str = ""  # publisher or company: cross-validation folds never split one source
    tag: str = ""  # the source's own label where it says more (corpus: warning, news, ...)
    ref: str = ""  # how a person finds the record again (corpus id; job ad: Job ID and title)

    @property
    def y(self) -> int:
        """1 for risky (scam or recruitment_lure), 0 for benign."""
        return 0 if self.label == "benign" else 1


#: label synonyms accepted in ``--extra`` files
LABEL_SYNONYMS: dict[str, str] = {
    "benign": "benign",
    "ham": "benign",
    "legit": "benign",
    "legitimate": "benign",
    "normal": "benign",
    "safe": "benign",
    "ok": "benign",
    "0": "benign",
    "not_scam": "benign",
    "non_scam": "benign",
    "clean": "benign",
    "scam": "scam",
    "spam": "scam",
    "fraud": "scam",
    "smishing": "scam",
    "phishing": "scam",
    "penipuan": "scam",
    "1": "scam",
    "malicious": "scam",
    "recruitment_lure": "recruitment_lure",
    "recruitment": "recruitment_lure",
    "lure": "recruitment_lure",
    "job_scam": "recruitment_lure",
    "trafficking": "recruitment_lure",
}


def load_dataset(spec: DatasetSpec, data_dir: Path) -> list[Example]:
    """Read one data set, map its labels, de-duplicate; raise ConfigError naming file and row."""
    path = data_dir / spec.path
    if not path.is_file():
        raise ConfigError(f"data set {spec.name}: file not found: {path}")
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"text", "label"} <= set(reader.fieldnames):
            raise ConfigError(f"{path}: needs the columns 'text' and 'label'")
        for lineno, row in enumerate(reader, start=2):
            raw = row.get("label") or ""
            if raw not in spec.labels:
                raise ConfigError(f"{path}: row {lineno}: field 'label': unknown label {raw!r}")
            text = row.get("text") or ""
            if spec.clean is not None:
                text = spec.clean(text)
            text = text.strip()
            if not text:
                continue
            role = spec.role_of(row) if spec.role_of else "train"
            source = spec.source_of(row) if spec.source_of else ""
            ref = spec.ref_of(row) if spec.ref_of else f"row {lineno}"
            out.append(
                Example(
                    text, spec.labels[raw], spec.name, spec.language, spec.group, role, source,
                    ref=ref,
                )
            )
    return dedupe(out)


def dedupe(examples: list[Example]) -> list[Example]:
    """Keep the first of identical texts; drop texts seen with conflicting categories."""
    first: dict[str, Example] = {}
    conflict: set[str] = set()
    for ex in examples:
        seen = first.get(ex.text)
        if seen is None:
            first[ex.text] = ex
        elif seen.y != ex.y:
            conflict.add(ex.text)
    return [ex for t, ex in first.items() if t not in conflict]


def corpus_half(publisher: str) -> str:
    """``dev`` or ``test``: the corpus half of a publisher (SHA-1 of its name even = dev).

    Hand-written rules (stance cues, red flags) are written looking at the dev half only, so
    the test half is their held-out figure (benchmarks/stance_quality.md, quality.md).
    """
    digest = int(hashlib.sha1(publisher.encode("utf-8")).hexdigest(), 16)
    return "dev" if digest % 2 == 0 else "test"


def load_corpus(path: Path = DEFAULT_CORPUS) -> list[Example]:
    """The public-text corpus as training examples (publisher = source, own label = tag)."""
    out: list[Example] = []
    for lineno, row in jsonl_objects(Path(path)):
        label = row.get("label")
        if label not in CORPUS_LABELS:
            raise ConfigError(f"{path}: line {lineno}: field 'label': unknown label {label!r}")
        text = str(row.get("text") or "").strip()
        if not text:
            raise ConfigError(f"{path}: line {lineno}: field 'text' is missing or empty")
        out.append(
            Example(
                text,
                CORPUS_LABELS[label],
                PUBLIC_TEXTS,
                str(row.get("lang") or "und"),
                "public",
                "train",
                str(row.get("publisher") or ""),
                label,
                str(row.get("id") or f"line {lineno}"),
            )
        )
    return dedupe(out)


def jsonl_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of every non-blank line; ConfigError naming file and line."""
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}: line {lineno}: not valid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise ConfigError(f"{path}: line {lineno}: expected an object with text, label")
            yield lineno, obj


def load_all(
    data_dir: Path | None = None,
    names: Iterable[str] | None = None,
    corpus: Path | None = DEFAULT_CORPUS,
) -> list[Example]:
    """All data sets (or ``names``), de-duplicated; training texts that are test texts dropped.

    ``data_dir``: default ``waspada.datafiles.data_dir()``. The public-text corpus ``corpus`` is
    included when the file exists and ``names`` is None or names ``public_texts``;
    ``corpus=None`` leaves it out.
    """
    base = Path(data_dir) if data_dir else default_data_dir()
    wanted = list(names) if names is not None else None
    chosen = [SPECS[n] for n in wanted if n != PUBLIC_TEXTS] if wanted is not None else DATASETS
    examples: list[Example] = []
    for spec in chosen:
        examples.extend(load_dataset(spec, base))
    if corpus is not None and (wanted is None or PUBLIC_TEXTS in wanted) and corpus.is_file():
        examples.extend(load_corpus(corpus))
    test_texts = {ex.text for ex in examples if ex.role != "train"}
    seen_train: set[str] = set()
    out: list[Example] = []
    for ex in examples:
        if ex.role == "train":
            if ex.text in test_texts or ex.text in seen_train:
                continue  # across sets: a text is trained on once, and never if it is a test text
            seen_train.add(ex.text)
        out.append(ex)
    return out


def load_extra(path: Path) -> list[Example]:
    """An organisation's own labelled texts: CSV or JSONL with ``text`` and ``label``.

    Labels: benign / scam / recruitment_lure or a common synonym (ham, spam, fraud, legit, ...).
    A bad row raises ConfigError naming the file and the line.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"--extra file not found: {path}")
    rows: list[tuple[int, object, object]] = []
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for lineno, obj in jsonl_objects(path):
            rows.append((lineno, obj.get("text"), obj.get("label")))
    else:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None or not {"text", "label"} <= {h.strip().lower() for h in header}:
                raise ConfigError(
                    f"{path}: line 1: the header needs the columns 'text' and 'label'"
                )
            cols = [h.strip().lower() for h in header]
            ti, li = cols.index("text"), cols.index("label")
            for rec in reader:
                lineno = reader.line_num
                if not any(c.strip() for c in rec):
                    continue
                if len(rec) != len(cols):
                    raise ConfigError(
                        f"{path}: line {lineno}: expected {len(cols)} fields, found {len(rec)}"
                    )
                rows.append((lineno, rec[ti], rec[li]))
    out: list[Example] = []
    for lineno, text, label in rows:
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{path}: line {lineno}: field 'text' is missing or empty")
        key = str(label).strip().lower().replace("-", "_").replace(" ", "_") if label else ""
        cat = LABEL_SYNONYMS.get(key)
        if cat is None:
            raise ConfigError(
                f"{path}: line {lineno}: field 'label': unknown label {label!r} "
                "(use benign, scam or recruitment_lure; ham/spam/fraud/legit also work)"
            )
        out.append(Example(text.strip(), cat, "extra", "und", "extra"))
    if not out:
        raise ConfigError(f"{path}: no labelled rows")
    return dedupe(out)
