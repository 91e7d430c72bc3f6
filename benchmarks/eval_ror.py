"""University domain→org linking with ROR (Research Organization Registry) as master data.

    python -m benchmarks.eval_ror [ror_reader] [universities_enriched] [universities_vs_ror] [--limit N]

- ror_reader: ``--orgs ror_orgs.jsonl.gz`` as orgmap reads it: seconds, organizations, records skipped
  (withdrawn, inactive) and domains left out (a unit's host under its parent's domain, shared, invalid).

Both link Hipo's university domains (``orgs/university_domains.json``) with ``orgmap resolve --orgs`` and
no pages, so orgmap must read the owner out of the domain's label; no reference list carries a domain.

- universities_enriched: the reference is Hipo's names (as ``eval_resolve universities``), each with the
  names of its ROR record as aliases: ROR's name, aliases, acronyms and labels, never its domains or
  websites. Hipo → ROR by normalized name key + country (ROR's name first, then its aliases and labels);
  a key that fits several ROR records of the country joins none. Correct when the linked reference name
  normalizes to the gold (Hipo) name, as in ``eval_resolve``.
- universities_vs_ror: the reference is every active ROR record of type ``education``, read by orgmap's
  ROR reader from a ROR-format file whose ``domains``/``websites`` were emptied. Correct when the gold
  name's key equals the key of the linked ROR record's name or of one of its aliases/labels/acronyms.
  ``gold_in_ror`` is the ceiling: domains whose gold name is such a key of some education record;
  ``curve_gold_in_ror`` measures on those domains only.
- universities_ror_domains: the same with ROR's domains and websites kept (the dump as a user passes it):
  how many domains link through a domain ROR lists, and how often rightly (also where the gold name is in
  ROR: elsewhere Hipo's English name vs ROR's native one counts as a miss).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.eval_resolve import _curve
from benchmarks.name_rules import name_key
from benchmarks.real_pages import eval_dir, settings_for
from orgmap.pipeline import run
from orgmap.store.database import Store
from resolver.domains import registered_domain
from resolver.reference import read_reference

_SKIP = ("classify", "graph", "export")


def _ror_records(root: Path) -> list[dict[str, Any]]:
    """Active ROR records of the flattened eval file."""
    with gzip.open(root / "orgs" / "ror_orgs.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [r for r in map(json.loads, fh) if r.get("status", "active") == "active"]


def _forms(rec: dict[str, Any], *, acronyms: bool = True) -> list[str]:
    """A ROR record's names: name, aliases, labels (and acronyms), first occurrence kept."""
    out = [rec.get("name") or "", *(rec.get("aliases") or [])]
    out += [lb.get("value") or "" for lb in rec.get("labels") or []]
    if acronyms:
        out += rec.get("acronyms") or []
    return [f for f in dict.fromkeys(f.strip() for f in out) if f]


def _hipo(root: Path, limit: int | None) -> tuple[list[dict[str, Any]], list[tuple[str, int]]]:
    """Hipo's universities, and (domain, index of its university) rows, the first ``limit`` of them."""
    unis = json.loads((root / "orgs" / "university_domains.json").read_text(encoding="utf-8"))
    rows = [(d.strip().lower(), i) for i, u in enumerate(unis) for d in u.get("domains") or []]
    return unis, rows[:limit] if limit else rows


def _linked(db: str) -> dict[str, tuple[str, str | None, float]]:
    """Each linked registered domain → (org name, reference id, confidence)."""
    return {dom: row[:3] for dom, row in _linked_with_evidence(db).items()}


def _linked_with_evidence(db: str) -> dict[str, tuple[str, str | None, float, bool]]:
    """As :func:`_linked`, plus whether the link came from a domain the reference lists."""
    with Store(db, read_only=True) as store:
        rows = store.con.execute(
            "select d.registered_domain, d.org_name, o.reference_id, d.confidence,"
            " coalesce(cast(d.evidence as varchar) like '%reference list match (domain%', false)"
            " from domain_org d left join orgs o using (org_id) where d.status = 'linked'"
        ).fetchall()
    return {dom: (name, ref, conf, by_domain) for dom, name, ref, conf, by_domain in rows}


def _resolve(tmp: Path, name: str, orgs_file: Path, domains: Iterable[str]) -> tuple[dict, float]:
    urls = tmp / f"{name}_domains.txt"
    urls.write_text("\n".join(domains) + "\n", encoding="utf-8")
    settings = settings_for(
        tmp / f"{name}.duckdb", **{"resolve.orgs_file": str(orgs_file), "resolve.reference_min_score": 0.0}
    )
    t0 = time.perf_counter()
    run(settings, [str(urls)], skip=_SKIP)
    return _linked(settings.db), time.perf_counter() - t0


def join_hipo_to_ror(unis: list[dict[str, Any]], ror: list[dict[str, Any]]) -> tuple[dict[int, dict], Counter[str]]:
    """Hipo index → its ROR record, by name key + country: ROR names first, then aliases and labels.

    A key that fits several ROR records of the same country joins none (``ambiguous``), unless exactly one
    of them is of type education.
    """
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_alias: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, rec in enumerate(ror):
        country = (rec.get("country") or "").upper()
        forms = _forms(rec, acronyms=False)
        by_name[(name_key(forms[0]), country)].append(j)
        for f in forms[1:]:
            by_alias[(name_key(f), country)].append(j)
    joined: dict[int, dict] = {}
    how: Counter[str] = Counter()
    for i, u in enumerate(unis):
        k = (name_key(u["name"]), (u.get("alpha_two_code") or "").upper())
        if not k[0]:
            how["not_found"] += 1
            continue
        for label, index in (("name", by_name), ("alias", by_alias)):
            hits = list(dict.fromkeys(index.get(k, [])))
            if len(hits) > 1:
                edu = [j for j in hits if "education" in (ror[j].get("types") or [])]
                hits = edu if len(edu) == 1 else hits
            if len(hits) == 1:
                joined[i] = ror[hits[0]]
                how[f"by_{label}"] += 1
                break
            if hits:
                how["ambiguous"] += 1
                break
        else:
            how["not_found"] += 1
    return joined, how


def universities_enriched(root: Path, tmp: Path, limit: int | None) -> dict[str, object]:
    """Hipo names + their ROR record's names as aliases, as the reference for Hipo's domains.

    Runs the same reference without the aliases too (``eval_resolve universities``), so the gain is
    measured on the same domains, overall and on those whose university found a ROR record.
    """
    unis, rows = _hipo(root, limit)
    used = sorted({i for _, i in rows})
    joined, how = join_hipo_to_ror([unis[i] for i in used], _ror_records(root))
    joined = {used[k]: rec for k, rec in joined.items()}
    aliases = {
        i: [f for f in _forms(rec) if name_key(f) != name_key(unis[i]["name"]) and "|" not in f]
        for i, rec in joined.items()
    }
    out: dict[str, object] = {
        "domains": len(rows),
        "hipo_orgs": len(used),
        "joined_to_ror": len(joined),
        "join": dict(how),
        "aliases_added": sum(map(len, aliases.values())),
        "domains_of_joined": sum(i in joined for _, i in rows),
    }
    for run_name, with_aliases in (("baseline", False), ("enriched", True)):
        ref_csv = tmp / f"{run_name}_orgs.csv"
        with ref_csv.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "name", "aliases", "domains", "country", "class"])
            for i in used:
                extra = "|".join(aliases.get(i, [])) if with_aliases else ""
                w.writerow([f"u{i}", unis[i]["name"].strip(), extra, "", unis[i].get("alpha_two_code") or "", ""])
        linked, seconds = _resolve(tmp, run_name, ref_csv, (d for d, _ in rows))
        scored, on_joined, not_joined, misses = [], [], [], []
        for dom, i in rows:
            gold = unis[i]["name"].strip()
            pred, _ref, conf = linked.get(registered_domain(dom) or "", ("unknown", None, None))
            ok = conf is not None and name_key(pred) == name_key(gold)
            scored.append((conf, ok))
            (on_joined if i in joined else not_joined).append((conf, ok))
            if not ok:
                misses.append((dom, gold, pred, "ror" if i in joined else "no ror"))
        out[run_name] = {
            "curve": _curve(scored),
            "curve_joined": _curve(on_joined),
            "curve_not_joined": _curve(not_joined),
            "seconds": round(seconds, 1),
            **({"misses": misses[:15]} if with_aliases else {}),
        }
    return out


def universities_vs_ror(root: Path, tmp: Path, limit: int | None) -> dict[str, object]:
    """Hipo domains linked straight to ROR's education records, with ROR's domains and websites removed."""
    return _vs_ror(root, tmp, limit, keep_domains=False)


def universities_ror_domains(root: Path, tmp: Path, limit: int | None) -> dict[str, object]:
    """As ``universities_vs_ror`` but with ROR's domains and websites kept, as a user would pass the dump."""
    return _vs_ror(root, tmp, limit, keep_domains=True)


def _vs_ror(root: Path, tmp: Path, limit: int | None, *, keep_domains: bool) -> dict[str, object]:
    unis, rows = _hipo(root, limit)
    edu = [r for r in _ror_records(root) if "education" in (r.get("types") or [])]
    keys = {r["id"]: {name_key(f) for f in _forms(r)} - {""} for r in edu}
    all_keys = set().union(*keys.values())
    name = "ror_domains" if keep_domains else "vs_ror"
    orgs = tmp / f"{name}.jsonl.gz"
    with gzip.open(orgs, "wt", encoding="utf-8") as fh:
        for r in edu:
            if not keep_domains:
                r = {**r, "domains": [], "websites": [], "website_hosts": []}
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    _, seconds = _resolve(tmp, name, orgs, (d for d, _ in rows))
    linked = _linked_with_evidence(str(tmp / f"{name}.duckdb"))
    scored, in_ror, misses, by_domain = [], [], [], []
    for dom, i in rows:
        gold = name_key(unis[i]["name"])
        pred, ref, conf, via_domain = linked.get(registered_domain(dom) or "", ("unknown", None, None, False))
        ok = conf is not None and (gold in keys.get(ref or "", ()) or gold == name_key(pred))
        scored.append((conf, ok))
        if via_domain:
            by_domain.append((ok, gold in all_keys))
        if gold in all_keys:
            in_ror.append((conf, ok))
        if not ok:
            misses.append((dom, unis[i]["name"], pred, "in ror" if gold in all_keys else "not in ror"))
    n = len(rows)
    out: dict[str, object] = {
        "domains": n,
        "ror_education_records": len(edu),
        "gold_in_ror": len(in_ror),
        "ceiling_accuracy": round(len(in_ror) / n, 3) if n else 0.0,
        "curve": _curve(scored),
        "curve_gold_in_ror": _curve(in_ror),
        "seconds": round(seconds, 1),
        "misses": misses[:15],
    }
    if keep_domains:
        known = [ok for ok, in_ror in by_domain if in_ror]
        out["linked_by_domain"] = len(by_domain)
        out["precision_by_domain"] = round(sum(ok for ok, _ in by_domain) / len(by_domain), 3) if by_domain else 0.0
        out["precision_by_domain_gold_in_ror"] = round(sum(known) / len(known), 3) if known else 0.0
    return out


def ror_reader(root: Path, tmp: Path, limit: int | None) -> dict[str, object]:
    """How long orgmap's reader takes over the whole ROR file, and what it keeps and leaves out."""
    t0 = time.perf_counter()
    got = read_reference(root / "orgs" / "ror_orgs.jsonl.gz")
    seconds = time.perf_counter() - t0
    with_domains = sum(1 for d in got.table.column("domains").to_pylist() if d)
    return {
        "records": got.records,
        "organizations": got.table.num_rows,
        "with_domains": with_domains,
        "skipped": dict(got.skipped),
        "dropped_domains": dict(got.dropped_domains),
        "seconds": round(seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the chosen evaluations and print their figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "which",
        nargs="*",
        default=["ror_reader", "universities_enriched", "universities_vs_ror", "universities_ror_domains"],
    )
    parser.add_argument("--limit", type=int, default=None, help="first N Hipo domains")
    args = parser.parse_args(argv)
    root = eval_dir()
    if root is None or not (root / "orgs" / "ror_orgs.jsonl.gz").exists():
        print("skipped: ../shared/eval/orgs not found (set ORGMAP_EVAL_DIR to evaluate on real data)")
        return 0
    runs = {
        "ror_reader": ror_reader,
        "universities_enriched": universities_enriched,
        "universities_vs_ror": universities_vs_ror,
        "universities_ror_domains": universities_ror_domains,
    }
    with tempfile.TemporaryDirectory() as td:
        for which in args.which:
            if which not in runs:
                parser.error(f"unknown evaluation {which!r}; choose from {', '.join(runs)}")
            print(
                json.dumps({which: runs[which](root, Path(td), args.limit)}, ensure_ascii=False, indent=1), flush=True
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
