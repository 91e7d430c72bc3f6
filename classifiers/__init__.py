"""Weak-supervision classification of pages, domains and organizations.

Modules, by concept (like Snorkel's layout; the label matrix is the contract between them):

- :mod:`classifiers.taxonomy` — classes per target and declarative rules, loaded from TOML (user-editable)
- :mod:`classifiers.frames` — the one-row-per-item frame every LF and model reads
- :mod:`classifiers.lf` — what a labeling function is; compiled rules; ``@labeling_function`` for user LFs
- :mod:`classifiers.apply` — LFs → label matrix (vectorized, or Snorkel's ``PandasLFApplier``)
- :mod:`classifiers.model` — label model (Snorkel ``LabelModel``) and end model (hashed TF-IDF + logistic regression)
- :mod:`classifiers.train` — one target end to end over a frame
- :mod:`classifiers.analysis`, :mod:`classifiers.evaluate` — LF report, class balance; P/R/F1 and confusion
- :mod:`classifiers.registry` — model versions in DuckDB, checksummed artifacts
- :mod:`classifiers.promotion` — the promotion gate: may a candidate replace the current model

Example::

    from classifiers import load_taxonomy, prepare, weak_labels, train_end_model, predict

    tax = load_taxonomy()
    frame = prepare(df)                       # df: item_id, title, text, url, registered_domain, suffix, ...
    weak = weak_labels(frame, tax, "page")
    fit = train_end_model(frame, weak)
    labels = predict(frame, weak, fit.model)  # item_id, label, confidence, probs, source, evidence
"""

from importlib import import_module
from typing import Any

# Re-exports are resolved on first use (PEP 562): importing one light submodule (say, the drift thresholds
# that settings load at every CLI start) must not pull in pandas, scikit-learn and torch.
_EXPORTS = {
    "prepare": "classifiers.frames",
    "ABSTAIN": "classifiers.lf",
    "LF": "classifiers.lf",
    "labeling_function": "classifiers.lf",
    "Taxonomy": "classifiers.taxonomy",
    "load_taxonomy": "classifiers.taxonomy",
    "predict": "classifiers.train",
    "train_end_model": "classifiers.train",
    "weak_labels": "classifiers.train",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'classifiers' has no attribute {name!r}")
    return getattr(import_module(module), name)
