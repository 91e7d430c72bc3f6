"""Page signals on real pages: throughput, site-name accuracy, and a sanity check of name keys.

    python -m benchmarks signals [--quick]
    python -m benchmarks.bench_signals [--quick]

Figures (each part skips with a note where ``../shared/eval`` or ``$ORGMAP_EVAL_DIR`` lacks its file):

- ``throughput``: pages/s (wall clock, and per CPU second: the machine may be shared) of ``extract_page``
  over the 953 trafilatura test pages (quick: 200), next to a bare selectolax parse of the same pages;
  pages/s with ``main_text="trafilatura"`` on a subset; pages/s of the whole signals stage (extract +
  DuckDB writes) on a temporary store.
- ``sitename``: on the pages with a gold ``expected_sitename`` (18 in the file), how often the top
  candidate (highest prior weight × (0.5 + 0.5 × name-domain fit)) matches the gold name, and how often the
  gold name is among the page's candidates at all. Match rule: ``normalize_name`` keys equal with spaces
  removed, one is the other's acronym ("L&T" / "Larsen & Toubro Limited"), or rapidfuzz ``token_set_ratio``
  of the keys ≥ 90 (case, accents, punctuation and legal form aside).
- ``webstruct_owner_signals_only``: the owner of each webstruct host from these signals alone (no NER),
  chosen by ``resolver.linking.score_domain``; share matching the gold top org, and any annotated org.
- ``name_pairs``: on ``er/company_name_pairs.csv`` (same / different company), accuracy of
  "same" = key score ≥ threshold, where the key score is 100 for equal compact keys or an acronym of
  the other name, else rapidfuzz ``token_sort_ratio`` / ``token_set_ratio`` of the keys; at the default
  threshold 90 (with precision and recall of "same") and at the best threshold.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from resolver.domains import registered_domain
from resolver.names import is_acronym_of, name_fits_domain, normalize_name
from resolver.signals import NAME_KINDS, PageSignals, extract_page

EVAL_DIR = Path(os.environ.get("ORGMAP_EVAL_DIR", Path(__file__).resolve().parents[2] / "shared" / "eval"))


def _load_pages(limit: int | None = None) -> list[dict[str, Any]]:
    path = EVAL_DIR / "pages" / "trafilatura_pages.jsonl.gz"
    if not path.exists():
        return []
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def names_match(a: str, b: str) -> bool:
    """The matching rule of this benchmark (see the module docstring)."""
    na, nb = normalize_name(a), normalize_name(b)
    ka, kb = na.key, nb.key
    if not ka or not kb:
        return False
    if is_acronym_of(na, nb) or is_acronym_of(nb, na):
        return True
    return ka.replace(" ", "") == kb.replace(" ", "") or fuzz.token_set_ratio(ka, kb) >= 90


def top_candidate(ps: PageSignals) -> str | None:
    """The page's single best site-name guess: prior weight × (0.5 + 0.5 × fit to the page's domain)."""
    best, best_score = None, -1.0
    for s in ps.signals():
        if s.kind not in NAME_KINDS:
            continue
        score = s.weight * (0.5 + 0.5 * name_fits_domain(normalize_name(s.value), ps.registered_domain))
        if score > best_score:
            best, best_score = s.value, score
    return best


def _throughput(rows: list[dict[str, Any]], quick: bool) -> dict[str, Any]:
    from selectolax.lexbor import LexborHTMLParser

    doms = [registered_domain(r["url"]) or "" for r in rows]
    extract_page(rows[0]["html"], rows[0]["url"], registered_domain=doms[0])  # imports, caches
    t0 = time.perf_counter()
    for r in rows:
        LexborHTMLParser(r["html"]).body  # noqa: B018 - the parse is what is timed
    parse_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    n_err = 0
    for r, d in zip(rows, doms, strict=True):
        n_err += bool(extract_page(r["html"], r["url"], registered_domain=d).errors)
    fast_s, fast_cpu = time.perf_counter() - t0, time.process_time() - c0
    sub = rows[: 20 if quick else 100]
    t0 = time.perf_counter()
    for r, d in zip(sub, doms, strict=False):
        extract_page(r["html"], r["url"], registered_domain=d, main_text="trafilatura")
    traf_s = time.perf_counter() - t0
    return {
        "pages": len(rows),
        "selectolax_parse_pages_per_s": round(len(rows) / parse_s, 1),
        "extract_page_pages_per_s": round(len(rows) / fast_s, 1),
        "extract_page_pages_per_cpu_s": round(len(rows) / fast_cpu, 1),
        "extract_vs_parse_ratio": round(parse_s / fast_s, 3),
        "trafilatura_mode_pages_per_s": round(len(sub) / traf_s, 1),
        "pages_with_notes": n_err,
        "mb_html": round(sum(len(r["html"]) for r in rows) / 1e6, 1),
        "stage": _stage(rows),
    }


def _stage(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The signals stage end to end (decompress, extract, write) on a temporary DuckDB file."""
    from orgmap.config import Settings
    from orgmap.runs import Run
    from orgmap.sources.records import RawRecord
    from orgmap.stages.signals import extract_signals
    from orgmap.store.database import Store
    from orgmap.store.pages import store_records

    records = (RawRecord("trafilatura_pages.jsonl.gz", i, r["url"], r["html"]) for i, r in enumerate(rows))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        run_id = store.start_run("bench", [], {})
        store_records(store, run_id, records, "jsonl")
        summary = extract_signals(store, Settings(), Run(run_id))
    return {
        "pages_per_s": summary.pages_per_second,
        "signals": summary.signals,
        "name_signals": summary.name_signals,
        "legal_pages": summary.legal_pages,
        "about_pages": summary.about_pages,
        "links": summary.links,
    }


def _sitename(rows: list[dict[str, Any]]) -> dict[str, Any]:
    gold = [r for r in rows if r.get("expected_sitename")]
    top_ok = any_ok = 0
    misses = []
    for r in gold:
        ps = extract_page(r["html"], r["url"], registered_domain=registered_domain(r["url"]) or "")
        cands = [s.value for s in ps.signals() if s.kind in NAME_KINDS]
        top = top_candidate(ps)
        top_hit = top is not None and names_match(top, r["expected_sitename"])
        any_hit = any(names_match(c, r["expected_sitename"]) for c in cands)
        top_ok += top_hit
        any_ok += any_hit
        if not top_hit:
            misses.append(f"{r['expected_sitename']!r} ← top {top!r}")
    n = len(gold)
    return {
        "pages_with_gold": n,
        "top1_accuracy": round(top_ok / n, 3) if n else None,
        "candidate_recall": round(any_ok / n, 3) if n else None,
        "misses": misses,
    }


def _pair_score(a: str, b: str, scorer: Any = fuzz.token_sort_ratio) -> float:
    ka, kb = normalize_name(a), normalize_name(b)
    if not ka.key or not kb.key:
        return 0.0
    if ka.key.replace(" ", "") == kb.key.replace(" ", "") or is_acronym_of(ka, kb) or is_acronym_of(kb, ka):
        return 100.0
    return float(scorer(ka.key, kb.key))


def _name_pairs() -> dict[str, Any]:
    path = EVAL_DIR / "er" / "company_name_pairs.csv"
    if not path.exists():
        return {"skipped": f"{path} not found"}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        pairs = [(r["Name_x"], r["Name_y"], r["Targets"].strip() == "1") for r in csv.DictReader(fh)]
    out: dict[str, Any] = {"pairs": len(pairs), "same": sum(1 for *_, same in pairs if same)}
    for label, scorer in (("token_sort_ratio", fuzz.token_sort_ratio), ("token_set_ratio", fuzz.token_set_ratio)):
        scored = [(_pair_score(a, b, scorer), same) for a, b, same in pairs]

        def accuracy(threshold: float, scored: list[tuple[float, bool]] = scored) -> float:
            return sum((s >= threshold) == same for s, same in scored) / len(scored)

        best = max(range(50, 101), key=lambda t: (accuracy(t), -abs(t - 90)))
        said_same = [same for s, same in scored if s >= 90]
        out[label] = {
            "accuracy_at_90": round(accuracy(90), 3),
            "precision_same_at_90": round(sum(said_same) / len(said_same), 3) if said_same else None,
            "recall_same_at_90": round(sum(said_same) / max(1, out["same"]), 3),
            "best_threshold": best,
            "accuracy_at_best": round(accuracy(best), 3),
        }
    return out


def _webstruct() -> dict[str, Any]:
    """Owner per host from page signals alone (no NER), scored by ``resolver.linking.score_domain``."""
    pages_path = EVAL_DIR / "pages" / "webstruct_business_pages.jsonl.gz"
    hosts_path = EVAL_DIR / "pages" / "webstruct_host_orgs.tsv"
    if not pages_path.exists() or not hosts_path.exists():
        return {"skipped": f"{pages_path} or {hosts_path} not found"}
    from resolver.linking import score_domain
    from resolver.records import OrgCandidate

    gold: dict[str, tuple[str, list[str]]] = {}
    with hosts_path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            gold[r["host"]] = (r["top_org"], [m for m, _ in json.loads(r["all_org_mentions"] or "[]")])
    by_host: dict[str, list[tuple[str, str, PageSignals]]] = {}
    with gzip.open(pages_path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            r = json.loads(line)
            dom = registered_domain(r["url"]) or ""
            ps = extract_page(r["html"], r["url"], registered_domain=dom)
            by_host.setdefault(r["url"].split("/")[2], []).append((str(i), dom, ps))
    n = top_ok = any_ok = 0
    misses = []
    for host, (top, mentions) in sorted(gold.items()):
        pages = by_host.get(host)
        if not pages or not top:
            continue
        n += 1
        dom = pages[0][1]
        cands = [
            OrgCandidate(dom, pid, s.value, s.kind, s.weight, s.context)
            for pid, _, ps in pages
            for s in ps.signals()
            if s.kind in NAME_KINDS
        ]
        owner = score_domain(dom, cands, n_pages=len(pages), normalize=normalize_name, fits=name_fits_domain)
        hit = owner.name is not None and names_match(owner.name, top)
        top_ok += hit
        any_ok += owner.name is not None and any(names_match(owner.name, m) for m in mentions)
        if not hit:
            misses.append(f"{host}: gold {top!r} ← {owner.name!r}")
    return {
        "hosts": n,
        "owner_matches_top_org": round(top_ok / n, 3) if n else None,
        "owner_matches_any_annotated_org": round(any_ok / n, 3) if n else None,
        "misses": misses,
    }


def run(quick: bool = False) -> dict[str, Any]:
    """All figures as a dict (see the module docstring)."""
    out: dict[str, Any] = {}
    rows = _load_pages(200 if quick else None)
    if rows:
        out["throughput"] = _throughput(rows, quick)
        out["sitename"] = _sitename(rows if not quick else _load_pages())
    else:
        out["throughput"] = {"skipped": f"{EVAL_DIR}/pages/trafilatura_pages.jsonl.gz not found"}
    out["webstruct_owner_signals_only"] = _webstruct()
    out["name_pairs"] = _name_pairs()
    return out


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2, ensure_ascii=False))
