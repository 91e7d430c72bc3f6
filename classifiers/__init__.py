"""Weak-supervision classification of pages, domains and organizations.

Modules by concept, as in Snorkel, with the label matrix as their contract (docs/classify.md lists them).

Example::

    from classifiers import load_taxonomy, prepare, weak_labels, train_end_model, predict

    frame = prepare(df)                       # df: item_id, title, text, url, registered_domain, suffix, ...
    weak = weak_labels(frame, load_taxonomy(), "page")
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
