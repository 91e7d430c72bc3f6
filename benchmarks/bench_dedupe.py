"""``orgmap dedupe`` side by side with Splink on the same organization records: time, peak memory, F1.

    python -m benchmarks dedupe [--quick]
    python -m benchmarks.bench_dedupe [--sizes 10000,100000] [--no-ror] [--limit-seconds 600]

Records: generated ones (``orgmap.synth.records``: name variants, countries, cities, domains, with known
clusters) at 10k, 100k and 1M (``--quick``: 10k only), plus the ROR affiliations of
``../shared/eval/er/crossref_affiliation_ror.csv`` (gold cluster = ROR id) when present. Each system runs
in a subprocess of its own (``orgmap dedupe FILE -o OUT --no-store``, and :func:`splink_dedupe`): wall
time and peak RSS (``wait4``) are the subprocess's, imports and reading the file included. Both see the
same file and clean it the same way (:func:`resolver.dedupe.prepare_records`: name keys, ISO countries,
registered domains, an affiliation's institution), inside their own timed run.

Splink (DuckDB backend) blocks with the rules of ``resolver/blocking.sql`` it can express: equal keys, a
shared rare word (exploded arrays), acronym = key, the 7-character prefix, the same domain (words,
prefixes and domains of more than 100 keys block nothing, as in orgmap); the sorted neighbourhood has no
Splink form. It is trained as its documentation teaches: the match prior from deterministic rules, u by
random sampling, m by EM on two blocking rules. Its clusters are connected components at a match
probability of 0.95 (its examples' value); F1 at other thresholds is reported too. docs/dedupe.md has the
whole configuration and the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from resolver.evaluate import bcubed_prf, pairwise_prf

SIZES = (10_000, 100_000, 1_000_000)
SEED = 14
SPLINK_THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)
SPLINK_DEFAULT = 0.95
TOKEN_CAP = 100
"""Words, prefixes and domains of more keys than this block nothing (``BlockingParams.token_cap``)."""
DUCKDB_MEMORY = "6GB"
ROOT = Path(__file__).resolve().parents[1]


# -- the two systems, each run in its own process -----------------------------------------------------
def splink_dedupe(src: Path, dst: Path) -> dict[str, Any]:
    """Cluster the records of ``src`` with Splink; write ``record_id`` and one cluster column per threshold."""
    import duckdb
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.blocking_rule_library import CustomRule

    from orgmap.dedupe import read_records
    from resolver.dedupe import prepare_records

    t0 = time.perf_counter()
    rec = prepare_records(read_records(src))
    countries = rec.column("countries").to_pylist()
    table = pa.table(
        {
            "unique_id": rec.column("name_id"),
            "name_key": rec.column("key"),
            "acronym": rec.column("acronym"),
            "country": [
                c or (cs[0] if cs else None) for c, cs in zip(rec.column("country").to_pylist(), countries, strict=True)
            ],
            "city": rec.column("city"),
            "domain": rec.column("domain"),
        }
    )
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{DUCKDB_MEMORY}'").fetchall()
    con.register("raw", table)
    # The helper columns of the blocking rules, with orgmap's cap on common words, prefixes and domains.
    con.execute(
        f"""
        create table records as
        with keys as (select distinct name_key from raw where name_key <> ''),
        toks as (select name_key, unnest(string_split(name_key, ' ')) as tok from keys),
        rare as (select tok from toks where length(tok) >= 2 group by tok having count(*) between 2 and {TOKEN_CAP}),
        key_toks as (
            select name_key, list(distinct tok) as rare_tokens from toks semi join rare using (tok) group by name_key
        ),
        pre as (select name_key, left(replace(name_key, ' ', ''), 7) as prefix7 from keys
                where length(replace(name_key, ' ', '')) >= 3),
        pre_ok as (select prefix7 from pre group by prefix7 having count(*) <= {TOKEN_CAP}),
        dom_ok as (select domain from raw where domain is not null group by domain
                   having count(distinct name_key) <= {TOKEN_CAP})
        select r.unique_id, nullif(r.name_key, '') as name_key, nullif(r.acronym, '') as acronym, r.country,
               r.city, r.domain, coalesce(k.rare_tokens, []) as rare_tokens,
               p.prefix7, d.domain as domain_block
        from raw r left join key_toks k using (name_key)
        left join (select * from pre semi join pre_ok using (prefix7)) p using (name_key)
        left join dom_ok d on d.domain = r.domain
        """
    ).fetchall()
    has_domain = con.execute("select count(domain) from records").fetchall()[0][0] > 0
    has_city = con.execute("select count(city) from records").fetchall()[0][0] > 0
    name = cl.CustomComparison(
        output_column_name="name_key",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True),
            cll.CustomLevel("acronym_l = name_key_r or name_key_l = acronym_r").configure(label_for_charts="acronym"),
            cll.JaroWinklerLevel("name_key", 0.95),
            cll.JaroWinklerLevel("name_key", 0.88),
            cll.JaroWinklerLevel("name_key", 0.8),
            cll.ElseLevel(),
        ],
    )
    comparisons = [name, cl.ExactMatch("country")]
    if has_city:
        comparisons.append(cl.JaroWinklerAtThresholds("city", [0.9]))
    if has_domain:
        comparisons.append(cl.ExactMatch("domain").configure(term_frequency_adjustments=True))
    rules = [
        block_on("name_key"),
        block_on("rare_tokens", arrays_to_explode=["rare_tokens"]),
        CustomRule("l.acronym = r.name_key"),
        CustomRule("l.name_key = r.acronym"),
        block_on("prefix7"),
    ]
    if has_domain:
        rules.append(block_on("domain_block"))
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register("records"), settings, log_level=None)
    t1 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match([block_on("name_key")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=SEED)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_key"))
    # the name's m values: pairs sharing a domain when records have one, else pairs sharing a prefix
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("domain") if has_domain else block_on("prefix7")
    )
    t2 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min(SPLINK_THRESHOLDS))
    t3 = time.perf_counter()
    out: dict[str, Any] = {"record_id": table.column("unique_id")}
    order = {rid: i for i, rid in enumerate(table.column("unique_id").to_pylist())}
    for t in SPLINK_THRESHOLDS:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, t).as_pyarrow_table()
        ids = clusters.column("unique_id").to_pylist()
        cids = clusters.column("cluster_id").to_pylist()
        col: list[str | None] = [None] * len(order)
        for rid, cid in zip(ids, cids, strict=True):
            col[order[rid]] = str(cid)
        out[f"cluster_{t}"] = pa.array(col, pa.string())
    pq.write_table(pa.table(out), dst)
    t4 = time.perf_counter()
    n_pairs = con.execute(f"select count(*) from {predictions.physical_name}").fetchall()[0][0]
    return {
        "seconds_prepare": round(t1 - t0, 2),
        "seconds_train": round(t2 - t1, 2),
        "seconds_predict": round(t3 - t2, 2),
        "seconds_cluster": round(t4 - t3, 2),
        "pairs_scored_above_0.5": n_pairs,
    }


def _measure(cmd: list[str], limit: float, env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run ``cmd``; its wall and CPU time (user + system, all threads and workers), peak RSS and exit status.

    Peak RSS is the largest ``VmHWM`` of the process and its workers, read from ``/proc`` while it runs
    (``ru_maxrss`` would carry over the RSS of this big process at fork). Killed after ``limit`` seconds.
    """
    t0 = time.perf_counter()
    with log.open("wb") as out_log:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out_log, stderr=out_log, start_new_session=True)
        killed, peak = False, 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_hwm_kb(proc.pid))
            if time.perf_counter() - t0 > limit:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.2)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    out: dict[str, Any] = {
        "seconds": round(wall, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(peak / 1024),
    }
    if killed:
        out["status"] = f"killed after {limit:.0f} s"
    elif code != 0:
        lines = log.read_text("utf-8", "replace").strip().splitlines()
        out["status"] = f"failed (exit {code}): {lines[-1] if lines else ''}"
    else:
        out["status"] = "ok"
    return out


def _tree_hwm_kb(pid: int) -> int:
    """The largest peak resident set (kB) among ``pid`` and its child processes (0 once they are gone)."""
    best, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            best = max(best, int(status.split("VmHWM:", 1)[1].split()[0]))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return best


def _scores(pred: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    pw, b3 = pairwise_prf(pred, gold), bcubed_prf(pred, gold)
    return {
        "pairwise_p": round(pw.precision, 4),
        "pairwise_r": round(pw.recall, 4),
        "pairwise_f1": round(pw.f1, 4),
        "bcubed_p": round(b3.precision, 4),
        "bcubed_r": round(b3.recall, 4),
        "bcubed_f1": round(b3.f1, 4),
    }


def compare(src: Path, gold: dict[str, str], work: Path, limit: float) -> dict[str, Any]:
    """Both systems on the records of ``src`` (a Parquet file with ``record_id``), scored against ``gold``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    figures: dict[str, Any] = {}
    ours = work / "orgmap.parquet"
    run = _measure(
        [sys.executable, "-m", "orgmap", "dedupe", str(src), "-o", str(ours), "--no-store"],
        limit,
        env,
        work / "orgmap.log",
    )
    if run["status"] == "ok":
        t = pq.read_table(ours, columns=["record_id", "cluster_id"])
        run.update(_scores(dict(zip(*(t.column(c).to_pylist() for c in t.column_names), strict=True)), gold))
    figures["orgmap"] = run
    theirs = work / "splink.parquet"
    stats = work / "splink.json"
    run = _measure(
        [sys.executable, "-m", "benchmarks.bench_dedupe", "--splink-worker", str(src), str(theirs), str(stats)],
        limit,
        env,
        work / "splink.log",
    )
    if run["status"] == "ok":
        t = pq.read_table(theirs)
        ids = t.column("record_id").to_pylist()
        by_threshold = {}
        for th in SPLINK_THRESHOLDS:
            s = _scores(dict(zip(ids, t.column(f"cluster_{th}").to_pylist(), strict=True)), gold)
            by_threshold[str(th)] = {"pairwise_f1": s["pairwise_f1"], "bcubed_f1": s["bcubed_f1"]}
            if th == SPLINK_DEFAULT:
                run.update(s)
        run["threshold"] = SPLINK_DEFAULT
        run["best_bcubed_f1_any_threshold"] = max(v["bcubed_f1"] for v in by_threshold.values())
        run["by_threshold"] = by_threshold
        run.update(json.loads(stats.read_text()))
    figures["splink"] = run
    return figures


# -- data ----------------------------------------------------------------------------------------------
def generated(n: int, work: Path) -> tuple[Path, dict[str, str]]:
    """``n`` generated records as a Parquet file without the truth, and the truth."""
    from orgmap.synth.records import generate_records

    t = generate_records(n, seed=SEED)
    src = work / f"records_{n}.parquet"
    pq.write_table(t.drop_columns(["cluster"]), src)
    return src, dict(zip(t.column("record_id").to_pylist(), t.column("cluster").to_pylist(), strict=True))


def ror(work: Path) -> tuple[Path, dict[str, str]] | None:
    """The ROR affiliations as records (``record_id``, ``affiliation``) and their gold ROR ids, if present."""
    from benchmarks.eval_er import eval_dir

    root = eval_dir()
    path = root / "er" / "crossref_affiliation_ror.csv" if root else None
    if path is None or not path.is_file():
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = [f"a{i + 1}" for i in range(len(rows))]
    src = work / "ror_affiliations.parquet"
    pq.write_table(pa.table({"record_id": ids, "affiliation": [r["affiliation"] for r in rows]}), src)
    return src, dict(zip(ids, (r["ror_id"] for r in rows), strict=True))


def run(quick: bool = False, sizes: tuple[int, ...] | None = None, with_ror: bool = True, limit: float = 600.0):
    """Both systems on generated records of each size, then on the ROR affiliations; one dict of figures."""
    try:
        import splink  # noqa: F401
    except ImportError:
        return {"skipped": "splink is not installed: pip install -e '.[dev]'"}
    sizes = sizes or ((10_000,) if quick else SIZES)
    figures: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="bench_dedupe_"))
    try:
        for n in sizes:
            src, gold = generated(n, work)
            figures[f"generated_{n}"] = compare(src, gold, work, limit)
            print(f"  generated_{n}: {json.dumps(figures[f'generated_{n}'])}", file=sys.stderr, flush=True)
        got = ror(work) if with_ror else None
        if got:
            figures["ror_affiliations"] = compare(*got, work, limit)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=None, help="comma-separated record counts (default: 10k, 100k, 1M)")
    ap.add_argument("--no-ror", action="store_true", help="skip the ROR affiliations")
    ap.add_argument("--limit-seconds", type=float, default=600.0, help="kill a system's run after this long")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--splink-worker", nargs=3, metavar=("SRC", "DST", "STATS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.splink_worker:
        src, dst, stats = (Path(x) for x in args.splink_worker)
        stats.write_text(json.dumps(splink_dedupe(src, dst)))
        return 0
    sizes = tuple(int(x) for x in args.sizes.split(",")) if args.sizes else None
    figures = run(sizes=sizes, with_ror=not args.no_ror, limit=args.limit_seconds)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
