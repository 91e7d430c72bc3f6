"""The frame each target is classified from: one row per item, fixed column names and types.

Labeling functions, the label model and the end model all read this frame, so a frame built from
DuckDB (``orgmap.stages.classify``), from a test, or from a user's own DataFrame behaves the same.
:func:`prepare` fills missing columns with neutral values and never leaves NaN in a string column; list-valued
inputs become strings that vectorized rules can search (docs/classify.md says how each is joined).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from resolver.domain_match import domain_label

STRING_COLUMNS = (
    "item_id",
    "registered_domain",
    "suffix",
    "domain_label",
    "url",
    "title",
    "description",
    "text",
    "owner_text",
    "owner_names",
    "menu",
    "owner_status",
    "lang",
    "og_type",
    "jsonld",
    "legal_forms",
    "link_domains",
    "name",
    "legal_form",
    "reference_id",
    "pages_top",
    "domains_top",
    "inlinks_top",
    "class_dist",
)
NUMERIC_COLUMNS = (
    "n_links_internal",
    "n_links_external",
    "n_words",
    "n_ent_org",
    "n_ent_gpe",
    "n_ent_money",
    "n_pages",
    "n_domains",
    "pages_top_share",
    "domains_top_share",
    "inlinks_top_share",
)
BOOL_COLUMNS = ("is_legal_page", "is_about_page")
BAR_COLUMNS = ("legal_forms", "owner_names", "menu")
"""List-valued columns joined with ``" | "`` (their items may hold spaces)."""


def jsonld_string(types: Iterable[str] | None) -> str:
    """``["NewsArticle", "Organization"]`` → ``"|newsarticle|organization|"`` ("" when empty)."""
    vals = [t.strip().lower() for t in (types or ()) if t and t.strip()]
    return "|" + "|".join(vals) + "|" if vals else ""


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every known column present, typed, and free of NaN/None.

    String columns become ``object`` dtype holding Python ``str``: the vectorized and the row-wise
    (Snorkel) appliers then see exactly the same values.
    """
    out = df.copy()
    n = len(out)
    for col in STRING_COLUMNS:
        if col not in out.columns:
            out[col] = np.full(n, "", dtype=object)
            continue
        values = out[col].to_numpy(dtype=object, na_value=None) if hasattr(out[col], "to_numpy") else out[col]
        sep = " | " if col in BAR_COLUMNS else " "
        out[col] = np.array([_as_str(v, sep) for v in values], dtype=object)
    for col in NUMERIC_COLUMNS:
        out[col] = pd.to_numeric(out[col], errors="coerce").fillna(0).astype(float) if col in out.columns else 0.0
    for col in BOOL_COLUMNS:
        out[col] = out[col].fillna(False).astype(bool) if col in out.columns else False
    missing = out["domain_label"] == ""
    if missing.any():
        out.loc[missing, "domain_label"] = [
            " ".join(domain_label(d) for d in domains.split()) for domains in out.loc[missing, "registered_domain"]
        ]
    return out.reset_index(drop=True)


def _as_str(value: object, sep: str = " ") -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, list | tuple | np.ndarray):
        return sep.join(str(v) for v in value if v is not None)
    return str(value)
