"""User labeling functions: plain Python registered by decorator, loaded from the user's own files.

A function returns True/False (when ``label`` is given) or a class id / None; with ``vectorized=True`` it
receives the whole frame and returns a boolean Series (``label`` required). Example (a file listed in
``[classify] lf_modules``; more in docs/classify.md)::

    from classifiers.lf import labeling_function

    @labeling_function(target="page", label="shop")
    def mentions_shopify(x):
        return "cdn.shopify.com" in x["text"]
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifiers.lf.core import ABSTAIN, LF
from classifiers.taxonomy import Taxonomy
from resolver.errors import ConfigError

_REGISTRY: dict[tuple[str, str], tuple[Callable[..., Any], str | None, bool]] = {}


def labeling_function(
    *, target: str, label: str | None = None, name: str | None = None, vectorized: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func`` as a labeling function of ``target`` (the function itself is returned unchanged)."""
    if vectorized and label is None:
        raise ConfigError("a vectorized labeling function needs label=")

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[(target, name or func.__name__)] = (func, label, vectorized)
        return func

    return deco


def registered_lfs(taxonomy: Taxonomy, target: str) -> list[LF]:
    """The user LFs registered for ``target``, bound to the taxonomy's label indices."""
    out = []
    for (t, name), (func, label, vectorized) in sorted(_REGISTRY.items()):
        if t == target:
            out.append(_bind(name, target, func, label, vectorized, taxonomy))
    return out


def clear_registry() -> None:
    """Forget every registered user LF (tests, or reloading changed files)."""
    _REGISTRY.clear()


def load_lf_modules(paths: Iterable[str | Path]) -> list[str]:
    """Execute the user's LF files so their decorators register; returns the module names loaded."""
    loaded = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise ConfigError(f"labeling-function file {path} not found; fix [classify] lf_modules")
        mod_name = f"orgmap_user_lfs_{path.stem}"
        spec = importlib.util.spec_from_file_location(mod_name, path)
        if spec is None or spec.loader is None:
            raise ConfigError(f"cannot import {path} as Python")
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise ConfigError(f"{path} failed to import: {type(exc).__name__}: {exc}") from exc
        loaded.append(mod_name)
    return loaded


def _bind(
    name: str, target: str, func: Callable[..., Any], label: str | None, vectorized: bool, taxonomy: Taxonomy
) -> LF:
    classes = taxonomy.classes(target)
    fixed = taxonomy.index(target, label) if label else None

    def to_index(value: Any) -> int:
        if value is None or value is False:
            return ABSTAIN
        if value is True:
            return ABSTAIN if fixed is None else fixed
        if isinstance(value, str):
            return classes.index(value) if value in classes else ABSTAIN
        return int(value)

    if vectorized:
        assert fixed is not None

        def batch(df: pd.DataFrame) -> np.ndarray:
            mask = np.asarray(func(df), dtype=bool)
            return np.where(mask, fixed, ABSTAIN).astype(np.int64)

        def row(x: Any) -> int:
            return fixed if bool(np.asarray(func(pd.DataFrame([x])))[0]) else ABSTAIN

        return LF(name, target, "python", row, batch, label)

    def row_only(x: Any) -> int:
        return to_index(func(x))

    return LF(name, target, "python", row_only, None, label)
