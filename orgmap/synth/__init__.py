"""Synthetic crawls with ground truth, deterministic from a seed, streamed to disk.

Tests, benchmarks and evaluations need crawls of any size whose right answers are known (who owns each
domain, the class of each page), with the traps real crawls set: brand domains, IDNs, redirects, parked
domains, the same name in two countries. The files written are a contract: docs/synth.md.

Example::

    manifest = generate("out/crawl", n_pages=1000, seed=1)  # the files `orgmap synth` writes
    for page in iter_pages(n_pages=50, seed=1):  # the same records, in memory
        page.record["url"], page.page_class
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from orgmap.synth.pages import PageStream, SynthPage, allocate
from orgmap.synth.vocab import ORG_CLASSES, PAGE_CLASSES
from orgmap.synth.world import SHIFTS, World, build_world
from resolver.errors import InputError

__all__ = [
    "DEFAULT_LANGUAGES",
    "GENERATOR_VERSION",
    "ORG_CLASSES",
    "PAGE_CLASSES",
    "SHIFTS",
    "SynthManifest",
    "SynthPage",
    "generate",
    "iter_pages",
    "make_world",
]

GENERATOR_VERSION = "1.0"
"""Bumped whenever the same seed would produce different bytes."""
DEFAULT_LANGUAGES = ("en", "de", "fr")
PAGES_PER_ORG = 11


@dataclass(frozen=True)
class SynthManifest:
    """What a ``generate`` call wrote."""

    out_dir: Path
    """The output directory."""
    seed: int
    """The seed everything was drawn from."""
    n_pages: int
    """Records written to pages.jsonl.gz (HTML pages and redirects)."""
    n_orgs: int
    """Rows of truth/orgs.csv."""
    n_domains: int
    """Rows of truth/domains.csv."""
    shift: str | None
    """The distribution shift applied (None: the base distribution)."""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Counts per page class, domain class, org class, domain kind, language, status."""
    seconds: float = 0.0
    """Wall time of the run (not written to manifest.json, which must be byte-identical per seed)."""

    @property
    def pages_per_second(self) -> float:
        """Throughput of the run."""
        return self.n_pages / self.seconds if self.seconds else 0.0


def make_world(
    *,
    n_pages: int,
    seed: int,
    shift: str | None = None,
    n_orgs: int | None = None,
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
    world_seed: int | None = None,
) -> tuple[World, PageStream]:
    """Build the world and the (lazy) page stream over it; exposed for tests and benchmarks.

    ``world_seed`` (default: ``seed``) draws the orgs and sites apart from the pages: two calls with the
    same ``world_seed``, ``n_orgs``, ``shift`` and ``languages`` but different seeds are two crawls of the
    same web (a re-crawl, a second batch: same orgs and domains, different pages).
    """
    if n_pages < 1:
        raise InputError("--pages must be at least 1")
    if shift is not None and shift not in SHIFTS:
        raise InputError(f"unknown shift {shift!r}: use one of {', '.join(SHIFTS)}")
    rng = random.Random(seed)
    orgs = n_orgs if n_orgs is not None else max(3, round(n_pages / PAGES_PER_ORG))
    world_rng = rng if world_seed in (None, seed) else random.Random(world_seed)
    world = build_world(world_rng, n_orgs=orgs, shift=shift, languages=tuple(languages))
    allocate(world.sites, n_pages, rng, trim=n_orgs is None)
    world.sites = [s for s in world.sites if s.n_pages > 0]
    if any(s.redirect_to is not None and s.redirect_to.n_pages == 0 for s in world.sites):  # pragma: no cover
        raise AssertionError("a redirect points to a site with no pages")
    return world, PageStream(world, rng, seed=seed, shift=shift)


def iter_pages(
    *,
    n_pages: int,
    seed: int,
    shift: str | None = None,
    n_orgs: int | None = None,
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
    world_seed: int | None = None,
) -> Iterator[SynthPage]:
    """Stream the records (with truth) that ``generate`` would write, without touching the disk."""
    _, stream = make_world(
        n_pages=n_pages, seed=seed, shift=shift, n_orgs=n_orgs, languages=languages, world_seed=world_seed
    )
    return iter(stream)


def generate(
    out_dir: str | Path,
    *,
    n_pages: int,
    seed: int,
    shift: str | None = None,
    n_orgs: int | None = None,
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
    world_seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SynthManifest:
    """Write a crawl of ``n_pages`` records and its ground truth to ``out_dir``; same seed, same bytes.

    ``progress`` is called with the number of records written since the last call (every 1,000).
    ``world_seed``: see :func:`make_world` (batches of one web).
    """
    started = time.perf_counter()
    out = Path(out_dir)
    world, stream = make_world(
        n_pages=n_pages, seed=seed, shift=shift, n_orgs=n_orgs, languages=languages, world_seed=world_seed
    )
    truth_dir = out / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("page_class", "lang", "status")}
    written = 0
    with (
        open(out / "pages.jsonl.gz", "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
        io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh,
        open(truth_dir / "pages.csv", "w", encoding="utf-8", newline="") as pfh,
    ):
        pages_csv = csv.writer(pfh, lineterminator="\n")
        pages_csv.writerow(("url", "registered_domain", "page_class", "org_id", "lang", "page_type"))
        pending = 0
        for page in stream:
            fh.write(json.dumps(page.record, ensure_ascii=False))
            fh.write("\n")
            counts["status"][str(page.record["status"])] += 1
            if not page.is_redirect:
                row = (page.url, page.registered_domain, page.page_class, page.org_id, page.lang, page.page_type)
                pages_csv.writerow(row)
                counts["page_class"][page.page_class] += 1
                counts["lang"][page.lang] += 1
            written += 1
            pending += 1
            if progress is not None and pending >= 1000:
                progress(pending)
                pending = 0
        if progress is not None and pending:
            progress(pending)
    n_domains, dom_counts = _write_domains(world, stream.named, truth_dir / "domains.csv")
    org_counts = _write_orgs(world, truth_dir / "orgs.csv")
    all_counts = {k: dict(sorted(v.items())) for k, v in counts.items()} | dom_counts | {"org_class": org_counts}
    manifest = {
        "generator": "orgmap.synth",
        "version": GENERATOR_VERSION,
        "seed": seed,
        "n_pages": written,
        "n_orgs": len(world.orgs),
        "n_domains": n_domains,
        "shift": shift,
        "world_seed": seed if world_seed is None else world_seed,
        "languages": list(languages),
        "counts": all_counts,
    }
    (truth_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", "utf-8")
    return SynthManifest(
        out_dir=out,
        seed=seed,
        n_pages=written,
        n_orgs=len(world.orgs),
        n_domains=n_domains,
        shift=shift,
        counts=all_counts,
        seconds=time.perf_counter() - started,
    )


def _write_domains(world: World, named: dict[str, bool], path: Path) -> tuple[int, dict[str, dict[str, int]]]:
    """One row per registered domain that has records; owner only where its pages (or a redirect) name it."""
    rows: dict[str, tuple[str, str, str]] = {}
    for s in world.sites:
        if s.registered_domain in rows:
            continue  # many *.wordpress.com blogs share one registered domain
        org_id = s.org.org_id if s.org is not None else ""
        if org_id and s.domain_kind != "redirect" and not named.get(s.registered_domain):
            org_id = ""  # honest truth: nothing on these pages names the owner
        rows[s.registered_domain] = (org_id, s.domain_kind, s.site_class)
    kinds: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("registered_domain", "org_id", "domain_kind", "domain_class"))
        for dom in sorted(rows):
            org_id, kind, cls = rows[dom]
            w.writerow((dom, org_id, kind, cls))
            kinds[kind] += 1
            classes[cls] += 1
    return len(rows), {"domain_kind": dict(sorted(kinds.items())), "domain_class": dict(sorted(classes.items()))}


def _write_orgs(world: World, path: Path) -> dict[str, int]:
    classes: Counter[str] = Counter()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("org_id", "name", "legal_form", "aliases", "org_class", "country", "parent_org_id"))
        for o in world.orgs:
            parent = o.parent.org_id if o.parent is not None else ""
            w.writerow((o.org_id, o.name, o.legal_form, "|".join(o.aliases), o.org_class, o.country, parent))
            classes[o.org_class] += 1
    return dict(sorted(classes.items()))
