import csv
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from graph.build import build
from graph.export import (
    ExportFilter,
    select_subgraph,
    write_gexf,
    write_graphml,
    write_kumu,
    write_spreadsheet,
)
from graph.kumu import ELEMENT_TYPES, ID_PATTERN, blueprint, validate_blueprint
from orgmap.config import Settings
from orgmap.store.database import Store
from resolver.errors import InputError

ODD = ['Acme "Widgets" Ltd', "Globex | Группа 株式会社 🚀"]


@pytest.fixture
def built(graph_store: Store, gdata) -> Store:
    gdata.add_labels(
        graph_store,
        [
            ("org", "org-acme", "company", 0.9, {"company": 0.9, "ngo": 0.1}),
            ("org", "org-globex", "company|group", 0.8, {"company|group": 0.8}),
            ("domain", "blog.example", "blog", 0.7, {"blog": 0.7}),
        ],
    )
    build(graph_store.con, run_id=1)
    return graph_store


def _check_blueprint(bp: dict) -> None:
    """The format, checked independently of validate_blueprint."""
    assert set(bp) == {"elements", "connections"}
    ids = [e["id"] for e in bp["elements"]] + [c["id"] for c in bp["connections"]]
    assert len(ids) == len(set(ids))
    assert all(ID_PATTERN.match(i) and "_" not in i and "." not in i for i in ids)
    element_ids = {e["id"] for e in bp["elements"]}
    for e in bp["elements"]:
        assert isinstance(e["label"], str) and e["label"]
        assert e["type"] in ELEMENT_TYPES.values()
        assert isinstance(e["description"], str)
        assert isinstance(e["tags"], list) and all(isinstance(t, str) for t in e["tags"])
        for k, v in e.items():
            if k not in ("tags",):
                assert isinstance(v, str | int | float | bool), (k, v)
    for c in bp["connections"]:
        assert c["from"] in element_ids and c["to"] in element_ids
        assert c["direction"] in ("directed", "undirected", "mutual")
        assert all(isinstance(v, str | int | float | bool) for v in c.values())


def test_kumu_json_is_valid_with_odd_names(built: Store, tmp_path: Path) -> None:
    result = write_kumu(select_subgraph(built.con), tmp_path / "k.json")
    bp = json.loads((tmp_path / "k.json").read_text("utf-8"))
    _check_blueprint(bp)
    assert validate_blueprint(bp) == []
    assert result.elements == 10 and result.connections == 11
    labels = {e["label"]: e for e in bp["elements"]}
    assert set(ODD) <= set(labels)
    acme = labels['Acme "Widgets" Ltd']
    assert acme["type"] == "Organization" and "company" in acme["tags"] and "GB" in acme["tags"]
    assert acme["P(company)"] == 0.9 and acme["Domains"] == 2
    assert "acme.com" in acme["description"]
    dom = labels["acme.com"]
    assert dom["type"] == "Domain" and dom["URL"] == "https://acme.com/" and dom["Owner"] == 'Acme "Widgets" Ltd'
    assert "unowned" in labels["blog.example"]["tags"]
    kinds = {c["type"] for c in bp["connections"]}
    assert kinds == {"owned by", "links to", "redirects to", "subsidiary of"}
    owned = [c for c in bp["connections"] if c["type"] == "owned by"]
    assert all(0 <= c["Confidence"] <= 1 and "copyright" in c["Evidence"] for c in owned)


def test_ids_are_stable_across_exports(built: Store, tmp_path: Path) -> None:
    write_kumu(select_subgraph(built.con), tmp_path / "a.json")
    build(built.con, run_id=2)
    write_kumu(select_subgraph(built.con), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_text("utf-8") == (tmp_path / "b.json").read_text("utf-8")


def test_validator_catches_broken_blueprints() -> None:
    bad = {
        "elements": [{"id": "a_b", "label": "x"}, {"id": "ok", "label": "", "tags": "t", "nested": {"a": 1}}],
        "connections": [{"id": "ok", "from": "ok", "to": "zz", "direction": "sideways"}],
    }
    errors = "\n".join(validate_blueprint(bad))
    for needle in ("no '_'", "label must be", "tags must be", "flat", "not unique", "no element id", "direction"):
        assert needle in errors
    assert validate_blueprint({"elements": []}) != []


def test_org_neighbourhood_depth_and_confidence(built: Store) -> None:
    ids = lambda sub: set(sub.nodes.column("node_id").to_pylist())  # noqa: E731
    sub = select_subgraph(built.con, ExportFilter(org="ACME", depth=0))
    assert ids(sub) == {"org:org-acme", "domain:acme.com", "domain:acme.co.uk"}
    assert sub.matched_orgs == ['Acme "Widgets" Ltd']
    sub = select_subgraph(built.con, ExportFilter(org="acme", depth=1))
    assert {"domain:globex.com", "org:org-globex", "org:org-initech", "domain:blog.example"} <= ids(sub)
    assert "domain:globex.de" not in ids(sub)  # globex's other domain is two hops away
    assert "domain:globex.de" in ids(select_subgraph(built.con, ExportFilter(org="acme", depth=2)))
    sure = select_subgraph(built.con, ExportFilter(org="acme", depth=0, min_confidence=0.8))
    assert ids(sure) == {"org:org-acme", "domain:acme.com"}
    kinds = set(sure.edges.column("kind").to_pylist())
    assert kinds == {"owned_by"}


def test_org_matching_accents_aliases_typos_and_misses(built: Store) -> None:
    assert select_subgraph(built.con, ExportFilter(org="группа")).matched_orgs == [ODD[1]]
    typo = select_subgraph(built.con, ExportFilter(org="Globx", depth=0))
    assert typo.matched_orgs == [ODD[1]] and "closest" in typo.warnings[0]
    with pytest.raises(InputError, match="none is close"):
        select_subgraph(built.con, ExportFilter(org="Zyxwvut"))


def test_an_org_that_matches_nothing_suggests_close_names_most_similar_first(built: Store) -> None:
    with pytest.raises(InputError, match="closest") as info:
        select_subgraph(built.con, ExportFilter(org="Acne Gadgets"))
    suggested = re.findall(r"'([^']+)' \((\d+)%\)", str(info.value).replace('"', ""))
    assert suggested[0][0] == "Acme Widgets Ltd"
    scores = [int(s) for _, s in suggested]
    assert scores == sorted(scores, reverse=True) and scores[0] < 90


def test_class_top_and_size_warning(built: Store) -> None:
    # an organization type keeps the orgs of that type, their domains (whatever their category) and the edges
    sub = select_subgraph(built.con, ExportFilter(classes=("company",)))
    assert sub.nodes.column("node_id").to_pylist() == ["org:org-acme", "domain:acme.com", "domain:acme.co.uk"]
    kept = {(e["src"], e["dst"], e["kind"]) for e in sub.edges.to_pylist()}
    assert {("domain:acme.com", "org:org-acme", "owned_by"), ("domain:acme.co.uk", "org:org-acme", "owned_by")} <= kept
    assert all(s in sub.nodes.column("node_id").to_pylist() for s, _, _ in kept)
    # a site category keeps those domains
    blog = select_subgraph(built.con, ExportFilter(classes=("blog",)))
    assert blog.nodes.column("node_id").to_pylist() == ["domain:blog.example"]
    with pytest.raises(InputError, match="no node has class 'governmnet'.*org: company"):
        select_subgraph(built.con, ExportFilter(classes=("governmnet",)))
    top = select_subgraph(built.con, ExportFilter(top=3, warn_elements=2))
    ranks = top.nodes.column("pagerank").to_pylist()
    assert top.nodes.num_rows == 3 and "narrow it with --org" in top.warnings[0]
    everything = select_subgraph(built.con).nodes
    assert min(ranks) >= sorted(everything.column("pagerank").to_pylist(), reverse=True)[2]
    capped = select_subgraph(built.con, ExportFilter(max_elements=4))
    assert capped.nodes.num_rows == 4 and "highest PageRank" in capped.warnings[0]


def test_spreadsheet_csv_and_xlsx_follow_kumu_columns(built: Store, tmp_path: Path) -> None:
    sub = select_subgraph(built.con)
    r = write_spreadsheet(sub, tmp_path / "map.csv")
    with open(r.paths[0], encoding="utf-8", newline="") as fh:
        elements = list(csv.DictReader(fh))
    with open(r.paths[1], encoding="utf-8", newline="") as fh:
        connections = list(csv.DictReader(fh))
    assert list(elements[0])[:5] == ["ID", "Label", "Type", "Description", "Tags"]
    assert list(connections[0])[:5] == ["ID", "From", "To", "Type", "Direction"]
    ids = {e["ID"] for e in elements}
    assert len(ids) == len(elements) and all(c["From"] in ids and c["To"] in ids for c in connections)
    assert set(ODD) <= {e["Label"] for e in elements}
    globex = next(e for e in elements if e["Label"] == ODD[1])
    assert globex["Tags"].split("|") == ["company/group", "DE"]  # '|' inside a value cannot split it
    from openpyxl import load_workbook

    x = write_spreadsheet(sub, tmp_path / "map.xlsx", "xlsx")
    wb = load_workbook(x.paths[0])
    assert wb.sheetnames == ["Elements", "Connections"]
    rows = list(wb["Elements"].values)
    assert rows[0][:2] == ("ID", "Label") and len(rows) == len(elements) + 1
    assert set(ODD) <= {row[1] for row in rows[1:]}
    assert len(list(wb["Connections"].values)) == len(connections) + 1


def test_graphml_and_gexf_read_back(built: Store, tmp_path: Path) -> None:
    sub = select_subgraph(built.con)
    write_graphml(sub, tmp_path / "g.graphml")
    write_gexf(sub, tmp_path / "g.gexf")
    for g in (nx.read_graphml(tmp_path / "g.graphml"), nx.read_gexf(tmp_path / "g.gexf")):
        assert g.number_of_nodes() == 10 and g.number_of_edges() == 11
        labels = {d.get("label") for _, d in g.nodes(data=True)}
        assert set(ODD) <= labels
        assert {d["kind"] for *_, d in g.edges(data=True)} == {"owned_by", "links_to", "redirects_to", "subsidiary_of"}


def test_stage_writes_out_kumu_json_and_caps_large_graphs(built: Store, tmp_path: Path) -> None:
    from dataclasses import replace

    from orgmap.runs import Run
    from orgmap.stages.graph import build_graph, export_kumu

    settings = Settings()
    settings = replace(settings, graph=replace(settings.graph, kumu_path=str(tmp_path / "out" / "kumu.json")))
    summary = build_graph(built, settings, Run(3))
    assert summary.nodes == {"domain": 7, "org": 3} and summary.added == 0
    result = export_kumu(built, settings, Run(3))
    assert result.path == str(tmp_path / "out" / "kumu.json") and result.elements == 10
    assert validate_blueprint(json.loads(Path(result.path).read_text("utf-8"))) == []
    small = replace(settings, graph=replace(settings.graph, kumu_max_elements=5))
    capped = export_kumu(built, small, Run(3), path=tmp_path / "small.json")
    assert capped.elements == 5 and capped.warnings
    with Store(":memory:") as empty:
        r = export_kumu(empty, settings, Run(1), path=tmp_path / "empty.json")
    assert r.elements == 0 and json.loads((tmp_path / "empty.json").read_text()) == {"elements": [], "connections": []}


def test_cli_graph_stats_and_exports(tmp_path: Path, gdata) -> None:
    from orgmap.cli import app

    db = tmp_path / "x.duckdb"
    with Store(db) as store:
        gdata.populate(store)
    runner = CliRunner()
    r = runner.invoke(app, ["graph", "build", "--db", str(db)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["graph", "stats", "--db", str(db)])
    assert r.exit_code == 0 and "top orgs by inbound links" in r.output and "owned_by" in r.output
    r = runner.invoke(app, ["graph", "stats", "--db", str(db), "--json"])
    assert json.loads(r.output)["nodes"] == {"domain": 7, "org": 3}
    out = tmp_path / "acme.json"
    args = ["export", "kumu", "--db", str(db), "--org", "Acme", "--depth", "2", "--min-confidence", "0.8"]
    r = runner.invoke(app, [*args, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert validate_blueprint(json.loads(out.read_text("utf-8"))) == []
    r = runner.invoke(
        app, ["export", "kumu", "--db", str(db), "--org", "Nobody At All", "-o", str(tmp_path / "n.json")]
    )
    assert r.exit_code == 2 and "no organization name contains" in r.output
    for cmd in (
        ["spreadsheet", "--format", "xlsx", "-o", str(tmp_path / "a.xlsx")],
        ["graphml", "-o", str(tmp_path / "a.graphml")],
        ["gexf", "-o", str(tmp_path / "a.gexf")],
    ):
        r = runner.invoke(app, ["export", *cmd, "--db", str(db), "--top", "5"])
        assert r.exit_code == 0, r.output
    for cmd in (
        ["graph", "build"],
        ["graph", "stats"],
        ["export", "kumu"],
        ["export", "spreadsheet"],
        ["export", "graphml"],
        ["export", "gexf"],
    ):
        assert "Example:" in runner.invoke(app, [*cmd, "--help"]).output


def test_a_label_a_domain_and_an_org_share_is_made_distinct_in_kumu(built: Store) -> None:
    built.con.execute("update graph_nodes set label = 'ACME.com' where node_id = 'org:org-acme'")
    elements = blueprint(select_subgraph(built.con).nodes, select_subgraph(built.con).edges)["elements"]
    by_type = {(e["type"], e["label"]) for e in elements}
    assert ("Domain", "acme.com") in by_type and ("Organization", "ACME.com (Organization)") in by_type
    labels = [e["label"].casefold() for e in elements]
    assert len(labels) == len(set(labels))


def test_no_export_replaces_a_file_unless_forced_and_default_files_go_beside_the_database(
    tmp_path: Path, gdata
) -> None:
    from orgmap.cli import app

    db = tmp_path / "crawls" / "x.duckdb"
    with Store(db) as store:
        gdata.populate(store)
    runner = CliRunner()
    assert runner.invoke(app, ["graph", "build", "--db", str(db)]).exit_code == 0
    mine = tmp_path / "mine.json"
    mine.write_text("my notes")
    r = runner.invoke(app, ["export", "kumu", "--db", str(db), "-o", str(mine)])
    assert r.exit_code == 2 and "already exists; pass --force" in r.stderr and mine.read_text() == "my notes"
    assert runner.invoke(app, ["export", "kumu", "--db", str(db), "-o", str(mine), "--force"]).exit_code == 0
    assert validate_blueprint(json.loads(mine.read_text("utf-8"))) == []
    (tmp_path / "s-elements.csv").write_text("mine")
    r = runner.invoke(app, ["export", "spreadsheet", "--db", str(db), "-o", str(tmp_path / "s.csv")])
    assert r.exit_code == 2 and "s-elements.csv already exists" in r.stderr
    for kind, name in (("kumu", "x.kumu.json"), ("graphml", "x.graphml"), ("gexf", "x.gexf")):
        r = runner.invoke(app, ["export", kind, "--db", str(db)])
        assert r.exit_code == 0, r.output
        assert (db.parent / name).exists() and not (Path.cwd() / "out" / name).exists()


def test_gexf_and_graphml_do_not_print_kumus_size_warning(tmp_path: Path, gdata) -> None:
    from orgmap.cli import app

    db = tmp_path / "x.duckdb"
    with Store(db) as store:
        gdata.populate(store)
    (tmp_path / "orgmap.toml").write_text("[graph]\nkumu_max_elements = 2\n")
    runner = CliRunner()
    assert runner.invoke(app, ["graph", "build", "--db", str(db)]).exit_code == 0
    config = ["--db", str(db), "--config", str(tmp_path / "orgmap.toml")]
    r = runner.invoke(app, ["export", "kumu", *config, "-o", str(tmp_path / "k.json")])
    assert "kumu_max_elements" in r.stderr
    for kind in ("graphml", "gexf"):
        r = runner.invoke(app, ["export", kind, *config, "-o", str(tmp_path / f"g.{kind}")])
        assert r.exit_code == 0 and "kumu_max_elements" not in r.output, r.output
