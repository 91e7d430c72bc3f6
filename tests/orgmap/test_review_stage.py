"""The review loop on a real DuckDB file: what to ask, answers from files, and answers that survive re-runs.

A tiny crawl written here (never evaluation pages) runs through the real pipeline up to resolve.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmap.cli import app
from orgmap.config import load_settings
from orgmap.pipeline import run
from orgmap.stages.review import select_owners, select_pairs
from orgmap.store.database import Store
from tests.orgmap.test_merges import EN, Page, company_site

pytestmark = pytest.mark.slow
runner = CliRunner()


def _crawl(tmp: Path) -> tuple[Path, str]:
    pages = [
        *company_site("acme-widgets.com", "Acme Widgets", "Acme Widgets Ltd"),
        *company_site("acmewidgets.net", "Acme Widgets", "Acme Widgets Ltd"),
        *company_site("zeta-tools.com", "Zeta Tools", "Zeta Tools Ltd"),
        *company_site("omega-parts.com", "Omega Parts", "Omega Parts Ltd"),
        Page("https://quiet-site.org/", "Welcome", EN),
    ]
    crawl = tmp / "crawl.jsonl"
    crawl.write_text("".join(json.dumps({"url": p.url, "html": p.html()}) + "\n" for p in pages), encoding="utf-8")
    return crawl, str(tmp / "r.duckdb")


def _run(crawl: Path, db: str) -> None:
    settings = load_settings(None, {"db": db, "ner.enabled": False}, environ={})
    run(settings, [str(crawl)], skip=("classify", "graph", "export"))


def _owners(db: str) -> dict[str, tuple]:
    with Store(db, read_only=True) as store:
        rows = store.con.execute("select registered_domain, status, org_name, confidence, org_id from domain_org")
        return {r[0]: r[1:] for r in rows.fetchall()}


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    crawl, db = _crawl(tmp_path_factory.mktemp("review"))
    _run(crawl, db)
    return crawl, db


def test_owner_reviews_are_ranked_by_expected_value_with_candidates_and_evidence(resolved) -> None:
    _, db = resolved
    settings = load_settings(None, {"db": db}, environ={})
    with Store(db) as store:
        rows = select_owners(store, settings, 10, threshold=0.8)
        random_rows = select_owners(store, settings, 10, threshold=0.8, strategy="random", seed=3)
    assert len(rows) == 5 and sorted(r["registered_domain"] for r in random_rows) == sorted(
        r["registered_domain"] for r in rows
    )
    assert [r["value"] for r in rows] == sorted((r["value"] for r in rows), reverse=True)
    assert all(0.0 <= r["priority"] <= 1.0 for r in rows)
    zeta = next(r for r in rows if r["registered_domain"] == "zeta-tools.com")
    assert zeta["candidates"][0]["name"].startswith("Zeta Tools")
    ev = zeta["candidates"][0]["evidence"][0]
    assert ev["kind"] and ev["url"].startswith("https://zeta-tools.com/")
    assert zeta["pages"][0] == "https://zeta-tools.com/"


def test_answers_from_a_file_stick_through_re_runs_and_explain_says_so(resolved, tmp_path: Path) -> None:
    crawl, first = resolved
    db = str(tmp_path / "w.duckdb")
    Path(db).write_bytes(Path(first).read_bytes())
    before = _owners(db)
    assert before["acme-widgets.com"][3] == before["acmewidgets.net"][3]  # one org by name
    assert before["zeta-tools.com"][0] == "linked"

    out = tmp_path / "owners.csv"
    assert "owners tasks written" in _cli("review", "export", str(out), "--what", "owners", "--n", "10", "--db", db)
    with out.open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    for row in table:
        if row["domain"] == "zeta-tools.com":
            row |= {"answer": "another name", "other_name": "Zeta Holdings Ltd"}
        if row["domain"] == "quiet-site.org":
            row |= {"answer": "person", "annotator": "bob"}
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(table[0]))
        w.writeheader()
        w.writerows(table)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "orgmap_id,a,b,answer,parent\n"
        "pair:acme-widgets.com|acmewidgets.net,acme-widgets.com,acmewidgets.net,different,\n"
        "pair:omega-parts.com|zeta-tools.com,omega-parts.com,zeta-tools.com,parent/subsidiary,b\n",
        encoding="utf-8",
    )
    said = _cli("review", "import", str(out), "--annotator", "alice", "--db", db)
    assert "2 owner answers and 0 pair answers new" in said
    assert "0 owner answers and 2 pair answers new" in _cli("review", "import", str(pairs), "--db", db)
    assert "0 owner answers" in _cli("review", "import", str(out), "--annotator", "alice", "--db", db)  # idempotent

    for _ in range(2):  # a re-run, and another: the answers stay
        _run(crawl, db)
        now = _owners(db)
        assert now["zeta-tools.com"][:3] == ("linked", "Zeta Holdings Ltd", 1.0)
        assert now["quiet-site.org"][:2] == ("person", None)  # no organization: NULL name (013)
        assert now["acme-widgets.com"][3] != now["acmewidgets.net"][3]  # "different" split the org
        with Store(db, read_only=True) as store:
            rel = store.con.execute("select org_id, other_id, kind, confidence from org_relations").fetchall()
            answers = store.con.execute("select annotator, source from verified_owners order by 1").fetchall()
        assert (now["zeta-tools.com"][3], now["omega-parts.com"][3], "parent_of", 1.0) in rel
        assert answers == [("alice", "csv"), ("bob", "csv")]

    assert "2 answered pairs" in _cli("review", "calibrate", "--db", db)
    from benchmarks.train_owner_model import verified_gold

    people = verified_gold(Path(db))
    assert (people["zeta-tools.com"].status, people["zeta-tools.com"].names) == ("org", ("Zeta Holdings Ltd",))
    assert people["quiet-site.org"].status == "person"

    explained = _cli("explain", "zeta-tools.com", "--db", db)
    assert "verified by a person: verified by alice" in explained
    with Store(db) as store:
        settings = load_settings(None, {"db": db}, environ={})
        asked = select_owners(store, settings, 10, threshold=0.8)
        pairs_asked = select_pairs(store, settings, 10)
    assert {r["registered_domain"] for r in asked}.isdisjoint({"zeta-tools.com", "quiet-site.org"})
    assert all({p["a"]["domain"], p["b"]["domain"]} != {"acme-widgets.com", "acmewidgets.net"} for p in pairs_asked)


def test_the_latest_answer_wins_and_a_conflict_is_flagged(resolved, tmp_path: Path) -> None:
    _, first = resolved
    db = str(tmp_path / "c.duckdb")
    Path(db).write_bytes(Path(first).read_bytes())
    early = {"id": 1, "data": {"orgmap_id": "owner:zeta-tools.com", "domain": "zeta-tools.com", "candidates": []}}
    early["annotations"] = [
        {"result": [_choice("owner", "person")], "completed_by": "a", "updated_at": "2026-01-01T10:00:00Z"},
        {"result": [_choice("owner", "platform")], "completed_by": "b", "updated_at": "2026-01-02T10:00:00Z"},
        {"result": [_choice("owner", "unknown")], "was_cancelled": True, "updated_at": "2026-01-03T10:00:00Z"},
    ]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([early]), encoding="utf-8")
    assert "2 owner answers" in _cli("review", "import", str(path), "--db", db)
    with Store(db, read_only=True) as store:
        got = store.con.execute("select status, annotator, n_answers, conflict from verified_owners").fetchall()
    assert got == [("platform", "b", 2, True)]


def _choice(control: str, value: str) -> dict:
    return {"from_name": control, "to_name": "candidates", "type": "choices", "value": {"choices": [value]}}


def test_the_ml_backend_predicts_owner_and_merge_tasks_beside_class_tasks(resolved) -> None:
    from orgmap.review.backend import ModelHolder, create_app
    from orgmap.stages.review import build, review_predictor
    from tests.orgmap.review.test_backend import Fixed, serving

    _, db = resolved
    settings = load_settings(None, {"db": db}, environ={})
    with Store(db) as store:
        owner_tasks = build(store, settings, "owners", 2, threshold=0.8)
        pair_tasks = build(store, settings, "merges", 1, threshold=0.8)
    app = create_app(ModelHolder(Fixed(1), "v1"), review_predict=review_predictor(settings))
    plain = {"data": {"orgmap_id": "domain:x.com", "title": "t", "text": "x"}}
    tasks = [{"data": owner_tasks[0]["data"]}, plain, {"data": pair_tasks[0]["data"]}, {"data": owner_tasks[1]["data"]}]
    with serving(app) as client:
        r = client.post("/predict", json={"tasks": tasks})
    assert r.status_code == 200, r.text
    got = r.json()["results"]
    assert got[1]["result"][0]["value"]["choices"] == ["shop"] and got[1]["model_version"] == "v1"
    for i in (0, 3):
        assert got[i] == owner_tasks[i // 3]["predictions"][0]  # what push pre-filled: the store's answer
    assert got[2]["result"][0]["from_name"] == "decision" and got[2]["result"][0]["value"]["choices"] == ["same"]


def test_merge_pairs_come_from_active_learning_sources(tmp_path: Path) -> None:
    """Each source of pairs, on hand-written orgs.

    Near the target, rules vs names, across countries, the weakest edge of a large org, a near miss.
    """
    orgs = {  # org_id: (canonical name, name key, country, domains, {domain: its own owner name})
        "o-eps": ("Epsilon", "epsilon", None, ["eps.com", "eps.org"], {}),
        "o-alpha": ("Alpha Group", "alpha group", None, ["alpha.com", "alpha.net", "alpha-shop.com"], {}),
        "o-beta": ("Beta Ltd", "beta", None, ["beta.com", "gamma-corp.com"], {"gamma-corp.com": "Gamma Corp"}),
        "o-delta": ("Delta", "delta", "DE", ["delta.de", "delta.fr"], {}),
        "o-omega1": ("Omega Widgets", "omega widgets", None, ["omega.com"], {}),
        "o-omega2": ("Omega Widgetz", "omega widgetz", None, ["omega-w.com"], {}),
    }
    edges = [  # org_id, a, b, kind, confidence
        ("o-eps", "eps.com", "eps.org", "name", 0.9),  # at the target
        ("o-alpha", "alpha.com", "alpha.net", "name", 0.97),  # the weakest of a 3-domain org
        ("o-alpha", "alpha-shop.com", "alpha.net", "name", 0.99),
        ("o-beta", "beta.com", "gamma-corp.com", "hard:redirect", 1.0),  # a rule joins unlike names
        ("o-delta", "delta.de", "delta.fr", "name", 0.5),  # a name merge across countries
    ]
    with Store(tmp_path / "p.duckdb") as store:
        store.con.execute(
            "insert into runs (command, started_at, status, settings) values ('resolve', now(), 'ok', ?)",
            [json.dumps({"resolve": {"min_precision": 0.9}})],
        )
        for org_id, (name, key, country, doms, owners) in orgs.items():
            store.con.execute(
                "insert into orgs (org_id, canonical_name, name_key, country, domains, n_domains, source) "
                "values (?, ?, ?, ?, ?, ?, 'crawl')",
                [org_id, name, key, country, doms, len(doms)],
            )
            for d in doms:
                store.con.execute(
                    "insert into domain_org (registered_domain, org_id, org_name, confidence, status, evidence) "
                    "values (?, ?, ?, 0.95, 'linked', ?)",
                    [d, org_id, name, json.dumps({"name": owners.get(d, name), "why": "a test"})],
                )
        for org_id, a, b, kind, conf in edges:
            store.con.execute(
                "insert into org_edges values (?, ?, ?, ?, 1.0, ?, 'a test', 1)", [org_id, a, b, kind, conf]
            )
        settings = load_settings(None, {"db": str(tmp_path / "p.duckdb")}, environ={})
        pairs = select_pairs(store, settings, 20)
    why = {(p["a"]["domain"], p["b"]["domain"]): p["why"] for p in pairs}
    assert [p["value"] for p in pairs] == sorted((p["value"] for p in pairs), reverse=True)
    assert (pairs[0]["a"]["domain"], pairs[0]["b"]["domain"], pairs[0]["value"]) == ("eps.com", "eps.org", 1.0)
    assert why[("alpha.com", "alpha.net")].startswith("the weakest edge of a large org")
    assert why[("beta.com", "gamma-corp.com")].startswith("the rule hard:redirect merges them but their names differ")
    assert why[("delta.de", "delta.fr")].startswith("a name merge across countries")
    assert why[("omega-w.com", "omega.com")].startswith("names nearly matched")
    near = next(p for p in pairs if p["a"]["domain"] == "omega-w.com")
    assert near["same_org"] is False
    delta = next(p for p in pairs if p["a"]["domain"] == "delta.de")
    assert (delta["a"]["country"], delta["b"]["country"]) == ("DE", "FR")
