"""Models: the label model (LF votes → probabilistic labels) and the end model (features → class)."""

from classifiers.model.end_model import EndModel, sha256
from classifiers.model.label_model import LabelModelResult, fit_label_model, majority_probs

__all__ = ["EndModel", "LabelModelResult", "fit_label_model", "majority_probs", "sha256"]
