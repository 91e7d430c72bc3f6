import json

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from classifiers import registry
from orgmap.config import load_settings
from orgmap.models import evaluate_labels, train
from orgmap.runs import Run
from orgmap.stages.classify import classify
from orgmap.store.database import Store


def _settings(store: Store, **over):
    return load_settings(None, {"db": store.path, **over}, environ={})


def test_classify_labels_pages_domains_and_orgs(classify_store):
    store = classify_store
    s = _settings(store, **{"classify.n_epochs": 30})
    summary = classify(store, s, Run(1))
    assert summary.labelled == {"page": 36, "domain": 36, "org": 36}
    assert set(summary.models) == {"page", "domain", "org"}
    assert summary.trained == ["page-v1", "domain-v1", "org-v1"]
    rows = store.con.execute(
        "select target, count(*), count(distinct model_version) from labels group by 1 order by 1"
    ).fetchall()
    assert rows == [("domain", 36, 1), ("org", 36, 1), ("page", 36, 1)]
    probs, ev = store.con.execute(
        "select probs, evidence from labels where target = 'page' and item_id = 'news-0'"
    ).fetchone()
    assert abs(sum(json.loads(probs).values()) - 1) < 1e-3
    assert "lf" in json.loads(ev)
    acc = store.con.execute(
        "select avg((split_part(item_id, '-', 1) = label)::int) from labels where target = 'page'"
    ).fetchone()[0]
    assert acc > 0.8
    # views work and the domain/org rows carry the aggregated classes
    assert store.con.execute("select count(*) from org_classes").fetchone()[0] == 36
    gov = store.con.execute("select label from org_classes where canonical_name like 'Cityof%' limit 1").fetchone()
    assert gov == ("government",)
    assert store.con.execute("select count(*) from lf_runs where run_id = 1").fetchone()[0] > 50
    # second run reuses the promoted models, trains nothing
    again = classify(store, s, Run(2))
    assert again.trained == [] and again.models["page"] == "page-v1"


def test_gold_wins_and_promotion_gate(classify_store):
    store = classify_store
    s = _settings(store, **{"classify.label_model": "majority"})
    classify(store, s, Run(1))
    gold = pa.table(
        {
            "target": ["page"] * 4,
            "item_id": ["news-0", "shop-0", "gambling-1", "education-2"],
            "label": ["blog", "shop", "gambling", "education"],
            "source": ["csv"] * 4,
        }
    )
    store.append("gold_labels", gold)
    classify(store, s, Run(2))
    assert store.con.execute("select label, source, confidence from labels where item_id = 'news-0'").fetchone() == (
        "blog",
        "gold",
        1.0,
    )
    rep = evaluate_labels(store, "page")
    assert rep.n == 4  # scored on the model's own answer (probs), not on the gold label shown in `labels`
    assert rep.per_class["blog"].recall == 0.0
    out = train(store, s, "page", promote_if_better=True)
    assert out.version == "page-v2"
    assert out.metrics["gold"]["n"] == 4
    # the promotion gate of `orgmap retrain` (classifiers.promotion): 4 gold labels cannot validate a model
    assert not out.promoted and out.reason.startswith("kept current: only 4 held-out gold labels")
    versions = {m.version: m.status for m in registry.list_models(store.con, "page")}
    assert sorted(versions) == ["page-v1", "page-v2"]
    assert list(versions.values()).count("promoted") == 1
    registry.promote(store.con, "page-v1")
    assert registry.promoted(store.con, "page") == "page-v1"
    with pytest.raises(Exception, match="no model version"):
        registry.load(store.con, "page-v9")


def test_cli_commands(classify_store, tmp_path):
    from orgmap.cli import app

    path = classify_store.path
    classify_store.close()
    runner = CliRunner()
    env = {"ORGMAP_CLASSIFY__LABEL_MODEL": "majority"}
    r = runner.invoke(app, ["train", "--db", path, "--target", "page"], env=env)
    assert r.exit_code == 0, r.output
    assert "page-v1" in r.output
    r = runner.invoke(app, ["model", "list", "--db", path], env=env)
    assert r.exit_code == 0 and "page-v1" in r.output, r.output
    r = runner.invoke(app, ["model", "use", "page-v1", "--db", path], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["lf", "report", "--db", path, "--target", "page"], env=env)
    assert r.exit_code == 0 and "gov_tld" in r.output and "class balance" in r.output, r.output
    r = runner.invoke(app, ["model", "use", "nope-v3", "--db", path], env=env)
    assert r.exit_code != 0 and "no model version" in r.output
    r = runner.invoke(app, ["eval", "classify", "--db", path], env=env)
    assert r.exit_code == 0, r.output
    assert "no gold labels" in r.output
