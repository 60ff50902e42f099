"""A static student of the semantic stage (issue 13, item 5): experiment only, nothing shipped.

The teacher is the semantic stage (multilingual-e5-small vectors + the L2 logistic regression of
``training.semantic``). The student sees only the fast stage's feature vector (hashed character
n-grams + named shape / indicator slots, ``training.prepared.prepare``), so at run time it costs
one more sparse dot product on a vector the fast stage has already built.

Two students, both fitted by kernel (dual) ridge regression on *unlabelled* texts:

- (a) **vector student** (tokenlearn / model2vec style): a linear map from the feature vector to
  the 384-d sentence vector, one 384-d vector per feature; its output is L2-normalised (the
  teacher's input is) and the teacher's classifier and Platt scaling are applied to it.
- (b) **logit student**: a linear map from the feature vector to the teacher's decision score,
  one weight per feature (the size of the fast model). Ridge is linear in its target, so (b) is
  (a) *without* the normalisation projected on the teacher's weights: fitting (b) costs nothing
  once (a) is fitted (``alpha_b = alpha_a @ teacher_weights``).

Protocol per left-out language group X (en, id, th, vi; ph: recall, it has no benign texts):

- every text of X (any role) goes to half A or half B by SHA-1 of its text (``half_of``);
- the fast model and the teacher are trained on the labelled texts of every *other* group
  (``role == "train"``, as in the LODO of benchmarks/transfer_experiments.py);
- one student map is distilled, labels unused, on every text in no test half (the A halves of
  the five groups, the public-text corpus, the job ads), so on X's half A among others; student
  (b) for X is that map projected on X's teacher; ``control=True`` adds students distilled
  without any text of X (does X's unlabelled half A carry the transfer?);
- all of fast / teacher / student / fast+teacher / fast+student are measured on X's half B
  (role ``train`` rows; for ph also the job-scam reports of half B). Decision: calibrated
  P >= 0.5 (the fast model: its Platt threshold), every threshold from training data only. The
  stacked results use the teacher's stacking rule (fitted on out-of-fold fast and teacher
  probabilities of the training groups) with the student's probability in the teacher's place.

The ridge penalty is chosen once, without labels, on texts that are in no test half: the cosine
between the student's and the encoder's vector on a hash-split validation part.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]

#: the left-out groups measured (ph: recall only)
GROUPS = ("en", "id", "th", "vi", "ph")
#: ridge penalties tried (unlabelled validation picks one)
LAMBDAS = (0.1, 0.3, 1.0, 3.0)
#: texts without a precomputed vector that the run may embed itself (a few seconds' work)
MAX_EMBED = 200
#: the decision rule's bar: "keep" needs this share of the teacher's gain ...
GAIN_SHARE_BAR = 0.8
#: ... at this many times the encoder's speed
SPEED_BAR = 50.0


def half_of(text: str) -> str:
    """``"A"`` (may be distilled on) or ``"B"`` (test) by SHA-1 of the text's UTF-8 bytes."""
    return "A" if int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "B"


def gain_share(fast: float, teacher: float, student: float) -> float | None:
    """The student's F1 gain over the fast stage as a share of the teacher's (None when the
    teacher gains nothing)."""
    gain = teacher - fast
    if gain <= 1e-9:
        return None
    return (student - fast) / gain


def gram(X: Any, rows: Array | None = None, cols: Array | None = None,
         block: int = 1024) -> npt.NDArray[np.float64]:
    """Dense ``X[rows] @ X[cols].T`` computed in column blocks (X sparse CSR)."""
    A = X if rows is None else X[rows]
    B = X if cols is None else X[cols]
    out = np.empty((A.shape[0], B.shape[0]), dtype=np.float64)
    At = A.tocsr()
    for s in range(0, B.shape[0], block):
        out[:, s : s + block] = (At @ B[s : s + block].T).toarray()
    return out


def ridge_dual(K: npt.NDArray[np.float64], Y: Array, lam: float) -> Array:
    """Solve ``(K + lam I) alpha = Y`` (Cholesky; ``K`` is overwritten)."""
    from scipy.linalg import cho_factor, cho_solve

    K[np.diag_indices_from(K)] += lam
    c = cho_factor(K, lower=True, overwrite_a=True, check_finite=False)
    return np.asarray(cho_solve(c, np.asarray(Y, dtype=np.float64), check_finite=False))


def unit_rows(V: Array) -> Array:
    n = np.linalg.norm(V, axis=1, keepdims=True)
    return np.asarray(V / np.maximum(n, 1e-12))


def mean_cosine(pred: Array, true: Array) -> float:
    return float(np.mean(np.sum(unit_rows(pred) * unit_rows(true), axis=1)))


def choose_lambda(K_pool: npt.NDArray[np.float64], E: Array, pool: Array,
                  say: Callable[[str], None]) -> tuple[float, dict[str, float]]:
    """The ridge penalty with the best mean cosine (student vs encoder vector, both less the
    mean vector, which dominates e5's raw cosines) on a hash-split validation fifth of ``pool``
    (``K_pool``: its gram matrix; no labels used)."""
    key = np.array([int(hashlib.sha1(str(i).encode()).hexdigest(), 16) % 5 for i in pool])
    fit, val = np.flatnonzero(key != 0), np.flatnonzero(key == 0)
    mu = E[pool[fit]].mean(axis=0)
    scores: dict[str, float] = {}
    for lam in LAMBDAS:
        K = K_pool[np.ix_(fit, fit)]
        alpha = ridge_dual(K, E[pool[fit]] - mu, lam)
        pred = mu + K_pool[np.ix_(val, fit)] @ alpha
        scores[str(lam)] = round(mean_cosine(pred - mu, E[pool[val]] - mu), 4)
        say(f"  lambda {lam}: centred cosine {scores[str(lam)]} on {len(val)} validation texts")
    best = max(LAMBDAS, key=lambda v: scores[str(v)])
    return best, scores


def sigmoid(z: Array) -> Array:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -500, 500))))


def f1_of(y: Array, p: Array, recall_only: bool) -> dict[str, Any]:
    from waspada.training.cv import metrics

    m = metrics(y, p, p >= 0.5)
    keep = {"f1": m["f1"], "precision": m["precision"], "recall": m["recall"], "n": m["n"],
            "positives": m["positives"]}
    if "pr_auc" in m:
        keep["pr_auc"] = m["pr_auc"]
    keep["score"] = m["recall"] if recall_only else m["f1"]
    return keep


def speed(texts: Sequence[str], w_b: Array, W_a: Array, mu: Array, teacher_w: Array,
          say: Callable[[str], None], repeats: int = 3) -> dict[str, Any]:
    """CPU seconds per text, same process, same texts: the fast stage (``first_stage``), the
    student's feature vector (``model_entries``), the students' dot products, the encoder
    (one text per call, one thread, cut to 64 tokens) + the teacher's dot product."""
    from waspada.analyzer import default_analyzer
    from waspada.semantic.encoder import E5Encoder
    from waspada.training.train import DEFAULT_CONFIG, model_entries

    an = default_analyzer()
    enc = E5Encoder(threads=1)
    enc.embed(["warm up"])
    for t in texts[:5]:
        an.first_stage(t)

    def per_text(fn: Callable[[], object], n: int) -> float:
        best = float("inf")
        for _ in range(repeats):
            t0 = time.process_time()
            fn()
            best = min(best, (time.process_time() - t0) / n)
        return best

    n = len(texts)
    fast = per_text(lambda: [an.first_stage(t) for t in texts], n)
    analysed = [an.analyse(t) for t in texts]
    entries: list[tuple[Array, Array]] = []

    def feats() -> None:
        entries.clear()
        for ctx, ents, hits in analysed:
            e = model_entries(ctx.text, ctx.lower, DEFAULT_CONFIG, hits, ents)
            entries.append((e[0], e[1]))

    features = per_text(feats, n)
    dot_b = per_text(lambda: [float(w_b[i] @ v) for i, v in entries], n)

    def vec_a() -> None:
        for i, v in entries:
            z = v @ W_a[i] + mu
            z = z / max(float(np.linalg.norm(z)), 1e-12)
            float(z @ teacher_w)

    dot_a = per_text(vec_a, n)
    norm = [ctx.text for ctx, _, _ in analysed]
    # the encoder: once (about 0.1 s a text on this shared machine)
    t0 = time.process_time()
    for t in norm:
        float(enc.embed([t])[0] @ teacher_w)
    encoder = (time.process_time() - t0) / n
    out = {
        "texts": n,
        "fast_stage_ms": round(fast * 1e3, 4),
        "features_ms": round(features * 1e3, 4),
        "student_b_dot_ms": round(dot_b * 1e3, 4),
        "student_a_map_ms": round(dot_a * 1e3, 4),
        "encoder_ms": round(encoder * 1e3, 3),
    }
    out["ratio_encoder_over_student_b_marginal"] = round(encoder / dot_b, 0)
    out["ratio_encoder_over_student_b_standalone"] = round(encoder / (features + dot_b), 1)
    out["ratio_encoder_over_student_a_marginal"] = round(encoder / dot_a, 0)
    out["ratio_encoder_over_student_a_standalone"] = round(encoder / (features + dot_a), 1)
    out["ratio_encoder_over_fast_stage"] = round(encoder / fast, 1)
    say(f"speed: {out}")
    return out


def load_features(feat_cache: Path, say: Callable[[str], None]) -> tuple[list[Any], Any]:
    """Every text of the data (any role) and its fast-stage features (computed once, kept in
    ``feat_cache``)."""
    from scipy.sparse import load_npz, save_npz

    from waspada.training.datasets import load_all
    from waspada.training.prepared import prepare
    from waspada.training.train import DEFAULT_CONFIG

    ex = load_all()
    if feat_cache.is_file():
        X = load_npz(feat_cache).tocsr()
        if X.shape[0] != len(ex):
            raise SystemExit(f"{feat_cache}: {X.shape[0]} rows, the data has {len(ex)}")
    else:
        t0 = time.perf_counter()
        X = prepare(ex, DEFAULT_CONFIG).X.tocsr()
        save_npz(feat_cache, X)
        say(f"featurised {len(ex)} texts in {time.perf_counter() - t0:.0f} s")
    return ex, X


def load_inputs(cache_paths: Sequence[Path], feat_cache: Path,
                say: Callable[[str], None]) -> dict[str, Any]:
    """``load_features`` and every text's sentence vector from the precomputed embedding
    caches (never the encoder: a missing vector stops the run)."""
    from waspada.semantic.encoder import E5Encoder, EmbeddingCache, content_key
    from waspada.training.semantic import semantic_text

    ex, X = load_features(feat_cache, say)
    enc = E5Encoder()
    cache = EmbeddingCache(enc, maxsize=None)
    for p in cache_paths:
        cache.load(p)
    norm = [semantic_text(e.text) for e in ex]
    missing = sum(content_key(enc.name, t) not in cache._rows for t in set(norm))
    if missing > MAX_EMBED:
        raise SystemExit(f"{missing} texts have no precomputed vector: not embedding them here")
    say(f"{missing} texts have no precomputed vector: embedding them (one thread)")
    from waspada.training.semantic import embed_texts

    E = embed_texts([e.text for e in ex], cache)
    return {
        "embedded_here": missing,
        "examples": ex,
        "X": X,
        "E": E.astype(np.float64),
        "y": np.array([e.y for e in ex]),
        "dataset": np.array([e.dataset for e in ex]),
        "group": np.array([e.group for e in ex]),
        "role": np.array([e.role for e in ex]),
        "half": np.array([half_of(e.text) for e in ex]),
        "encoder_name": enc.name,
    }


_SHARED: dict[str, Any] = {}  # the inputs, inherited by forked workers


def _fit_fast(g: str) -> tuple[str, Any]:
    """The fast model of left-out group ``g`` (shipped recipe, trained on every other group),
    kept in ``_SHARED["fast_cache"]`` (a folder) when given: it depends on the data only."""
    from waspada.training.recipe import DEFAULT_RECIPE, Fitted, fit_recipe

    X, y, ds, grp, role = (_SHARED[k] for k in ("X", "y", "dataset", "group", "role"))
    tr = np.flatnonzero((role == "train") & (grp != g))
    folder = _SHARED.get("fast_cache")
    path = None if folder is None else Path(folder) / f"fast-{g}-{len(tr)}-{X.nnz}.npz"
    if path is not None and _SHARED.get("wait_for_cache") and not path.is_file():
        while not path.is_file():
            time.sleep(10)  # another process (--fast-only) is fitting it
        time.sleep(10)  # ... and may still be writing it
    if path is not None and path.is_file():
        with np.load(path, allow_pickle=False) as z:
            return g, Fitted(z["coef"], float(z["b"]), (float(z["platt"][0]), float(z["platt"][1])),
                             float(z["thr"]), z["oof_p"])
    fit = fit_recipe(X[tr], y[tr], ds[tr], DEFAULT_RECIPE)
    if path is not None:
        assert fit.oof_p is not None
        np.savez(path, coef=fit.coef, b=fit.intercept, platt=np.array(fit.platt),
                 thr=fit.threshold, oof_p=fit.oof_p)
    return g, fit


def fit_fast_all(d: dict[str, Any], groups: Sequence[str], workers: int) -> Any:
    """Start the fast models' fits (the slowest part: liblinear on 2^20 features) in forked
    worker processes; returns the executor and the futures."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _SHARED.update(d)
    _SHARED["wait_for_cache"] = workers == 0
    ex = ProcessPoolExecutor(max_workers=max(workers, 1),
                             mp_context=multiprocessing.get_context("fork"))
    return ex, {g: ex.submit(_fit_fast, g) for g in groups}


def run(d: dict[str, Any], say: Callable[[str], None], groups: Sequence[str] = GROUPS,
        speed_texts: int = 150, workers: int = 2, lam: float | None = None,
        control: bool = False) -> dict[str, Any]:
    """The experiment (module docstring). ``lam``: a ridge penalty already chosen (skips the
    choice); ``control``: also students distilled without any text of the left-out group."""
    from waspada.training.semantic import fit_semantic

    pool_ex, futures = fit_fast_all(d, groups, workers)

    X, E, y, ds, grp, role, half = (d[k] for k in
                                    ("X", "E", "y", "dataset", "group", "role", "half"))
    # one distillation set for every left-out group: the texts in no test half (the A halves
    # of the groups, the corpus, the job ads), so no student ever saw a text it is tested on
    in_test_half = np.isin(grp, list(groups)) & (half == "B")
    pool = np.flatnonzero(~in_test_half)
    t0 = time.perf_counter()
    K_all = gram(X, cols=pool)  # every text against the distillation set
    say(f"gram matrix {len(y)}x{len(pool)} in {time.perf_counter() - t0:.0f} s")
    lam_scores: dict[str, float] = {}
    if lam is None:
        say(f"choosing the ridge penalty on {len(pool)} texts in no test half (no labels)")
        lam, lam_scores = choose_lambda(K_all[pool], E, pool, say)
    say(f"ridge penalty {lam}")
    t0 = time.perf_counter()
    mu = E[pool].mean(axis=0)
    alpha_a = ridge_dual(K_all[pool], E[pool] - mu, lam)
    say(f"distilled on {len(pool)} texts in {time.perf_counter() - t0:.0f} s")

    out: dict[str, Any] = {"lambda": lam, "lambda_validation_cosine": lam_scores,
                           "distil_texts": len(pool), "groups": {}}
    last: dict[str, Any] = {}
    for g in groups:
        t1 = time.perf_counter()
        tr = np.flatnonzero((role == "train") & (grp != g))
        test_rows = np.flatnonzero((grp == g) & (half == "B") & (role == "train"))
        job_rows = np.flatnonzero((grp == g) & (half == "B") & (role == "recall_test"))
        fast = futures[g].result()[1]
        teacher = fit_semantic(E[tr].astype(np.float32), y[tr], ds[tr], fast.oof_p,
                               d["encoder_name"])
        th_w = teacher.weights.astype(np.float64)
        # (b) = (a) projected on this teacher's weights (ridge is linear in its target)
        alpha_b = alpha_a @ th_w
        rows = np.concatenate([test_rows, job_rows])
        Kt = K_all[rows]
        vec_a = unit_rows(mu + Kt @ alpha_a)
        dec_b = mu @ th_w + teacher.intercept + Kt @ alpha_b

        pa, pb = teacher.platt_a, teacher.platt_b
        a, b = fast.platt
        p = {
            "fast": sigmoid(a * fast.decision(X[rows]) + b),
            "teacher": teacher.probabilities(E[rows].astype(np.float32)),
            "student_a": sigmoid(pa * (vec_a @ th_w + teacher.intercept) + pb),
            "student_b": sigmoid(pa * dec_b + pb),
        }
        if control:  # distilled without any text of g: does g's unlabelled half A matter?
            pos = np.flatnonzero(grp[pool] != g)
            mu_c = E[pool[pos]].mean(axis=0)
            alpha_c = ridge_dual(K_all[np.ix_(pool[pos], pos)], E[pool[pos]] - mu_c, lam)
            z_c = Kt[:, pos] @ alpha_c
            p["student_a (no X texts)"] = sigmoid(
                pa * (unit_rows(mu_c + z_c) @ th_w + teacher.intercept) + pb)
            p["student_b (no X texts)"] = sigmoid(
                pa * (mu_c @ th_w + teacher.intercept + z_c @ th_w) + pb)
            del alpha_c, z_c
        stack = np.vectorize(teacher.stack)
        p["fast+teacher"] = stack(p["fast"], p["teacher"])
        p["fast+student_a"] = stack(p["fast"], p["student_a"])
        p["fast+student_b"] = stack(p["fast"], p["student_b"])
        if control:
            for k in ("student_a", "student_b"):
                p[f"fast+{k} (no X texts)"] = stack(p["fast"], p[f"{k} (no X texts)"])
        m = len(test_rows)
        res: dict[str, Any] = {
            "train_texts": len(tr), "test_texts": m,
            "cosine_student_a_vs_encoder": round(mean_cosine(vec_a[:m], E[test_rows]), 4),
            "centred_cosine_student_a_vs_encoder": round(
                mean_cosine(vec_a[:m] - mu, E[test_rows] - mu), 4),
            "corr_student_b_vs_teacher_logit": round(float(np.corrcoef(
                dec_b[:m], E[test_rows] @ th_w)[0, 1]), 4),
        }
        res["stack_rule"] = [round(v, 3) for v in teacher.stack_weights]
        res["metrics"] = {k: f1_of(y[test_rows], v[:m], g == "ph") for k, v in p.items()}
        if len(job_rows):
            res["job_scam_recall"] = {k: round(float(np.mean(v[m:] >= 0.5)), 4)
                                      for k, v in p.items()}
            res["job_scam_texts"] = len(job_rows)
        sc = {k: v["score"] for k, v in res["metrics"].items()}
        res["gain_share"] = {
            "student_a": gain_share(sc["fast"], sc["teacher"], sc["student_a"]),
            "student_b": gain_share(sc["fast"], sc["teacher"], sc["student_b"]),
            "fast+student_a (of fast+teacher)": gain_share(
                sc["fast"], sc["fast+teacher"], sc["fast+student_a"]),
            "fast+student_b (of fast+teacher)": gain_share(
                sc["fast"], sc["fast+teacher"], sc["fast+student_b"]),
        }
        res["gain_share"] = {k: None if v is None else round(v, 3)
                             for k, v in res["gain_share"].items()}
        res["seconds"] = round(time.perf_counter() - t1, 1)
        say(f"{g}: " + ", ".join(f"{k} {v}" for k, v in sc.items())
            + f"; shares {res['gain_share']} ({res['seconds']} s)")
        out["groups"][g] = res
        last = {"alpha_b": alpha_b, "th_w": th_w}
    pool_ex.shutdown()
    # the last group's students, as explicit per-feature weights: size and speed
    del K_all
    Xp = X[pool].tocsc()
    w_b = np.asarray(Xp.T @ last["alpha_b"]).ravel()
    seen = np.flatnonzero(np.diff(Xp.indptr) > 0)
    W_a = np.zeros((X.shape[1], E.shape[1]), dtype=np.float32)  # about 1.6 GB
    for s in range(0, len(seen), 1 << 16):
        cols = seen[s : s + (1 << 16)]
        W_a[cols] = np.asarray(Xp[:, cols].T @ alpha_a, dtype=np.float32)
    del Xp
    used = len(seen)
    out["size"] = {
        "features": int(X.shape[1]),
        "features_seen_in_distillation": used,
        "student_b_mb_float32": round(X.shape[1] * 4 / 2**20, 1),
        "student_a_mb_float16_dense": round(X.shape[1] * 384 * 2 / 2**20, 1),
        "student_a_mb_float16_seen_rows_only": round(used * (384 * 2 + 4) / 2**20, 1),
    }
    say(f"size: {out['size']}")
    rng = np.random.default_rng(0)
    cand = np.flatnonzero(np.isin(grp, list(groups)) & (half == "B") & (role == "train"))
    pick = rng.choice(cand, size=min(speed_texts, len(cand)), replace=False)
    texts = [d["examples"][i].text for i in pick]
    mu32, th32 = mu.astype(np.float32), last["th_w"].astype(np.float32)
    out["speed"] = speed(texts, w_b, W_a, mu32, th32, say)
    return out
