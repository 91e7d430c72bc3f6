"""Domain→org accuracy on real public data in ../shared/eval (skips where it is absent).

    python -m benchmarks.eval_resolve [webstruct] [trafilatura] [dotgov] [universities] [local_news] [--limit N]

- webstruct: real business pages; for each host, does orgmap's owner match the hand-annotated top ORG?
  Matching rules: strict = the names normalize to the same key (legal form, case, punctuation aside);
  entity = strict, or the keys are equal without spaces and a web suffix ("cvwriting.net" = "CV Writing"),
  or one is the initials of the other ("L&T" = "Larsen & Toubro"); lenient = entity, or rapidfuzz
  token_set_ratio ≥ 90 between the keys ("Abacus" = "Abacus Solutions").
- trafilatura: 953 real pages (news, blogs, associations; mostly German). The 16 with a gold
  ``expected_sitename``: does the owner match it (entity rule; a personal site's owner is a person, so
  "gregoryszorc" cannot match)? And the org clusters over all 893 domains: the largest, and every org
  with more than one domain, for reading (hard links through platforms once fused 45 news sites).
- dotgov / universities: the domains alone (no pages) are linked against a reference list made of the
  organizations' *names only* (``--orgs``; no domains given), so orgmap must read the owner out of the
  domain's label. Correct when the linked reference name normalizes to the gold name.
- local_news: the same over US local news outlets (domains with a single outlet; state as region), a list
  never read while tuning the label linker.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import sys
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from orgmap.config import load_settings
from orgmap.pipeline import run
from orgmap.store.database import Store
from resolver.domain_match import align, domain_label, name_tokens
from resolver.domains import registered_domain
from resolver.names import normalize_name


def eval_dir() -> Path | None:
    """``$ORGMAP_EVAL_DIR`` or ``../shared/eval`` next to the repository, if present."""
    env = os.environ.get("ORGMAP_EVAL_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "eval")
    return next((c for c in candidates if c.is_dir()), None)


def _settings(db: Path, **overrides: object):
    flat = {"db": str(db), "out_dir": str(db.parent / "out"), "graph.kumu_path": str(db.parent / "out" / "kumu.json")}
    flat.update(overrides)
    return load_settings(None, flat, environ={})


def _key(name: str) -> str:
    return normalize_name(name).key if name else ""


_WEB_SUFFIX = (" com", " net", " org", " us", " co uk", " info")
_NOT_INITIALS = {"the", "and", "of", "for"}


def _compact(key: str) -> str:
    for suffix in _WEB_SUFFIX:
        key = key.removesuffix(suffix)
    return key.replace(" ", "")


def same_entity(gold_key: str, pred_key: str) -> bool:
    """The *entity* rule: equal keys, equal compact forms, or one the initials of the other."""
    if not gold_key or not pred_key:
        return False
    if gold_key == pred_key or _compact(gold_key) == _compact(pred_key):
        return True
    for short, long in ((gold_key, pred_key), (pred_key, gold_key)):
        initials = "".join(w[0] for w in long.split() if w not in _NOT_INITIALS)
        if len(initials) >= 2 and short.replace(" ", "") == initials:
            return True
    return False


def _resolve_pages(pages: Path, tmp: Path, name: str) -> tuple[Any, float, list[dict[str, Any]]]:
    """Resolve a gzipped JSON Lines file of real pages (url and html only; no classify, graph or export).

    Returns the run's settings, its seconds, and each page's other fields (gold annotations), html left out.
    """
    src = tmp / f"{name}.jsonl"
    rows = []
    with gzip.open(pages, "rt", encoding="utf-8") as fh, src.open("w", encoding="utf-8") as out:
        for line in fh:
            row = json.loads(line)
            out.write(json.dumps({"url": row["url"], "html": row.pop("html")}) + "\n")
            rows.append(row)
    settings = _settings(tmp / f"{name}.duckdb")
    t0 = time.perf_counter()
    run(settings, [str(src)], skip=("classify", "graph", "export"))
    return settings, time.perf_counter() - t0, rows


def webstruct(root: Path, tmp: Path) -> dict[str, object]:
    """Owner per host on webstruct pages vs the hand-annotated top ORG."""
    tsv = (root / "pages" / "webstruct_host_orgs.tsv").open(encoding="utf-8")
    gold_rows = list(csv.DictReader(tsv, delimiter="\t"))
    settings, seconds, _ = _resolve_pages(root / "pages" / "webstruct_business_pages.jsonl.gz", tmp, "webstruct")
    with Store(settings.db, read_only=True) as store:
        owners = dict(store.con.execute("select registered_domain, org_name from domain_org").fetchall())
    strict = entity = lenient = n = 0
    misses = []
    for row in gold_rows:
        gold = (row.get("top_org") or "").strip()
        if not gold:
            continue
        n += 1
        pred = owners.get(registered_domain(row["host"]) or "", "unknown")
        gk, pk = _key(gold), _key(pred) if pred != "unknown" else ""
        if gk and gk == pk:
            strict += 1
        same = same_entity(gk, pk)
        entity += same
        if same or (gk and pk and fuzz.token_set_ratio(gk, pk) >= 90):
            lenient += 1
        else:
            misses.append((row["host"], gold, pred))
    return {
        "hosts": n,
        "strict_accuracy": round(strict / n, 3) if n else 0.0,
        "entity_accuracy": round(entity / n, 3) if n else 0.0,
        "lenient_accuracy": round(lenient / n, 3) if n else 0.0,
        "seconds": round(seconds, 1),
        "misses": misses[:15],
    }


def trafilatura(root: Path, tmp: Path) -> dict[str, object]:
    """Owners of real news/blog pages vs their gold site names, and the multi-domain org clusters."""
    settings, seconds, rows = _resolve_pages(root / "pages" / "trafilatura_pages.jsonl.gz", tmp, "trafilatura")
    gold = {registered_domain(r["url"]) or "": r["expected_sitename"] for r in rows if r.get("expected_sitename")}
    with Store(settings.db, read_only=True) as store:
        found = store.con.execute("select registered_domain, org_name, status from domain_org").fetchall()
        owners = {d: (n, st) for d, n, st in found}
        multi = store.con.execute(
            "select canonical_name, domains from orgs where n_domains > 1 order by n_domains desc, canonical_name"
        ).fetchall()
        statuses = dict(sorted(Counter(st for _, st in owners.values()).items()))
        persons = [r[0] for r in store.con.execute(
            "select evidence->>'name' from domain_org where status = 'person' order by 1").fetchall()]  # fmt: skip
    matched, misses = 0, []
    for dom, name in sorted(gold.items()):
        pred, status = owners.get(dom, ("unknown", "unknown"))
        ok = status == "linked" and same_entity(_key(name), _key(pred))
        matched += ok
        if not ok:
            misses.append((dom, name, pred if status == "linked" else status))
    return {
        "sitenames": len(gold),
        "sitename_entity_accuracy": round(matched / len(gold), 3) if gold else 0.0,
        "sitename_misses": misses,
        "domains": len(owners),
        "statuses": statuses,
        "persons": persons,
        "largest_org_domains": len(multi[0][1]) if multi else 1,
        "orgs_with_several_domains": [(name, list(doms)) for name, doms in multi[:20]],
        "seconds": round(seconds, 1),
    }


def _reference_run(
    name: str, tmp: Path, rows: list[tuple[str, str, str, str, str]], limit: int | None
) -> dict[str, object]:
    """rows: (domain, gold org name, ref id, region, kind). Reference = distinct (ref id, name, region), no domains.

    Two rules: *strict*, the linked name normalizes to the gold name; *entity*, also when the linked record is
    another registration of the same body, i.e. the same region and the same words apart from "of", "the"
    and "government" ("County of Mason" and "Mason County", MI).
    """
    if limit:
        rows = rows[:limit]
    ref_csv = tmp / f"{name}_orgs.csv"
    region_of: dict[str, str] = {}
    with ref_csv.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "aliases", "domains", "country", "class"])
        for _dom, org, ref_id, region, _kind in rows:
            if ref_id not in region_of:
                region_of[ref_id] = region
                w.writerow([ref_id, org, "", "", region, ""])
    urls = tmp / f"{name}_domains.txt"
    urls.write_text("\n".join(r[0] for r in rows) + "\n", encoding="utf-8")
    settings = _settings(
        tmp / f"{name}.duckdb", **{"resolve.orgs_file": str(ref_csv), "resolve.reference_min_score": 0.0}
    )
    t0 = time.perf_counter()
    run(settings, [str(urls)], skip=("classify", "graph", "export"))
    seconds = time.perf_counter() - t0
    with Store(settings.db, read_only=True) as store:
        owners = {
            d: (org, conf, ref)
            for d, org, conf, ref in store.con.execute(
                "select d.registered_domain, d.org_name, d.confidence, o.reference_id"
                " from domain_org d left join orgs o using (org_id)"
            ).fetchall()
        }
    scored: dict[str, list[tuple[float | None, bool]]] = {"dev": [], "test": []}
    entity: dict[str, list[bool]] = {"dev": [], "test": []}
    by_kind: dict[str, list[bool]] = defaultdict(list)
    readable: dict[bool, list[bool]] = {True: [], False: []}
    misses = []
    for dom, org, _ref, region, kind in rows:
        pred, conf, pred_ref = owners.get(registered_domain(dom) or "", ("unknown", 0.0, None))
        ok = pred != "unknown" and _key(pred) == _key(org)
        same = ok or (pred != "unknown" and region_of.get(pred_ref or "") == region and _words(pred) == _words(org))
        half = split_of(dom)
        scored[half].append((conf if pred != "unknown" else None, ok))
        entity[half].append(same)
        by_kind[kind].append(ok)
        readable[_label_reads_as(dom, org)].append(ok)
        if not same and half == "dev":
            misses.append((dom, org, pred))
    curves = {"all": _curve(scored["dev"] + scored["test"])}
    curves.update({half: _curve(scored[half]) for half in ("dev", "test")})
    every = entity["dev"] + entity["test"]
    return {
        "domains": len(rows),
        "dev_domains": len(scored["dev"]),
        "curve": curves["all"],
        "curve_dev": curves["dev"],
        "curve_test": curves["test"],
        "entity_accuracy": {
            "all": round(sum(every) / len(every), 3) if every else 0.0,
            **{h: round(sum(v) / len(v), 3) if v else 0.0 for h, v in entity.items()},
        },
        "label_reads_as_gold": {
            "share": round(len(readable[True]) / len(rows), 3) if rows else 0.0,
            "accuracy_there": round(sum(readable[True]) / len(readable[True]), 3) if readable[True] else 0.0,
            "accuracy_elsewhere": round(sum(readable[False]) / len(readable[False]), 3) if readable[False] else 0.0,
        },
        "strict_accuracy_by_kind": {
            k: {"domains": len(v), "accuracy": round(sum(v) / len(v), 3)}
            for k, v in sorted(by_kind.items(), key=lambda kv: -len(kv[1]))
            if k
        },
        "seconds": round(seconds, 1),
        "dev_misses": misses[:15],
    }


_FILLER = {"of", "the", "government", "gov"}
READABLE = 0.5
"""Alignment score from which a label reads as a name (``resolver.domain_match.align``)."""


def _label_reads_as(domain: str, name: str) -> bool:
    """Whether the domain's label can be read as the gold name at all.

    A diagnostic: "grants.gov" cannot be read as "Department of Health and Human Services", whatever the
    linker does, so accuracy is reported apart where the label reads as the gold name and where it does not.
    """
    return align(domain_label(registered_domain(domain) or domain), name_tokens(name)) >= READABLE


def _words(name: str) -> tuple[str, ...]:
    return tuple(sorted(w for w in _key(name).split() if w not in _FILLER))


def split_of(domain: str) -> str:
    """``dev`` or ``test``, stably by domain: misses are read on dev only, so test stays untuned."""
    return "dev" if zlib.crc32(domain.encode()) % 2 == 0 else "test"


def _curve(scored: list[tuple[float | None, bool]]) -> list[dict[str, float]]:
    """Accuracy (correct / all), precision (correct / linked) and coverage at confidence thresholds."""
    n = len(scored)
    curve = []
    for th in (0.0, 0.5, 0.6, 0.7, 0.8, 0.9):
        kept = [ok for conf, ok in scored if conf is not None and conf >= th]
        curve.append(
            {
                "threshold": th,
                "accuracy": round(sum(kept) / n, 3) if n else 0.0,
                "precision": round(sum(kept) / len(kept), 3) if kept else 0.0,
                "coverage": round(len(kept) / n, 3) if n else 0.0,
            }
        )
    return curve


def dotgov(root: Path, tmp: Path, limit: int | None) -> dict[str, object]:
    """.gov domains linked to their organization names."""
    rows = []
    ids: dict[tuple[str, str], str] = {}
    with (root / "orgs" / "dotgov_domains.csv").open(encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            org = r["Organization name"].strip()
            ref_id = ids.setdefault((org, r["State"]), f"g{len(ids)}")
            rows.append((r["Domain name"].strip().lower(), org, ref_id, r["State"], r["Domain type"]))
    return _reference_run("dotgov", tmp, rows, limit)


def universities(root: Path, tmp: Path, limit: int | None) -> dict[str, object]:
    """University domains linked to university names."""
    data = json.loads((root / "orgs" / "university_domains.json").read_text(encoding="utf-8"))
    rows = []
    for i, u in enumerate(data):
        for dom in u.get("domains") or []:
            rows.append((dom.strip().lower(), u["name"].strip(), f"u{i}", u.get("alpha_two_code") or "", ""))
    return _reference_run("universities", tmp, rows, limit)


def local_news(root: Path, tmp: Path, limit: int | None) -> dict[str, object]:
    """US local news outlet domains linked to outlet names (domains with one outlet only; state as region).

    Never read while tuning the label linker: an untuned check of what dotgov and universities taught it.
    """
    by_domain: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (root / "orgs" / "local_news_outlets.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            dom = (r.get("domain") or "").strip().lower()
            if dom and r.get("name", "").strip():
                by_domain[dom].append(r)
    rows = []
    ids: dict[tuple[str, str], str] = {}
    for dom, outlets in sorted(by_domain.items()):
        if len(outlets) != 1:
            continue  # a domain shared by outlets has no single gold name
        r = outlets[0]
        name = r["name"].strip()
        ref_id = ids.setdefault((name, r["state"]), f"n{len(ids)}")
        rows.append((dom, name, ref_id, r["state"], r["medium"]))
    return _reference_run("local_news", tmp, rows, limit)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen evaluations and print their figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "which", nargs="*", default=["webstruct", "trafilatura", "dotgov", "universities", "local_news"]
    )
    parser.add_argument("--limit", type=int, default=None, help="first N domains of dotgov/universities")
    args = parser.parse_args(argv)
    root = eval_dir()
    if root is None:
        print("skipped: ../shared/eval not found (set ORGMAP_EVAL_DIR to evaluate on real data)")
        return 0
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        for which in args.which:
            if which == "webstruct":
                results[which] = webstruct(root, tmp)
            elif which == "trafilatura":
                results[which] = trafilatura(root, tmp)
            elif which == "dotgov":
                results[which] = dotgov(root, tmp, args.limit)
            elif which == "universities":
                results[which] = universities(root, tmp, args.limit)
            elif which == "local_news":
                results[which] = local_news(root, tmp, args.limit)
            print(json.dumps({which: results[which]}, ensure_ascii=False, indent=1), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
