import json
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from classifiers import registry
from classifiers.taxonomy import load_taxonomy
from orgmap.config import load_settings
from orgmap.models import evaluate_labels, train
from orgmap.runs import Run
from orgmap.stages.classify import classify
from orgmap.store.database import Store

from .conftest import KINDS


def _settings(store: Store, **over):
    return load_settings(None, {"db": store.path, **over}, environ={})


def _category(domain: str) -> str:
    """The site category a classify_store domain was made for (its stem)."""
    return next(c for c, (stem, *_) in KINDS.items() if domain.startswith(stem))


def test_classify_labels_pages_domains_and_orgs(classify_store):
    store = classify_store
    s = _settings(store, **{"classify.n_epochs": 30})
    summary = classify(store, s, Run(1))
    assert summary.labelled == {"page": 36, "domain": 36, "org": 36}
    assert set(summary.models) == {"page", "domain", "org"}
    assert summary.trained == ["page-v1", "domain-v1", "org-v1"]
    # no gold labels: the run says so, and so does every label and model
    assert all(v.startswith("unvalidated") for v in summary.validation.values()), summary.validation
    assert store.con.execute("select distinct validation from labels").fetchall() == [("unvalidated",)]
    assert store.con.execute("select distinct validation from models").fetchall() == [("unvalidated",)]
    note = store.con.execute("select note from models where version = 'domain-v1'").fetchone()[0]
    assert "without enough gold labels (0 < 10)" in note and "merit" not in note
    rows = store.con.execute(
        "select target, count(*), count(distinct model_version) from labels group by 1 order by 1"
    ).fetchall()
    assert rows == [("domain", 36, 1), ("org", 36, 1), ("page", 36, 1)]
    probs, ev = store.con.execute(
        "select probs, evidence from labels where target = 'domain' and item_id = 'dailynews0.com'"
    ).fetchone()
    assert abs(sum(json.loads(probs).values()) - 1) < 1e-3
    assert "lf" in json.loads(ev)
    got = store.con.execute("select item_id, label from labels where target = 'domain'").fetchall()
    assert sum(_category(d) == label for d, label in got) / len(got) > 0.8
    pages = dict(store.con.execute("select label, count(*) from labels where target = 'page' group by 1").fetchall())
    assert set(pages) <= set(load_taxonomy().classes("page"))
    # views work and the org rows carry organization types
    assert store.con.execute("select count(*) from org_classes").fetchone()[0] == 36
    gov = store.con.execute("select label from org_classes where canonical_name like 'Cityof%' limit 1").fetchone()
    assert gov == ("government",)
    assert store.con.execute("select count(*) from lf_runs where run_id = 1").fetchone()[0] > 50
    # second run reuses the promoted models, trains nothing
    again = classify(store, s, Run(2))
    assert again.trained == [] and again.models["domain"] == "domain-v1"


def test_first_model_is_checked_against_the_label_model_on_real_gold(classify_store):
    store = classify_store
    s = _settings(store, **{"classify.label_model": "majority", "classify.cv_folds": 3})
    domains = [d for (d,) in store.con.execute("select registered_domain from domains order by 1").fetchall()]
    gold = [d for i, d in enumerate(domains) if i % 3 != 0]
    store.append(
        "gold_labels",
        pa.table(
            {
                "target": ["domain"] * len(gold),
                "item_id": gold,
                "label": [_category(d) for d in gold],
                "source": ["csv"] * len(gold),
            }
        ),  # fmt: skip
    )
    summary = classify(store, s, Run(1))
    assert summary.validation["domain"].startswith(
        f"validated: promoted: not worse than the label model alone on {len(gold)} real gold labels"
    )
    assert summary.validation["page"].startswith("unvalidated")
    (metrics,) = store.con.execute("select metrics from models where version = 'domain-v1'").fetchone()
    check = json.loads(metrics)["gold_check"]
    assert check["n"] == len(gold) and check["real"] and set(check["oof"]) == set(gold)
    assert check["candidate"]["n"] == check["label_model"]["n"] == len(gold) and 0 <= check["candidate"]["ece"] <= 1
    rows = store.con.execute(
        "select item_id, label, model_label, source, validation, confidence from labels where target = 'domain'"
    ).fetchall()
    for item, label, model_label, source, validation, conf in rows:
        if item in gold:  # the gold label wins; the model's own (out-of-fold) answer is kept beside it
            assert (label, source, validation, conf) == (_category(item), "gold", "gold", 1.0) and model_label
        else:
            assert source == "end_model" and validation == "validated" and label == model_label
    rep = evaluate_labels(store, "domain")
    assert rep.n == len(gold) and rep.macro_f1 > 0.6


def test_gold_wins_and_promotion_gate(classify_store):
    store = classify_store
    s = _settings(store, **{"classify.label_model": "majority"})
    classify(store, s, Run(1))
    gold = pa.table(
        {
            "target": ["domain"] * 4,
            "item_id": ["dailynews0.com", "bestshop0.com", "luckycasino1.com", "stateuniv2.edu"],
            "label": ["blog_personal", "shop", "gambling", "education_research"],
            "source": ["csv"] * 4,
        }
    )
    store.append("gold_labels", gold)
    classify(store, s, Run(2))
    got = store.con.execute(
        "select label, source, confidence, validation from labels where item_id = 'dailynews0.com'"
    ).fetchone()
    assert got == ("blog_personal", "gold", 1.0, "gold")
    rep = evaluate_labels(store, "domain")
    assert rep.n == 4  # scored on the model's own answer (probs), not on the gold label shown in `labels`
    assert rep.per_class["blog_personal"].recall == 0.0
    out = train(store, s, "domain", promote_if_better=True)
    assert out.version == "domain-v2"
    assert out.metrics["gold"]["n"] == 4 and out.validation == "unvalidated"
    # the promotion gate of `orgmap retrain` (classifiers.promotion): 4 gold labels cannot validate a model
    assert not out.promoted and out.reason.startswith("kept current: only 4 held-out gold labels")
    versions = {m.version: m.status for m in registry.list_models(store.con, "domain")}
    assert sorted(versions) == ["domain-v1", "domain-v2"]
    assert list(versions.values()).count("promoted") == 1
    registry.promote(store.con, "domain-v1")
    assert registry.promoted(store.con, "domain") == "domain-v1"
    with pytest.raises(Exception, match="no model version"):
        registry.load(store.con, "domain-v9")


def test_cli_commands(classify_store, tmp_path):
    from orgmap.cli import app

    path = classify_store.path
    classify_store.close()
    runner = CliRunner()
    env = {"ORGMAP_CLASSIFY__LABEL_MODEL": "majority"}
    r = runner.invoke(app, ["train", "--db", path, "--target", "domain"], env=env)
    assert r.exit_code == 0, r.output
    assert "domain-v1" in r.output and "unvalidated" in r.output
    r = runner.invoke(app, ["model", "list", "--db", path], env=env)
    assert r.exit_code == 0 and "domain-v1" in r.output, r.output
    r = runner.invoke(app, ["model", "use", "domain-v1", "--db", path], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["lf", "report", "--db", path, "--target", "domain"], env=env)
    assert r.exit_code == 0 and "gov_suffix" in r.output and "class balance" in r.output, r.output
    r = runner.invoke(app, ["model", "use", "nope-v3", "--db", path], env=env)
    assert r.exit_code != 0 and "no model version" in r.output
    r = runner.invoke(app, ["eval", "classify", "--db", path], env=env)
    assert r.exit_code == 0, r.output
    assert "no gold labels" in r.output
    # real gold as a domain,class file: the domain gets its category, its owner the org type
    gold = tmp_path / "gold.csv"
    gold.write_text("domain,target,class\ncityof0.gov,domain,government\ncityof0.gov,org,government\n"
                    "nowhere.com,org,company\n", encoding="utf-8")  # fmt: skip
    r = runner.invoke(app, ["label", "import", str(gold), "--db", path], env=env)
    assert r.exit_code == 0 and "2 gold labels read" in r.output and "1 skipped" in r.output, r.output
    r = runner.invoke(app, ["lf", "report", "--db", path, "--target", "domain", "--json"], env=env)
    report = {x["lf"]: x for x in json.loads(r.output)["lfs"]}
    assert report["gov_suffix"]["correct"] == 1 and report["gov_suffix"]["emp_acc"] == 1.0


def test_resolve_with_reference_labels_then_explain(tmp_path):
    """A user's own list votes as a labeling function; explain shows the class and the LFs that voted."""
    from orgmap.cli import app

    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    ref = tmp_path / "my_list.csv"
    ref.write_text("domain,class\nashford-news-network.com,news_media\n", encoding="utf-8")
    db = str(tmp_path / "r.duckdb")
    runner = CliRunner()
    env = {"ORGMAP_CLASSIFY__LABEL_MODEL": "majority", "COLUMNS": "200"}
    r = runner.invoke(
        app,
        ["resolve", str(sample), "--db", db, "--no-ner", "--reference-labels", str(ref), "--skip", "graph",
         "--skip", "export"],
        env=env,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    with Store(db) as store:
        lfs = {lf for (lf,) in store.con.execute("select lf from lf_runs where target = 'domain'").fetchall()}
        votes = store.con.execute(
            "select evidence->'lf'->>'reference_my_list' from labels where item_id = 'ashford-news-network.com'"
        ).fetchall()
    assert "reference_my_list" in lfs and ("news_media",) in votes
    r = runner.invoke(app, ["explain", "ashford-news-network.com", "--db", db], env=env)
    assert r.exit_code == 0, r.output
    assert "site category: news_media" in r.output and "reference_my_list → news_media" in r.output
    assert "organization type:" in r.output and "unvalidated" in r.output
    doc = json.loads(runner.invoke(app, ["explain", "ashford-news-network.com", "--db", db, "--json"]).output)
    site = doc["classes"]["domain"]
    assert site["class"] == "news_media" and 0 < site["probability"] <= 1 and site["lfs"]["reference_my_list"]
    assert site["validation"] == "unvalidated" and doc["classes"]["org"]["class"] == "media"


def test_the_reference_org_list_class_votes_for_linked_orgs(classify_store, tmp_path):
    store = classify_store
    ref = tmp_path / "orgs.csv"
    ref.write_text("id,name,class\nr1,Bestshop0 Inc,company\nr2,Cityof0 Inc,government\n", encoding="utf-8")
    store.con.execute("update orgs set reference_id = 'r1', source = 'reference' where org_id = 'org-bestshop0.com'")
    store.con.execute("update orgs set reference_id = 'r2', source = 'reference' where org_id = 'org-cityof0.gov'")
    s = _settings(store, **{"classify.label_model": "majority", "resolve.orgs_file": str(ref)})
    classify(store, s, Run(1))
    votes = dict(
        store.con.execute(
            "select item_id, evidence->'lf'->>'reference_orgs_class' from labels where target = 'org' "
            "and item_id in ('org-bestshop0.com', 'org-cityof0.gov', 'org-dailynews0.com')"
        ).fetchall()
    )
    assert votes == {"org-bestshop0.com": "company", "org-cityof0.gov": "government", "org-dailynews0.com": None}


def test_a_target_is_not_trained_again_on_the_same_data(classify_store):
    store = classify_store
    s = _settings(store, **{"classify.n_epochs": 30})
    assert classify(store, s, Run(1)).trained == ["page-v1", "domain-v1", "org-v1"]
    # as if the first models had lost to the label model: nothing promoted, classify would train again
    store.con.execute("update models set status = 'candidate'")
    again = classify(store, s, Run(2))
    assert again.trained == []
    assert again.models == {"page": "label_model", "domain": "label_model", "org": "label_model"}
    assert "trained on the same data" in again.validation["page"]
    assert store.con.execute("select count(*) from models").fetchone()[0] == 3
    # within one run a target trains at most once, even when its data changed in between
    store.con.execute("update page_features set title = title || ' news' where page_id like 'news%'")
    assert classify(store, s, Run(1)).trained == []
    # new data in a new run: trained again
    assert "page-v2" in classify(store, s, Run(3)).trained


def test_the_frames_carry_each_sites_menu(classify_store):
    from orgmap.models import load_frame

    store = classify_store
    classify(store, _settings(store, **{"classify.n_epochs": 30}), Run(1))  # page labels for the domain frame
    domain, page = store.con.execute("select registered_domain, min(page_id) from page_features group by 1").fetchone()
    store.con.execute(
        "update page_features set menu = ? where registered_domain = ? and page_id = ?",
        ["home | leistungen | karriere", domain, page],
    )
    store.con.execute(  # a second page of the same site
        "insert into page_features select * replace (page_id || '-2' as page_id, ? as menu) from page_features "
        "where page_id = ?",
        ["home | kontakt", page],
    )
    pages = load_frame(store, "page").set_index("item_id")
    assert pages.loc[page, "menu"] == "home | leistungen | karriere"
    row = load_frame(store, "domain").set_index("item_id").loc[domain]
    assert sorted(row["menu"].split(" | ")) == ["home", "karriere", "kontakt", "leistungen"]  # each item once
