"""Tiny real databases for the graph tests: rows written through the Store, as the resolver would."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pytest

from orgmap.store.database import Store

T0 = dt.datetime(2026, 1, 1, 12, 0)
T1 = dt.datetime(2026, 2, 1, 12, 0)


def add_domains(store: Store, names: Sequence[str], n_pages: int = 3) -> None:
    store.append(
        "domains",
        pa.table(
            {
                "registered_domain": list(names),
                "domain_unicode": list(names),
                "suffix": [n.split(".", 1)[-1] for n in names],
                "is_private_suffix": [False] * len(names),
                "is_ip": [False] * len(names),
                "n_pages": [n_pages] * len(names),
                "n_urls": [n_pages] * len(names),
                "n_hosts": [1] * len(names),
                "first_seen": [T0] * len(names),
                "last_seen": [T1] * len(names),
            }
        ),
    )


def add_orgs(store: Store, orgs: Sequence[tuple[str, str, str | None, Sequence[str]]]) -> None:
    """orgs: (org_id, name, country, domains)."""
    store.append(
        "orgs",
        pa.table(
            {
                "org_id": [o[0] for o in orgs],
                "canonical_name": [o[1] for o in orgs],
                "name_key": [o[1].lower() for o in orgs],
                "country": [o[2] for o in orgs],
                "aliases": [[o[1]] for o in orgs],
                "domains": [list(o[3]) for o in orgs],
                "n_domains": [len(o[3]) for o in orgs],
                "source": ["crawl"] * len(orgs),
                "first_seen": [T0] * len(orgs),
                "last_seen": [T1] * len(orgs),
            }
        ),
    )


def set_owners(store: Store, owners: Sequence[tuple[str, str | None, str, float]]) -> None:
    """owners: (domain, org_id, org_name, confidence); replaces those domains' rows."""
    table = pa.table(
        {
            "registered_domain": [o[0] for o in owners],
            "org_id": pa.array([o[1] for o in owners], pa.string()),
            "org_name": [o[2] for o in owners],
            "confidence": [o[3] for o in owners],
            "status": ["linked" if o[1] else "unknown" for o in owners],
            "evidence": [json.dumps({"name": o[2], "items": [{"signal": "copyright", "weight": 0.9}]}) for o in owners],
            "n_pages": [3] * len(owners),
        }
    )
    store.con.register("_t", table)
    store.con.execute("delete from domain_org where registered_domain in (select registered_domain from _t)").fetchall()
    store.con.unregister("_t")
    store.append("domain_org", table)


def set_links(store: Store, links: Sequence[tuple[str, str, int]]) -> None:
    """Upsert domain links as the signals stage does: counts accumulate over batches."""
    table = pa.table(
        {
            "from_domain": [x[0] for x in links],
            "to_domain": [x[1] for x in links],
            "n_links": [x[2] for x in links],
            "n_pages": [1] * len(links),
        }
    )
    store.con.register("_t", table)
    store.con.execute(
        "insert into links select * from _t on conflict (from_domain, to_domain) do update set"
        " n_links = links.n_links + excluded.n_links, n_pages = links.n_pages + excluded.n_pages"
    ).fetchall()
    store.con.unregister("_t")


def add_labels(store: Store, rows: Sequence[tuple[str, str, str, float, dict[str, float]]]) -> None:
    store.append(
        "labels",
        pa.table(
            {
                "target": [r[0] for r in rows],
                "item_id": [r[1] for r in rows],
                "label": [r[2] for r in rows],
                "confidence": [r[3] for r in rows],
                "probs": [json.dumps(r[4]) for r in rows],
                "model_version": ["domain-v1"] * len(rows),
                "source": ["end_model"] * len(rows),
            }
        ),
    )


def populate(store: Store) -> dict[str, Any]:
    """Two orgs with two domains each, an unowned domain, an external link target, a redirect, a subsidiary."""
    add_domains(store, ["acme.com", "acme.co.uk", "globex.com", "globex.de", "blog.example", "news.example"])
    add_orgs(
        store,
        [
            ("org-acme", 'Acme "Widgets" Ltd', "GB", ["acme.com", "acme.co.uk"]),
            ("org-globex", "Globex | Группа 株式会社 🚀", "DE", ["globex.com", "globex.de"]),
            ("org-initech", "Initech", None, []),
        ],
    )
    set_owners(
        store,
        [
            ("acme.com", "org-acme", 'Acme "Widgets" Ltd', 0.95),
            ("acme.co.uk", "org-acme", 'Acme "Widgets" Ltd', 0.7),
            ("globex.com", "org-globex", "Globex | Группа 株式会社 🚀", 0.9),
            ("globex.de", "org-globex", "Globex | Группа 株式会社 🚀", 0.85),
            ("blog.example", None, "unknown", 0.2),
        ],
    )
    set_links(
        store,
        [
            ("acme.com", "globex.com", 5),
            ("acme.co.uk", "acme.com", 7),
            ("blog.example", "acme.com", 2),
            ("globex.de", "external.org", 1),
            ("news.example", "acme.com", 3),
            ("acme.com", "acme.com", 9),
        ],
    )
    store.append(
        "redirects",
        pa.table(
            {
                "from_url": ["https://acme.co.uk/"],
                "to_url": ["https://acme.com/"],
                "from_domain": ["acme.co.uk"],
                "to_domain": ["acme.com"],
                "status": [301],
                "source": ["warc"],
                "run_id": [1],
                "seen_at": [T0],
            }
        ),
    )
    store.append(
        "org_relations",
        pa.table(
            {
                "org_id": ["org-initech"],
                "other_id": ["org-acme"],
                "kind": ["subsidiary_of"],
                "confidence": [0.8],
                "evidence": [json.dumps({"signal": "jsonld_parent"})],
            }
        ),
    )
    return {}


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s


@pytest.fixture
def graph_store(store: Store) -> Store:
    populate(store)
    return store


@pytest.fixture
def gdata() -> Any:
    """The helpers above, for test modules (importlib mode cannot import conftest)."""
    import types

    return types.SimpleNamespace(
        T0=T0,
        T1=T1,
        add_domains=add_domains,
        add_orgs=add_orgs,
        set_owners=set_owners,
        set_links=set_links,
        add_labels=add_labels,
        populate=populate,
    )
