"""The discriminative end model: hashed text + structured features → logistic regression.

Trained on the label model's probabilistic labels, it labels *every* row, including those no LF covers,
because it generalizes from all the words, domain character n-grams and structured tokens, not just the
rules. Hashing makes the featurizer stateless, so the model is a few arrays, saved as compressed JSON with
a sha256 (no pickle). The feature blocks: docs/classify.md.

Example::

    model = EndModel.fit(frame, y, sample_weight=conf, classes=tax.classes("page"))
    probs = model.predict_proba(frame)
    blob = model.to_bytes(); EndModel.from_bytes(blob)
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import math
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from classifiers.model import hashing
from resolver.errors import InputError

FORMAT = "orgmap-end-model/1"
NER_COUNTS = ("n_ent_org", "n_ent_gpe", "n_ent_money")
"""Entity counts, features of models trained before the NER gate only (``ner_counts`` absent from their
config): the gate leaves them unknown on most pages of a sure domain, so newer models do without them."""
OWNER_CHARS = 1500
"""Characters of ``owner_text`` (header, footer, legal lines) among the words; models trained before it
existed have no ``owner_chars`` in their config and are featurized as they were trained."""


@dataclass
class EndModel:
    """A trained end model; arrays only, so it round-trips through JSON exactly."""

    target: str
    classes: tuple[str, ...]
    idf: dict[str, np.ndarray]
    """Per feature block, the inverse document frequency learned at training time."""
    coef: np.ndarray
    """classes × features (float32)."""
    intercept: np.ndarray
    config: dict[str, Any] = field(default_factory=dict)
    """Featurizer settings (hash sizes, max text chars) and training settings (C)."""

    # -- training ----------------------------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        frame: pd.DataFrame,
        y: np.ndarray,
        *,
        classes: tuple[str, ...],
        target: str = "page",
        sample_weight: np.ndarray | None = None,
        C: float = 4.0,
        max_text_chars: int = 3000,
        max_iter: int = 300,
        hash_bits: int = 16,
    ) -> EndModel:
        """Train on the rows of a prepared ``frame`` with class indices ``y`` (no ABSTAIN rows)."""
        y = np.asarray(y)
        if len(y) != len(frame):
            raise InputError(f"{len(frame)} rows but {len(y)} labels")
        if len(np.unique(y)) < 2:
            raise InputError(
                "the end model needs training rows of at least two classes; do your labeling functions cover "
                "the data? Check `orgmap lf report`."
            )
        # Hash space grows with the data (2^12 words for tens of rows, 2^16 from ~1,000): a small training
        # set gains nothing from a huge space, and L-BFGS time and memory grow with classes × features (its
        # 20 history vectors of classes × features float64: 430 MB at 2^17 words and 15 classes).
        bits = int(min(hash_bits, max(12, math.ceil(math.log2(max(len(y), 2))) + 6)))
        blocks = {
            "words": {"bits": bits},
            "domain": {"bits": bits - 3},
            "struct": {"bits": bits - 3},
            "menu": {"bits": bits - 3},
        }
        config = {
            "max_text_chars": max_text_chars,
            "C": C,
            "blocks": blocks,
            "owner_chars": OWNER_CHARS,
            "url_shape": True,
            "ner_counts": False,
        }
        raw = _featurize(frame, config)
        idf = {}
        for name, X in raw.items():
            df = np.bincount(X.indices, minlength=X.shape[1]).astype(np.float64)
            idf[name] = (np.log((1 + X.shape[0]) / (1 + df)) + 1.0).astype(np.float32)
        X = _weight(raw, idf)
        lr = LogisticRegression(C=C, max_iter=max_iter, tol=1e-3, random_state=0)  # lbfgs: unused, kept if it changes
        with threadpool_limits(limits=1):  # BLAS/OpenMP threads fight over small shared machines: ~3x slower
            lr.fit(X, y, sample_weight=sample_weight)
        coef = np.zeros((len(classes), X.shape[1]), dtype=np.float32)
        intercept = np.full(len(classes), -1e4, dtype=np.float32)
        present = lr.classes_.astype(int)
        if len(present) == 2 and lr.coef_.shape[0] == 1:  # binary: sklearn keeps one row
            coef[present[1]], intercept[present[1]] = lr.coef_[0], lr.intercept_[0]
            coef[present[0]], intercept[present[0]] = 0.0, 0.0
        else:
            coef[present], intercept[present] = lr.coef_, lr.intercept_
        return cls(target, tuple(classes), idf, coef, intercept, config)

    # -- prediction --------------------------------------------------------------------------------
    def predict_proba(self, frame: pd.DataFrame, batch_size: int = 2048) -> np.ndarray:
        """Class probabilities (rows × classes) for every row of a prepared frame.

        Rows are featurized ``batch_size`` at a time: small batches reuse memory instead of mapping new pages.
        """
        out = np.empty((len(frame), len(self.classes)), dtype=np.float64)
        for start in range(0, len(frame), batch_size):
            part = frame.iloc[start : start + batch_size]
            out[start : start + len(part)] = self.proba_of(_weight(_raw_blocks(part, self.config), self.idf))
        return out

    def proba_of(self, X: sp.csr_matrix) -> np.ndarray:
        """Class probabilities of featurized rows (the softmax of the calibrated logits)."""
        z = np.asarray(X @ self.coef.T, dtype=np.float64) + self.intercept
        z /= self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    @property
    def temperature(self) -> float:
        """The calibration temperature its logits are divided by (1.0: not calibrated)."""
        return float(self.config.get("temperature", 1.0))

    def calibrated(self, temperature: float) -> EndModel:
        """The same model with ``temperature`` (:func:`classifiers.calibration.fit_temperature`) in its config."""
        return dataclasses.replace(self, config={**self.config, "temperature": float(temperature)})

    # -- artifact ----------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The model as zlib-compressed JSON (arrays base64 float32): portable, no code execution on load."""
        doc = {
            "format": FORMAT,
            "target": self.target,
            "classes": list(self.classes),
            "config": self.config,
            "idf": {k: _b64(v) for k, v in self.idf.items()},
            "coef_shape": list(self.coef.shape),
            "coef": _b64(self.coef),
            "intercept": _b64(self.intercept),
        }
        return zlib.compress(json.dumps(doc).encode("utf-8"), 6)

    @classmethod
    def from_bytes(cls, blob: bytes, sha256: str | None = None) -> EndModel:
        """Load an artifact written by :meth:`to_bytes`, checking its checksum when given."""
        if sha256 is not None and hashlib.sha256(blob).hexdigest() != sha256:
            raise InputError("model artifact checksum mismatch: the stored model is corrupt; run `orgmap train` again")
        doc = json.loads(zlib.decompress(blob))
        if doc.get("format") != FORMAT:
            raise InputError(f"unknown model format {doc.get('format')!r}; this orgmap reads {FORMAT}")
        coef = _unb64(doc["coef"]).reshape(doc["coef_shape"])
        return cls(
            doc["target"],
            tuple(doc["classes"]),
            {k: _unb64(v) for k, v in doc["idf"].items()},
            coef,
            _unb64(doc["intercept"]),
            doc["config"],
        )


def sha256(blob: bytes) -> str:
    """Hex sha256 of an artifact."""
    return hashlib.sha256(blob).hexdigest()


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def _unb64(s: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype="<f4").copy()


def _vectorizers(config: dict[str, Any]) -> dict[str, HashingVectorizer]:
    """One vectorizer per block of ``config``.

    Words and bigrams; the domain's character n-grams; ready-made tokens (structured tokens, menu items).
    """
    common: dict[str, Any] = {"alternate_sign": False, "norm": None, "dtype": np.float32}
    kinds: dict[str, dict[str, Any]] = {
        "words": {"ngram_range": (1, 2), "lowercase": True},
        "domain": {"analyzer": "char_wb", "ngram_range": (3, 5)},
    }
    tokens: dict[str, Any] = {"analyzer": str.split, "lowercase": False}
    return {
        name: HashingVectorizer(n_features=2 ** spec["bits"], **kinds.get(name, tokens), **common)
        for name, spec in config["blocks"].items()
    }


def _featurize(frame: pd.DataFrame, config: dict[str, Any], batch_size: int = 2048) -> dict[str, sp.csr_matrix]:
    """:func:`_raw_blocks` of a large frame, a batch at a time (rows are featurized independently)."""
    if len(frame) <= batch_size:
        return _raw_blocks(frame, config)
    parts = [_raw_blocks(frame.iloc[i : i + batch_size], config) for i in range(0, len(frame), batch_size)]
    return {name: sp.vstack([p[name] for p in parts], format="csr") for name in parts[0]}


def _raw_blocks(frame: pd.DataFrame, config: dict[str, Any], fast: bool = True) -> dict[str, sp.csr_matrix]:
    """The hashed count blocks of ``frame`` (``fast``: :mod:`classifiers.model.hashing`, else scikit-learn)."""
    n = int(config["max_text_chars"])
    cols = (*(frame[c].to_numpy(dtype=object) for c in ("title", "description", "text")), _url_words(frame["url"]))
    words = [f"{t} {t} {d} {x[:n]} {u}" for t, d, x, u in zip(*cols, strict=True)]
    owner = int(config.get("owner_chars", 0))
    if owner and "owner_text" in frame.columns:
        extra = zip(frame["owner_names"], frame["owner_text"], strict=True)
        words = [f"{w} {nm} {nm} {ot[:owner]}" for w, (nm, ot) in zip(words, extra, strict=True)]
    if "name" in frame.columns:
        words = [f"{nm} {nm} {w}" if nm else w for nm, w in zip(frame["name"], words, strict=True)]
    domains = [dl.replace("-", " ").replace(".", " ") for dl in frame["domain_label"]]
    struct = _struct_tokens(
        frame, owner=bool(owner), url_shape=bool(config.get("url_shape")), ner_counts=config.get("ner_counts", True)
    )
    vec = _vectorizers(config)
    size = {k: 2 ** v["bits"] for k, v in config["blocks"].items()}
    n_rows = len(frame)
    tokens = {"domain": domains, "struct": struct}
    if "menu" in config["blocks"]:
        tokens["menu"] = [_menu_tokens(m) for m in frame["menu"]]
    if fast:
        # the same matrices as the vectorizers' (tests/classifiers/test_model.py), whole columns at a time
        X_words = hashing.word_counts(words, size["words"])
        blocks = {"words": X_words if X_words is not None else vec["words"].transform(words).tocsr()}
        for name, docs in tokens.items():
            rows, columns = hashing.per_value_counts(docs, vec[name].build_analyzer(), size[name])
            blocks[name] = hashing.count_matrix(rows, columns, n_rows, size[name])
        return blocks
    return {"words": vec["words"].transform(words).tocsr()} | {
        name: vec[name].transform(docs).tocsr() for name, docs in tokens.items()
    }


def _menu_tokens(menu: str) -> str:
    """A site menu (``"über uns | produkte"``) as tokens: each item whole and each of its words."""
    toks = []
    for item in menu.split(" | "):
        words = item.split()
        if words:
            toks.append("m=" + "_".join(words))
            toks += [f"mw={w}" for w in words if len(words) > 1]
    return " ".join(toks) or "nomenu"


def _weight(raw: dict[str, sp.csr_matrix], idf: dict[str, np.ndarray]) -> sp.csr_matrix:
    """log(1 + count) × idf, each block's rows L2-normalized; the blocks side by side.

    On the arrays of the count matrices, one new data array per block: a domain's rows hold thousands of
    words, and sparse matrix products would copy the whole matrix at every step.
    """
    blocks = []
    for name, X in raw.items():
        data = np.log1p(X.data.astype(np.float32, copy=False))
        data *= idf[name][X.indices]
        counts = np.diff(X.indptr)
        sums = np.zeros(X.shape[0], dtype=np.float32)
        filled = counts > 0  # reduceat over the non-empty rows only: each sums up to the next one's start
        if filled.any():
            sums[filled] = np.add.reduceat(data * data, X.indptr[:-1][filled])
        norms = np.sqrt(sums)
        norms[norms == 0] = 1.0
        data *= np.repeat((1.0 / norms).astype(np.float32), counts)
        blocks.append(sp.csr_matrix((data, X.indices, X.indptr), shape=X.shape))
    return sp.hstack(blocks, format="csr", dtype=np.float32)


def _url_words(urls: pd.Series) -> list[str]:
    out = []
    for u in urls:
        path = u.split("://", 1)[-1].split("/", 1)[1] if "/" in u.split("://", 1)[-1] else ""
        out.append(" ".join(p for p in path.replace("-", "/").replace("_", "/").replace(".", "/").split("/") if p))
    return out


def _bin(v: float) -> int:
    return 0 if v <= 0 else min(int(math.log2(v)) + 1, 12)


def _url_shape(url: str) -> list[str]:
    """What a URL looks like, not what it says: path depth, a root page, dates, numbers, an extension, a query."""
    rest = url.split("://", 1)[-1]
    path, _, query = (rest.split("/", 1)[1] if "/" in rest else "").partition("?")
    parts = [p for p in path.split("/") if p]
    toks = [f"depth={min(len(parts), 6)}"]
    if parts:
        last = parts[-1]
        toks.append(f"ext={last.rsplit('.', 1)[-1][:5]}" if "." in last else "ext=")
        toks.append(f"slug_words={min(last.count('-') + 1, 8)}")
        if any(c.isdigit() for c in last):
            toks.append("last_digits")
        if any(len(p) == 4 and p.isdigit() and p[:2] in ("19", "20") for p in parts):
            toks.append("date_path")
    if query:
        toks.append("query")
    return toks


def _struct_tokens(
    frame: pd.DataFrame, *, owner: bool = True, url_shape: bool = False, ner_counts: bool = True
) -> list[str]:
    cols = {c: frame[c].tolist() for c in frame.columns}
    n = len(frame)
    out = []
    for i in range(n):
        toks = [f"sfx={s}" for s in cols["suffix"][i].lower().split()]
        toks += [f"sfx1={s.rsplit('.', 1)[-1]}" for s in cols["suffix"][i].lower().split()]
        if cols["og_type"][i]:
            toks.append(f"og={cols['og_type'][i].lower()}")
        toks += [f"ld={t}" for t in cols["jsonld"][i].strip("|").split("|") if t]
        toks += [f"lf={t.lower()}" for t in cols["legal_forms"][i].split() if t != "|"]
        if cols["legal_form"][i]:
            toks.append(f"lform={cols['legal_form'][i].lower()}")
        toks += [f"ln={d}" for d in cols["link_domains"][i].lower().split()[:50]]
        if cols["lang"][i]:
            toks.append(f"lang={cols['lang'][i]}")
        if owner and cols["owner_status"][i]:
            toks.append(f"owner={cols['owner_status'][i]}")
        if url_shape:
            toks += _url_shape(cols["url"][i])
        for c in ("n_words", "n_links_internal", "n_links_external", *(NER_COUNTS if ner_counts else ())):
            toks.append(f"{c}={_bin(cols[c][i])}")
        if cols["is_legal_page"][i]:
            toks.append("legal_page")
        if cols["is_about_page"][i]:
            toks.append("about_page")
        for key in ("pages_top", "domains_top", "inlinks_top"):
            if cols[key][i]:
                toks.append(f"{key}={cols[key][i]}")
        for part in cols["class_dist"][i].split():
            cls_, _, share = part.partition(":")
            reps = int(round(float(share or 0) * 4))
            toks += [f"dist={cls_}"] * reps
        out.append(" ".join(toks) or "empty")
    return out
