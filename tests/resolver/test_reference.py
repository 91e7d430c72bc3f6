"""Reference list files: CSV, JSON Lines, JSON arrays and ROR dumps (both shapes), and linking to them end to end."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

import resolver.files as files
from resolver.errors import InputError
from resolver.reference import REFERENCE_SCHEMA, load_reference, read_reference

# The flattened ROR shape of ../shared/eval/orgs/ror_orgs.jsonl.gz
ROR_FLAT = [
    {
        "id": "https://ror.org/02crff812",
        "name": "University of Zurich",
        "aliases": [],
        "acronyms": ["UZH"],
        "labels": [
            {"lang": "en", "value": "University of Zurich"},
            {"lang": "de", "value": "Universität Zürich"},
        ],
        "websites": ["https://www.uzh.ch/de.html"],
        "domains": ["uzh.ch"],
        "types": ["education", "funder"],
        "status": "active",
        "country": "CH",
        "website_hosts": ["www.uzh.ch"],
    },
    {
        "id": "https://ror.org/000000001",
        "name": "Centro de Investigação X",
        "aliases": ["CIX Lab"],
        "acronyms": ["CIX", "cix"],
        "labels": [],
        "websites": ["https://cix.ipleiria.pt"],
        "domains": ["cix.ipleiria.pt", "ac.th"],
        "types": ["facility"],
        "status": "active",
        "country": "PT",
        "website_hosts": ["cix.ipleiria.pt"],
    },
    {"id": "https://ror.org/000000002", "name": "Gone Institute", "status": "withdrawn", "types": ["facility"]},
    {"id": "https://ror.org/000000003", "name": "Old Institute", "status": "inactive", "types": ["facility"]},
]

# The ROR v2 data dump's shape (schema 2.x): names with types, links, locations, relationships
ROR_V2 = [
    {
        "id": "https://ror.org/05dxps055",
        "names": [
            {"value": "CIT", "types": ["acronym"], "lang": None},
            {"value": "California Institute of Technology", "types": ["ror_display", "label"], "lang": "en"},
            {"value": "Caltech", "types": ["alias"], "lang": None},
            {"value": "Instituto de Tecnología de California", "types": ["label"], "lang": "es"},
        ],
        "links": [
            {"type": "website", "value": "http://www.caltech.edu/"},
            {"type": "wikipedia", "value": "http://en.wikipedia.org/wiki/California_Institute_of_Technology"},
        ],
        "domains": [],
        "types": ["education", "funder"],
        "status": "active",
        "locations": [{"geonames_id": 5381396, "geonames_details": {"country_code": "US", "name": "Pasadena"}}],
        "relationships": [{"label": "Jet Propulsion Laboratory", "type": "child", "id": "https://ror.org/027k65916"}],
    },
    {
        "id": "https://ror.org/027k65916",
        "names": [{"value": "Jet Propulsion Laboratory", "types": ["ror_display", "label"], "lang": "en"}],
        "links": [{"type": "website", "value": "https://www.caltech.edu"}],
        "domains": ["jpl.nasa.gov"],
        "types": ["facility", "funder"],
        "status": "active",
        "locations": [{"geonames_details": {"country_code": "US"}}],
        "relationships": [
            {"label": "California Institute of Technology", "type": "parent", "id": "https://ror.org/05dxps055"}
        ],
    },
    {
        "id": "https://ror.org/0000000x1",
        "names": [{"value": "Closed Lab", "types": ["ror_display", "label"], "lang": "en"}],
        "status": "withdrawn",
        "types": ["facility"],
    },
]


def _jsonl(path: Path, records: list) -> Path:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for r in records:
            fh.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path


def _by_id(table) -> dict[str, dict]:
    return {r["ref_id"]: r for r in table.to_pylist()}


def test_flat_ror_records(tmp_path: Path) -> None:
    got = read_reference(_jsonl(tmp_path / "ror.jsonl.gz", ROR_FLAT))
    assert got.format == "jsonl" and got.records == 4
    assert got.skipped == {"withdrawn": 1, "inactive": 1}
    assert got.table.schema.equals(REFERENCE_SCHEMA)
    rows = _by_id(got.table)
    uzh = rows["https://ror.org/02crff812"]
    assert uzh["name"] == "University of Zurich"
    assert uzh["aliases"] == ["UZH", "Universität Zürich"]  # the English label equals the name
    assert uzh["domains"] == ["uzh.ch"] and uzh["country"] == "CH" and uzh["class"] == "education"
    assert json.loads(uzh["attributes"]) == {
        "source": "ror",
        "types": ["education", "funder"],
        "websites": ["https://www.uzh.ch/de.html"],
    }
    lab = rows["https://ror.org/000000001"]
    assert lab["aliases"] == ["CIX Lab", "CIX"]  # "cix" is the same acronym
    assert lab["domains"] == []  # a unit's site under its parent's domain claims nothing; "ac.th" is a suffix
    assert got.dropped_domains == {"subdomain": 3, "invalid": 1}


def test_ror_v2_dump_as_json_array_gz_and_zip(tmp_path: Path) -> None:
    text = json.dumps(ROR_V2, indent=2, ensure_ascii=False)
    (tmp_path / "ror.json").write_text(text, encoding="utf-8")
    with gzip.open(tmp_path / "ror.json.gz", "wt", encoding="utf-8") as fh:
        fh.write(text)
    with zipfile.ZipFile(tmp_path / "v1.58-2024-12-11-ror-data.zip", "w") as zf:
        zf.writestr("v1.58-2024-12-11-ror-data.csv", "id,name\n")
        zf.writestr("v1.58-2024-12-11-ror-data_schema_v2.json", text)
    for name in ("ror.json", "ror.json.gz", "v1.58-2024-12-11-ror-data.zip"):
        got = read_reference(tmp_path / name)
        assert got.format == "json" and got.records == 3 and got.skipped == {"withdrawn": 1}
        rows = _by_id(got.table)
        cit = rows["https://ror.org/05dxps055"]
        assert cit["name"] == "California Institute of Technology"
        assert cit["aliases"] == ["CIT", "Caltech", "Instituto de Tecnología de California"]
        assert cit["country"] == "US" and cit["class"] == "education"
        # JPL lists its parent's website too: the domain stays with the parent
        assert cit["domains"] == ["caltech.edu"]
        jpl = rows["https://ror.org/027k65916"]
        assert jpl["domains"] == [] and jpl["class"] == "facility"  # jpl.nasa.gov is a host under nasa.gov
        assert got.dropped_domains == {"shared": 1, "subdomain": 1}


def test_a_domain_several_unrelated_records_list_goes_to_none(tmp_path: Path) -> None:
    teams = [
        {"id": f"https://ror.org/0000t{i}", "name": f"Team {i}", "domains": ["inria.fr"], "types": ["facility"]}
        for i in range(3)
    ]
    got = read_reference(_jsonl(tmp_path / "teams.jsonl", teams))
    assert [r["domains"] for r in got.table.to_pylist()] == [[], [], []]
    assert got.dropped_domains == {"shared": 3}


def test_json_array_is_streamed_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "PIECE", 7)
    records = [{"id": f"r{i}", "name": f"Org {i}", "aliases": ["A", "B"], "n": 12345} for i in range(20)]
    p = tmp_path / "orgs.json"
    p.write_text(json.dumps(records, indent=1), encoding="utf-8")
    got = load_reference(p)
    assert got["ref_id"].to_pylist() == [f"r{i}" for i in range(20)]
    assert json.loads(got["attributes"][0].as_py()) == {"n": 12345}
    records[12]["name"] = ""  # a problem names the line its element starts on
    p.write_text("\n" + json.dumps(records, indent=1), encoding="utf-8")
    with pytest.raises(InputError, match=r": 1 problem\(s\): line 111: empty name$"):
        load_reference(p)
    p.write_text('[\n {"id": "r1", "name": "A"},\n\n {"id": "r2" "name": "B"}\n]', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 4: not JSON"):
        load_reference(p)
    p.write_text('[{"id": "r1", "name": "A"},\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: the JSON array is not closed"):
        load_reference(p)


def test_generic_json_lines_with_the_csv_keys(tmp_path: Path) -> None:
    p = _jsonl(
        tmp_path / "orgs.jsonl",
        [
            {"id": 1, "name": "Acme Widgets GmbH", "aliases": ["Acme"], "domains": ["https://www.acme-widgets.de/x"]},
            {"id": "r2", "name": "IBM", "aliases": "Big Blue|I.B.M.", "domains": "ibm.com", "country": "us"},
            "",
            {"id": "r3", "name": "Globex", "class": "company", "ticker": "GLX", "status": "withdrawn"},
        ],
    )
    got = read_reference(p)
    assert got.skipped == {}  # status is a ROR field; in a user's list it is just an attribute
    rows = _by_id(got.table)
    assert rows["1"]["domains"] == ["acme-widgets.de"] and rows["1"]["aliases"] == ["Acme"]
    assert rows["r2"]["aliases"] == ["Big Blue", "I.B.M."] and rows["r2"]["country"] == "US"
    assert rows["r3"]["class"] == "company"
    assert json.loads(rows["r3"]["attributes"]) == {"status": "withdrawn", "ticker": "GLX"}


def test_every_problem_names_its_line(tmp_path: Path) -> None:
    p = _jsonl(
        tmp_path / "bad.jsonl",
        [
            {"id": "r1", "name": "Acme"},
            '{"id": "r2", "name": ',
            '["not", "an", "object"]',
            {"id": "r1", "name": ""},
            {"id": "r5", "name": "Bad", "domains": ["not a domain!"], "country": "XYZ"},
            {"id": "https://ror.org/0bad", "names": [], "status": "active"},
        ],
    )
    with pytest.raises(InputError) as err:
        load_reference(p)
    msg = str(err.value)
    assert "line 2: not JSON" in msg and "line 3: a JSON list, expected an object" in msg
    assert "line 4: empty name" in msg and "line 4: id 'r1' already used on line 1" in msg
    assert "line 5: domain 'not a domain!'" in msg and "line 5: country 'XYZ'" in msg
    assert "line 6: empty name" in msg
    assert err.value.path == str(p)
    with pytest.raises(InputError, match="not found"):
        load_reference(tmp_path / "missing.jsonl")
    (tmp_path / "broken.jsonl.gz").write_bytes(b"\x1f\x8b not gzip after its magic bytes")
    with pytest.raises(InputError, match="cannot read"):
        load_reference(tmp_path / "broken.jsonl.gz")
    (tmp_path / "plain.jsonl.gz").write_bytes(b"not gzip")  # named .gz, read as the text it is
    with pytest.raises(InputError, match="line 1: not JSON"):
        load_reference(tmp_path / "plain.jsonl.gz")


def test_csv_unchanged_and_other_names_sniffed(tmp_path: Path) -> None:
    csv_text = "id,name,aliases,domains,country\nr1,Acme Widgets GmbH,Acme,acme-widgets.de,de\n"
    (tmp_path / "orgs.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "orgs.txt").write_text(csv_text, encoding="utf-8")
    (tmp_path / "orgs.data").write_text('\n{"id": "r1", "name": "Acme Widgets GmbH"}\n', encoding="utf-8")
    csv_rows = load_reference(tmp_path / "orgs.csv").to_pylist()
    assert csv_rows == load_reference(tmp_path / "orgs.txt").to_pylist()
    assert csv_rows[0]["aliases"] == ["Acme"] and csv_rows[0]["country"] == "DE"
    assert read_reference(tmp_path / "orgs.data").format == "jsonl"
    (tmp_path / "bad.csv").write_text("id,name\nr1,A\nr2,B,extra\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3: more fields than header columns"):
        load_reference(tmp_path / "bad.csv")


def test_resolve_links_domains_to_a_ror_list(tmp_path: Path) -> None:
    """``orgmap resolve --orgs ror.jsonl.gz`` over bare domains: by an acronym alias, and by a known domain."""
    from orgmap.config import load_settings
    from orgmap.pipeline import run
    from orgmap.store.database import Store

    records = [dict(ROR_FLAT[0], domains=[], websites=[], website_hosts=[]), *ROR_FLAT[1:], *ROR_V2]
    orgs = _jsonl(tmp_path / "ror.jsonl.gz", records)
    urls = tmp_path / "domains.txt"
    urls.write_text("uzh.ch\nhttps://www.caltech.edu/about\njpl.nasa.gov\nunrelated-thing.org\n", encoding="utf-8")
    settings = load_settings(None, {"db": str(tmp_path / "t.duckdb"), "resolve.orgs_file": str(orgs)}, environ={})
    report = run(settings, [str(urls)], skip=("classify", "graph", "export"))
    summary = report.stages["resolve"]
    # 4 organizations read, 3 withdrawn or inactive skipped, 2 domains linked
    assert (summary.reference_orgs, summary.reference_skipped, summary.reference_linked) == (4, 3, 2)
    with Store(settings.db, read_only=True) as store:
        rows = store.con.execute("select registered_domain, org_name, confidence, evidence from domain_org").fetchall()
        refs = dict(store.con.execute("select canonical_name, reference_id from orgs").fetchall())
    got = {d: (name, conf, json.loads(ev or "{}")) for d, name, conf, ev in rows}
    name, _conf, evidence = got["uzh.ch"]
    assert name == "University of Zurich"
    assert "'UZH'" in evidence["items"][0]["context"]  # the acronym alias, not the name, spells the label
    assert got["caltech.edu"][:2] == ("California Institute of Technology", 0.99)
    assert got["nasa.gov"][0] is None  # no org: JPL's domain is a host under nasa.gov: no claim on NASA's domain
    assert got["unrelated-thing.org"][0] is None
    assert refs["University of Zurich"] == "https://ror.org/02crff812"


def test_ror_schema_1_dump(tmp_path: Path) -> None:
    old = {
        "id": "https://ror.org/02crff812",
        "name": "University of Zurich",
        "aliases": [],
        "acronyms": ["UZH"],
        "labels": [{"iso639": "de", "label": "Universität Zürich"}],
        "links": ["http://www.uzh.ch/"],
        "types": ["Education"],
        "status": "active",
        "country": {"country_name": "Switzerland", "country_code": "CH"},
    }
    (tmp_path / "ror_v1.json").write_text(json.dumps([old]), encoding="utf-8")
    row = load_reference(tmp_path / "ror_v1.json").to_pylist()[0]
    assert row["aliases"] == ["UZH", "Universität Zürich"] and row["domains"] == ["uzh.ch"]
    assert row["country"] == "CH" and row["class"] == "education"
