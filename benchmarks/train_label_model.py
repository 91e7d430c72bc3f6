"""Train the label-only link model (``resolver/label_model.json``) on the DEV halves of dotgov and universities.

    python -m benchmarks.train_label_model [--out PATH] [--work DIR] [--dump FILE]

Each dev domain (``eval_resolve.split_of``) of ``../shared/eval``'s .gov and university lists is matched by
its label against its list's names, exactly as ``orgmap resolve --orgs`` does; the match is right when the
organization's name normalizes to the gold name. A logistic regression over ``resolver.label_confidence``'s
features is fitted on them, each list weighing the same; its out-of-fold confidences (5 folds by a hash of
the domain) are stored for the precision target. The test halves are never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from benchmarks.eval_resolve import Row, domain_golds, dotgov_rows, reference_of, university_rows
from benchmarks.name_rules import name_key
from benchmarks.real_pages import eval_dir
from resolver.domain_match import DomainMatch, ReferenceIndex
from resolver.evaluate import coverage_at_precision, ranked_curve
from resolver.label_confidence import ARTIFACT, FEATURES, LabelModel, label_features

FOLDS = 5
C = 1.0


def dev_matches(name: str, rows: list[Row], work: Path | None) -> list[tuple[DomainMatch | None, bool]]:
    """(match, right) for every registered domain of the dev half (``eval_resolve.domain_golds``).

    Matches are cached under ``work`` by list and code version.
    """
    from resolver.owners import code_version

    golds = domain_golds(rows, "dev")
    key = hashlib.sha1(f"{code_version()}{len(rows)}".encode()).hexdigest()[:12]
    cache = work / f"{name}_{key}.json" if work else None
    if cache and cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        matches = [None if d is None else DomainMatch(**d) for d in stored]
    else:
        index = ReferenceIndex.build(reference_of(rows))
        matches = [index.match(dom) for dom in golds]
        if cache:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps([m and dataclasses.asdict(m) for m in matches]), encoding="utf-8")
    return [(m, m is not None and name_key(m.name) in keys) for m, keys in zip(matches, golds.values(), strict=True)]


def train(sets: dict[str, list[tuple[DomainMatch | None, bool]]]) -> tuple[LabelModel, dict[str, object]]:
    """Fit the model on every matched dev domain; report out-of-fold curves per list."""
    xs, ys, ws, groups, names = [], [], [], [], []
    for name, pairs in sets.items():
        matched = [(m, ok) for m, ok in pairs if m is not None]
        for m, ok in matched:
            xs.append(label_features(m))
            ys.append(ok)
            ws.append(1.0 / len(matched))
            groups.append(int(hashlib.sha1(m.domain.encode()).hexdigest()[:8], 16) % FOLDS)
            names.append(name)
    x, y, w = np.array(xs), np.array(ys), np.array(ws) * len(xs) / 2
    oof = np.zeros(len(y))
    for train_idx, test_idx in GroupKFold(FOLDS).split(x, y, groups):
        oof[test_idx] = _fit(x[train_idx], y[train_idx], w[train_idx]).probability_rows(x[test_idx])
    fitted = _fit(x, y, w)
    report: dict[str, object] = {}
    for name, pairs in sets.items():
        conf = [float(c) for c, n in zip(oof, names, strict=True) if n == name]
        right = [bool(ok) for ok, n in zip(y, names, strict=True) if n == name]
        points = ranked_curve(conf, right, total=len(pairs))
        at95 = coverage_at_precision(points, 0.95)
        old = ranked_curve([m.confidence if m else None for m, _ in pairs], [ok for _, ok in pairs])
        old95 = coverage_at_precision(old, 0.95)
        report[name] = {
            "dev_domains": len(pairs),
            "matched": len(right),
            "right": sum(right),
            "coverage_at_95_oof": round(at95.coverage, 3) if at95 else 0.0,
            "threshold_at_95_oof": round(at95.threshold, 4) if at95 else None,
            "coverage_at_95_old_confidence": round(old95.coverage, 3) if old95 else 0.0,
        }
    model = LabelModel(
        coef=tuple(round(float(c), 6) for c in fitted.coef),
        intercept=round(float(fitted.intercept), 6),
        mean=tuple(round(float(v), 6) for v in fitted.mean),
        scale=tuple(round(float(v), 6) for v in fitted.scale),
        points=tuple((round(float(c), 4), bool(ok)) for c, ok in zip(oof, y, strict=True)),
        training={"lists": report, "folds": FOLDS, "C": C, "rows": len(y)},
    )
    return model, report


@dataclasses.dataclass
class _Fitted:
    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray

    def probability_rows(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> _Fitted:
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=C, max_iter=2000).fit((x - scaler.mean_) / scale, y, sample_weight=w)
    return _Fitted(lr.coef_[0], float(lr.intercept_[0]), scaler.mean_, scale)


def main(argv: list[str] | None = None) -> int:
    """Match the dev halves, fit, write the artifact and print the out-of-fold figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ARTIFACT)
    parser.add_argument("--work", type=Path, default=None, help="cache the dev matches here")
    parser.add_argument("--dump", type=Path, default=None, help="write dev rows with features (TSV) for reading")
    args = parser.parse_args(argv)
    root = eval_dir()
    if root is None:
        print("skipped: ../shared/eval not found (set ORGMAP_EVAL_DIR)")
        return 0
    sets = {
        "dotgov": dev_matches("dotgov", dotgov_rows(root), args.work),
        "universities": dev_matches("universities", university_rows(root), args.work),
    }
    model, report = train(sets)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            fh.write("\t".join(("list", "domain", "name", "right", "confidence", *FEATURES)) + "\n")
            for name, pairs in sets.items():
                for m, ok in pairs:
                    if m is not None:
                        feats = label_features(m)
                        conf = model.probability(feats)
                        cells = (name, m.domain, m.name, str(int(ok)), f"{conf:.3f}", *(f"{v:.3f}" for v in feats))
                        fh.write("\t".join(cells) + "\n")
    args.out.write_text(model.to_json(), encoding="utf-8")
    coefs = dict(zip(FEATURES, model.coef, strict=True))
    print(json.dumps({"lists": report, "coef": coefs}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
