"""Small hand-made frames and stores for the classifier tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from orgmap.store.database import Store

# site category → (domain stem, suffix, vocabulary, json-ld type)
KINDS = {
    "news_media": ("dailynews", "com", "breaking news headlines reporter editorial newspaper politics", "NewsArticle"),
    "shop": ("bestshop", "com", "add to cart checkout free shipping in stock price sale discount", "Product"),
    "government": ("cityof", "gov", "city council mayor residents permits department of public services", ""),
    "education_research": ("stateuniv", "edu", "university students faculty campus admissions courses tuition", ""),
    "gambling": ("luckycasino", "com", "casino poker slots jackpot free spins betting odds bonus", ""),
    "health": ("carehospital", "org", "hospital clinic patients doctors medical treatment appointment", "Hospital"),
}
FILLER = "welcome home page contact about us team service information great quality people world today".split()


def make_page_frame(n_per_class: int = 20, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Sites (one page each) with their category's vocabulary, noise words and some rows without any rule signal.

    The gold is the site category (the domain target's vocabulary).
    """
    rng = np.random.default_rng(seed)
    rows, gold = [], []
    for label, (stem, sfx, vocab, ld) in KINDS.items():
        words = vocab.split()
        for i in range(n_per_class):
            k = rng.integers(2, 6)
            text = " ".join(rng.choice(words, k).tolist() + rng.choice(FILLER, 10).tolist())
            dom = f"{stem}{i}.{sfx}"
            rows.append(
                {
                    "item_id": f"{label}-{i}",
                    "registered_domain": dom,
                    "suffix": sfx,
                    "url": f"https://{dom}/page/{i}",
                    "title": f"{words[0].title()} {i}",
                    "text": text,
                    "jsonld": f"|{ld.lower()}|" if ld and i % 2 else "",
                    "n_words": 40 + i,
                    "n_links_internal": 10,
                    "link_domains": "paypal.com stripe.com" if label == "shop" and i % 3 == 0 else "",
                }
            )
            gold.append(label)
    return pd.DataFrame(rows), np.array(gold, dtype=object)


def _now() -> dt.datetime:
    return dt.datetime(2026, 1, 1)


@pytest.fixture
def classify_store(tmp_path) -> Store:
    """A store with pages, features, domains, orgs and domain owners for two sites of each kind."""
    store = Store(tmp_path / "c.duckdb")
    frame, _ = make_page_frame(6, seed=1)
    run_id = store.start_run("test", [], {})
    pages = pa.table(
        {
            "page_id": frame["item_id"],
            "url": frame["url"],
            "url_norm": frame["url"],
            "host": frame["registered_domain"],
            "registered_domain": frame["registered_domain"],
            "has_content": [True] * len(frame),
            "source": ["jsonl"] * len(frame),
            "source_file": ["t.jsonl"] * len(frame),
            "run_id": [run_id] * len(frame),
            "ingested_at": [_now()] * len(frame),
        }
    )
    store.append("pages", pages)
    feats = pa.table(
        {
            "page_id": frame["item_id"],
            "registered_domain": frame["registered_domain"],
            "url_norm": frame["url"],
            "title": frame["title"],
            "text": frame["text"],
            "jsonld_types": [[t.strip("|")] if t else [] for t in frame["jsonld"]],
            "legal_forms": [[] for _ in range(len(frame))],
            "n_words": frame["n_words"].astype("int32"),
            "run_id": [run_id] * len(frame),
        }
    )
    store.append("page_features", feats)
    doms = frame.drop_duplicates("registered_domain")
    store.append(
        "domains",
        pa.table(
            {
                "registered_domain": doms["registered_domain"],
                "domain_unicode": doms["registered_domain"],
                "suffix": doms["suffix"],
                "is_private_suffix": [False] * len(doms),
                "is_ip": [False] * len(doms),
                "n_pages": [1] * len(doms),
                "n_urls": [1] * len(doms),
                "n_hosts": [1] * len(doms),
            }
        ),
    )
    org_ids = [f"org-{d}" for d in doms["registered_domain"]]
    names = [f"{d.split('.')[0].title()} Inc" for d in doms["registered_domain"]]
    store.append(
        "orgs",
        pa.table(
            {
                "org_id": org_ids,
                "canonical_name": names,
                "name_key": [n.lower() for n in names],
                "domains": [[d] for d in doms["registered_domain"]],
                "n_domains": [1] * len(doms),
                "source": ["crawl"] * len(doms),
            }
        ),
    )
    store.append(
        "domain_org",
        pa.table(
            {
                "registered_domain": doms["registered_domain"],
                "org_id": org_ids,
                "org_name": names,
                "confidence": [0.9] * len(doms),
                "status": ["linked"] * len(doms),
            }
        ),
    )
    store.finish_run(run_id, "ok", {})
    yield store
    store.close()
