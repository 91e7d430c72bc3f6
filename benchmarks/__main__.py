"""``python -m benchmarks [NAME...] [--quick] [--json FILE]``: run the benchmark modules and print their figures.

Every ``benchmarks/bench_<name>.py`` defines ``run(quick: bool) -> dict``; the dict maps a figure's name
to its value (nested dicts are printed as sections). Benchmarks are not tests: they assert nothing and
are run by ``make bench``, never by ``make test``.

Example::

    python -m benchmarks ingest --quick
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent


def available() -> list[str]:
    """Names of the benchmark modules (``bench_ingest.py`` → ``ingest``)."""
    return sorted(
        m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(PACKAGE)]) if m.name.startswith("bench_")
    )


def _print(figures: dict[str, Any], indent: str = "  ") -> None:
    width = max((len(k) for k in figures), default=0)
    for key, value in figures.items():
        if isinstance(value, dict):
            print(f"{indent}{key}:")
            _print(value, indent + "  ")
        elif isinstance(value, float):
            print(
                f"{indent}{key:<{width}}  {value:,.3f}" if abs(value) < 100 else f"{indent}{key:<{width}}  {value:,.0f}"
            )
        elif isinstance(value, int) and not isinstance(value, bool):
            print(f"{indent}{key:<{width}}  {value:,}")
        else:
            print(f"{indent}{key:<{width}}  {value}")


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all when none is named); return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(available())})")
    parser.add_argument("--quick", action="store_true", help="smaller inputs: a smoke run in seconds")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    names = args.names or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"benchmarks: unknown {', '.join(unknown)}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(PACKAGE.parent))
    results: dict[str, Any] = {}
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"{name}{' (quick)' if args.quick else ''}:", flush=True)
        t0 = time.perf_counter()
        figures = module.run(quick=args.quick)
        figures["benchmark_seconds"] = round(time.perf_counter() - t0, 1)
        _print(figures)
        results[name] = figures
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
