"""The declaration of every labelled data set (``DATASETS``): where its file is, its language,
how its labels map onto Waspada's categories, and which evaluation role, source and reference
each row gets (``datasets`` loads them; its docstring explains the roles)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    name: str
    path: str  # relative to the data directory
    language: str
    group: str
    labels: dict[str, str]  # source label -> category
    note: str = ""
    role_of: Callable[[dict[str, str]], str] | None = None  # row -> role (default: train)
    source_of: Callable[[dict[str, str]], str] | None = None  # row -> source (fold grouping)
    ref_of: Callable[[dict[str, str]], str] | None = None  # row -> reference for a person
    clean: Callable[[str], str] | None = None  # text clean-up of source artefacts


_PH_JOB_LABELS = frozenset({"work", "job offer"})
# anonymisation placeholders that occur only in one Vietnamese source file (GgSheetData): left in,
# the model would learn "[NAME] => smishing", i.e. the source instead of the scam.
_VI_PLACEHOLDER = re.compile(r"\[(?:NAME|BANK|BANK_ACCOUNT|LOCATION)\]")


def _ph_role(row: dict[str, str]) -> str:
    return "recall_test" if row.get("label", "") in _PH_JOB_LABELS else "train"


def _company(row: dict[str, str]) -> str:
    return " ".join((row.get("Company") or "").split()).casefold()


def job_ad_role(row: dict[str, str]) -> str:
    """``fpr_test`` for the companies whose name hashes odd, ``train`` for the others."""
    digest = int(hashlib.sha1(_company(row).encode("utf-8")).hexdigest(), 16)
    return "fpr_test" if digest % 2 else "train"


def _vi_clean(text: str) -> str:
    return _VI_PLACEHOLDER.sub(" ", text)


def _all_scam(labels: Iterable[str]) -> dict[str, str]:
    return {lab: "scam" for lab in labels}


_PH_REPORT_LABELS = [
    "others",
    "casino/gambling",
    "money",
    "not specified",
    "online games",
    "loan/bank",
    "raffle/play",
    "products",
    "claiming",
    "email",
    "platform",
    "online shopping",
    "unlabeled",
    "free",
    "rewards",
    "raffle",
    "deposit scam",
    "netflix",
    "lotto",
    "passive income",
    "political",
    "gcash",
    "unclaimed bonus",
    "fake news",
]

#: every data set Waspada trains or evaluates on, in one place
DATASETS: tuple[DatasetSpec, ...] = (
    DatasetSpec(
        "uci_sms_spam_collection",
        "uci_sms_spam_collection/data.csv",
        "en",
        "en",
        {"ham": "benign", "spam": "scam"},
        "spam is mostly prize and premium-rate fraud",
    ),
    DatasetSpec(
        "indonesian_sms_spam_wibisono",
        "indonesian_sms_spam_wibisono/data.csv",
        "id",
        "id",
        {"normal": "benign", "promo": "benign", "penipuan": "scam"},
        "promo = operator marketing, benign",
    ),
    DatasetSpec(
        "vietnamese_sms_smishing_ie403",
        "vietnamese_sms_smishing_ie403/data.csv",
        "vi",
        "vi",
        {"legit": "benign", "smishing": "scam"},
        "anonymisation placeholders ([NAME], [BANK], ...) of one source file removed",
        clean=_vi_clean,
    ),
    DatasetSpec(
        "thai_sms_fraud_beebuzz_kmutt",
        "thai_sms_fraud_beebuzz_kmutt/data.csv",
        "th",
        "th",
        {"normal": "benign", "fraud": "scam"},
    ),
    DatasetSpec(
        "thai_sms_scamguard",
        "thai_sms_scamguard/data.csv",
        "th",
        "th",
        {"non_scam": "benign", "scam": "scam"},
    ),
    DatasetSpec(
        "philippines_scam_sms_reports",
        "philippines_scam_sms_reports/scam_sms_reports.csv",
        "fil",
        "ph",
        {
            **_all_scam(_PH_REPORT_LABELS),
            "work": "recruitment_lure",
            "job offer": "recruitment_lure",
        },
        "all positive; `work` and `job offer` are the recruitment-scam recall test",
        role_of=_ph_role,
    ),
    DatasetSpec(
        "philippines_spam_bwandowando",
        "philippines_scam_sms_reports/bwandowando_spam_sms.csv",
        "fil",
        "ph",
        {"spam": "scam"},
        "all positive (spam received by one person)",
    ),
    DatasetSpec(
        "indonesian_job_postings_lokerid",
        "indonesian_job_postings_lokerid/data.csv",
        "id",
        "id_jobs",
        {"legitimate_unverified": "benign"},
        "ordinary job ads, unverified: half of the companies trained on as genuine ads, the other "
        "half the false-positive test",
        role_of=job_ad_role,
        source_of=_company,
        ref_of=lambda row: f"{row.get('Job ID', '')} · {row.get('Title', '')}".strip(),
    ),
)

SPECS: dict[str, DatasetSpec] = {s.name: s for s in DATASETS}
