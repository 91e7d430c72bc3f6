"""Every input format, read from real files: good records, bad records, corrupt files, column detection."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from orgmap.sources.readers import detect_format, page_url_from_html, plan_inputs, read_input, resolve_columns
from orgmap.sources.records import IngestProblem, RawRecord
from resolver.errors import InputError

PAGE = "<html><head><title>Acme</title></head><body><p>Acme Widgets Ltd makes widgets.</p></body></html>"


def read_all(path: Path, **kw: object) -> list[RawRecord | IngestProblem]:
    out: list[RawRecord | IngestProblem] = []
    for item in plan_inputs([path], **kw):  # type: ignore[arg-type]
        out.extend(read_input(item, max_bytes=100_000))
    return out


def records(items: list) -> list[RawRecord]:
    return [i for i in items if isinstance(i, RawRecord)]


def problems(items: list) -> list[IngestProblem]:
    return [i for i in items if isinstance(i, IngestProblem)]


# -- JSON ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_with_bad_lines(tmp_path: Path, gz: bool) -> None:
    lines = [
        json.dumps(
            {"URL": "https://acme.co.uk/", "raw_html": PAGE, "crawled_at": "2024-05-01T10:00:00Z", "status": 200}
        ),
        "{not json",
        json.dumps(["an", "array"]),
        "",
        json.dumps({"URL": None, "raw_html": PAGE}),
        json.dumps({"URL": "https://acme.co.uk/text", "text": "plain words"}),
    ]
    data = ("\n".join(lines) + "\n").encode()
    path = tmp_path / ("c.jsonl.gz" if gz else "c.jsonl")
    path.write_bytes(gzip.compress(data) if gz else data)
    items = read_all(path)
    recs = records(items)
    assert [r.record_no for r in recs] == [0, 4, 5]
    assert recs[0].url == "https://acme.co.uk/" and recs[0].content == PAGE and recs[0].status == 200
    assert recs[0].fetched_at == "2024-05-01T10:00:00Z"
    assert recs[1].url is None
    assert recs[2].content == "plain words" and recs[2].content_kind == "text"
    assert [(p.record_no, p.reason) for p in problems(items)] == [(1, "bad_record"), (2, "bad_record")]


def test_jsonl_redirect_records(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    rows = [
        {"url": "http://old.example.com/a", "status": "301", "redirect_to": "/b", "fetched_at": "2024-01-01T00:00:00Z"},
        {"url": "https://x.example.com/", "status": 200, "location": "https://y.example.com/", "html": PAGE},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    redirect, page = records(read_all(path))
    assert (redirect.redirect_to, redirect.status, redirect.content) == ("http://old.example.com/b", 301, None)
    assert page.redirect_to is None and page.content == PAGE


def test_json_array_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "pages.json"
    path.write_text(json.dumps([{"link": f"https://s{i}.example.com/", "body": PAGE} for i in range(2500)]))
    item = plan_inputs([path])[0]
    assert item.format == "json" and item.columns == {"url": "link", "html": "body"}
    recs = records(list(read_input(item)))
    assert len(recs) == 2500 and recs[-1].record_no == 2499 and recs[-1].url == "https://s2499.example.com/"


def test_json_array_with_bad_elements_and_truncation(tmp_path: Path) -> None:
    path = tmp_path / "a.json.gz"
    good = [{"url": "https://a.example.com/", "html": PAGE}, 42, {"url": "https://b.example.com/", "html": PAGE}]
    text = json.dumps(good)
    path.write_bytes(gzip.compress(text.encode()))
    items = read_all(path)
    assert [r.url for r in records(items)] == ["https://a.example.com/", "https://b.example.com/"]
    assert [(p.record_no, p.reason) for p in problems(items)] == [(1, "bad_record")]
    path.write_bytes(gzip.compress(text[:-30].encode()))  # cut inside the last element
    items = read_all(path)
    assert [r.url for r in records(items)] == ["https://a.example.com/"]
    assert [p.reason for p in problems(items)] == ["bad_record", "corrupt_file"]


def test_empty_inputs_read_nothing(tmp_path: Path) -> None:
    (tmp_path / "e.json").write_text("[]")
    (tmp_path / "e.jsonl").write_text("")
    assert read_all(tmp_path / "e.json") == [] and read_all(tmp_path / "e.jsonl") == []


def test_a_byte_order_mark_is_not_part_of_the_first_record(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    (tmp_path / "b.jsonl").write_bytes(bom + b'{"url": "https://a.com/", "html": "x"}\n')
    (tmp_path / "b.csv").write_bytes(bom + b"url,html\nhttps://b.com/,x\n")
    (tmp_path / "b.json").write_bytes(bom + b'[{"url": "https://c.com/", "html": "x"}]')
    for name, url in (("b.jsonl", "https://a.com/"), ("b.csv", "https://b.com/"), ("b.json", "https://c.com/")):
        items = read_all(tmp_path / name)
        assert problems(items) == [] and [r.url for r in records(items)] == [url]


def test_json_file_of_lines_is_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "pages.json"
    path.write_text('{"url": "a.com", "html": "x"}\n{"url": "b.com", "html": "y"}\n')
    assert plan_inputs([path])[0].format == "jsonl"


def test_corrupt_gzip_is_one_problem_after_the_good_records(tmp_path: Path) -> None:
    good = "".join(json.dumps({"url": f"https://e{i}.com/", "html": PAGE}) + "\n" for i in range(2000))
    blob = gzip.compress(good.encode())
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(blob[: len(blob) // 2])  # truncated stream
    items = read_all(path)
    assert len(records(items)) > 0
    assert [p.reason for p in problems(items)] == ["corrupt_file"]
    assert problems(items)[0].source_file == str(path)


def test_not_gzip_at_all(tmp_path: Path) -> None:
    path = tmp_path / "fake.jsonl.gz"  # named .gz, holding plain JSON lines: read as the text it is
    path.write_text("".join(json.dumps({"url": f"https://e{i}.com/", "html": PAGE}) + "\n" for i in range(300)))
    items = read_all(path)
    assert len(records(items)) == 300 and problems(items) == []
    path.write_bytes(b"\x1f\x8b but not gzip after its magic bytes")
    assert [p.reason for p in problems(read_all(path))] == ["corrupt_file"]


# -- CSV / Parquet ---------------------------------------------------------------------------------


def test_csv_with_quoted_html_and_flags(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    with path.open("w", newline="") as fh:
        import csv

        w = csv.writer(fh)
        w.writerow(["id", "Page URL", "Content", "fetched"])
        w.writerow(["1", "https://acme.co.uk/a", '<p class="x">a, "b"\nc</p>', "2024-01-01"])
        w.writerow(["2", "", "<p>no url</p>", ""])
    items = read_all(path, columns={"fetched_at": "fetched"})
    recs = records(items)
    assert [r.url for r in recs] == ["https://acme.co.uk/a", None]
    assert recs[0].content == '<p class="x">a, "b"\nc</p>' and recs[0].fetched_at == "2024-01-01"


def test_ragged_csv_loses_only_its_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_bytes(
        b"url,html\n"
        b"https://a.com/,<p>a</p>\n"
        b"https://b.com/,<p>b</p>,extra\n"
        b"https://c.com/\n"
        b"https://d.fr/,<p>caf\xe9 cr\xe8me</p>\n"
    )
    recs = records(read_all(path))
    assert [(r.record_no, r.url) for r in recs] == [(0, "https://a.com/"), (1, "https://b.com/"), (2, "https://c.com/"),
                                                     (3, "https://d.fr/")]  # fmt: skip
    assert recs[1].content == "<p>b</p>" and recs[2].content == ""
    assert recs[3].content == "<p>café crème</p>".encode("cp1252")  # undecodable cell: bytes, decoded later


def test_csv_url_only_is_a_url_list(tmp_path: Path) -> None:
    path = tmp_path / "domains.csv"
    path.write_text("domain,rank\nexample.com,1\nacme.de,2\n")
    item = plan_inputs([path])[0]
    assert item.url_only
    recs = records(list(read_input(item)))
    assert [(r.url, r.content, r.content_kind) for r in recs] == [
        ("example.com", None, "url"),
        ("acme.de", None, "url"),
    ]


def test_parquet_binary_html_in_batches(tmp_path: Path) -> None:
    n = 2300
    table = pa.table(
        {
            "uri": [f"https://p{i}.example.org/" for i in range(n)],
            "html": [PAGE.encode("utf-8")] * n,
            "timestamp": pa.array([1_700_000_000_000_000] * n, pa.timestamp("us")),
        }
    )
    path = tmp_path / "p.parquet"
    pq.write_table(table, path, row_group_size=500)
    recs = records(read_all(path))
    assert len(recs) == n and recs[5].content == PAGE.encode() and recs[5].fetched_at.startswith("2023-11-14")


def test_broken_parquet_is_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "b.parquet"
    path.write_bytes(b"PAR1" + os.urandom(200))
    assert [p.reason for p in problems(read_all(path))] == ["corrupt_file"]


def test_table_without_url_column_stops_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name,html\nacme,<p>x</p>\n")
    with pytest.raises(InputError, match="no URL column.*--url-col"):
        plan_inputs([path])
    with pytest.raises(InputError, match="no column 'nope'"):
        plan_inputs([path], columns={"url": "nope"})


def test_resolve_columns_prefers_known_spellings() -> None:
    assert resolve_columns(["Link", "raw_html", "crawled_at", "Content-Type"], {}) == {
        "url": "Link",
        "html": "raw_html",
        "fetched_at": "crawled_at",
        "content_type": "Content-Type",
    }
    assert resolve_columns(["a", "b"], {"url": "a", "text": "b"}) == {"url": "a", "text": "b"}


# -- WARC ------------------------------------------------------------------------------------------


def write_warc(path: Path, *, gz: bool = True) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)

        def response(url: str, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
            writer.write_record(rec)

        response("https://acme.co.uk/", "200 OK", [("Content-Type", "text/html; charset=iso-8859-1")],
                 "<title>Acme Café</title>".encode("latin-1"))  # fmt: skip
        response("http://old-acme.com/", "301 Moved Permanently", [("Location", "https://acme.co.uk/")], b"")
        response("https://acme.co.uk/logo.png", "200 OK", [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n")
        req = writer.create_warc_record("https://acme.co.uk/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        writer.write_record(req)


@pytest.mark.parametrize("gz", [True, False])
def test_warc_responses_redirects_and_charset(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    write_warc(path, gz=gz)
    recs = records(read_all(path))
    assert [r.url for r in recs] == ["https://acme.co.uk/", "http://old-acme.com/", "https://acme.co.uk/logo.png"]
    page, redirect, image = recs
    assert (
        page.encoding == "iso-8859-1"
        and page.status == 200
        and page.content == "<title>Acme Café</title>".encode("latin-1")
    )
    assert page.fetched_at is not None
    assert redirect.redirect_to == "https://acme.co.uk/" and redirect.status == 301
    assert image.content_type == "image/png"


def test_wet_conversion_records_are_text(tmp_path: Path) -> None:
    path = tmp_path / "CC-MAIN-x.warc.wet.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        body = b"Acme Widgets Ltd\nWe make widgets in Leeds."
        rec = writer.create_warc_record("https://acme.co.uk/", "conversion", payload=io.BytesIO(body),
                                        warc_content_type="text/plain")  # fmt: skip
        writer.write_record(rec)
    (rec,) = records(read_all(path))
    assert (rec.url, rec.content_kind, rec.content) == ("https://acme.co.uk/", "text", body)


def test_truncated_warc_keeps_earlier_records(tmp_path: Path) -> None:
    path = tmp_path / "t.warc.gz"
    write_warc(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.7)])
    items = read_all(path)
    assert len(records(items)) >= 1
    assert [p.reason for p in problems(items)] == ["corrupt_file"]


# -- HTML directory / URL list ---------------------------------------------------------------------


def test_html_dir_with_index_and_canonical(tmp_path: Path) -> None:
    d = tmp_path / "site"
    (d / "sub").mkdir(parents=True)
    (d / "a.html").write_text(PAGE)
    (d / "sub" / "b.htm").write_text('<html><head><link rel="canonical" href="https://acme.co.uk/b"></head></html>')
    (d / "c.html").write_text('<meta property="og:url" content="https://acme.co.uk/c"><p>c</p>')
    (d / "d.html").write_text("<p>nothing says where I am</p>")
    (tmp_path / "truth").mkdir()
    (d / "index.csv").write_text("file,url\na.html,https://acme.co.uk/a\n")
    recs = records(read_all(d))
    by_file = {Path(r.source_file).name: r.url for r in recs}
    assert by_file == {
        "a.html": "https://acme.co.uk/a",
        "b.htm": "https://acme.co.uk/b",
        "c.html": "https://acme.co.uk/c",
        "d.html": None,
    }
    assert all(isinstance(r.content, bytes) for r in recs)


def test_html_dir_index_jsonl(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(PAGE)
    (tmp_path / "index.jsonl").write_text(json.dumps({"path": "p.html", "page_url": "https://x.org/p"}) + "\n")
    assert [r.url for r in records(read_all(tmp_path))] == ["https://x.org/p"]


def test_page_url_from_html_prefers_canonical() -> None:
    html = '<meta content="https://og.example/x" property="og:url"><link href=\'https://c.example/y\' rel=canonical>'
    assert page_url_from_html(html) == "https://c.example/y"
    assert page_url_from_html('<link rel="canonical" href="/relative">') is None


def test_url_list(tmp_path: Path) -> None:
    path = tmp_path / "urls.txt"
    path.write_text("# seeds\nexample.com\n\nhttps://acme.co.uk/about  some comment\n")
    recs = records(read_all(path))
    assert [(r.record_no, r.url, r.content_kind) for r in recs] == [
        (1, "example.com", "url"),
        (3, "https://acme.co.uk/about", "url"),
    ]


# -- planning --------------------------------------------------------------------------------------


def test_missing_and_unreadable_paths_raise_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "ok.txt"
    good.write_text("example.com\n")
    with pytest.raises(InputError, match="no such file"):
        plan_inputs([good, tmp_path / "missing.jsonl"])
    locked = tmp_path / "locked.txt"
    locked.write_text("example.com\n")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            # root reads any file: let the permission check see what any other user would (CI runs as root)
            real_access = os.access
            monkeypatch.setattr(
                os, "access", lambda p, mode, **kw: False if Path(p) == locked else real_access(p, mode, **kw)
            )
        with pytest.raises(InputError, match="permission denied"):
            plan_inputs([good, locked])
    finally:
        locked.chmod(0o644)


def test_unknown_extension_needs_format(tmp_path: Path) -> None:
    path = tmp_path / "crawl.dat"
    path.write_text("example.com\n")
    with pytest.raises(InputError, match="--format"):
        plan_inputs([path])
    assert plan_inputs([path], fmt="urllist")[0].format == "urllist"


def test_directory_of_data_files_skips_truth(tmp_path: Path) -> None:
    (tmp_path / "pages.jsonl").write_text(json.dumps({"url": "a.com", "html": "x"}) + "\n")
    (tmp_path / "truth_domains.csv").write_text("domain,org\na.com,A\n")
    (tmp_path / "README.md").write_text("hi")
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "pages.csv").write_text("url,page_class\na.com,home\n")
    assert [(i.path.name, i.format) for i in plan_inputs([tmp_path])] == [("pages.jsonl", "jsonl")]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.jsonl.gz", "jsonl"), ("a.ndjson", "jsonl"), ("a.tsv", "csv"), ("a.csv.gz", "csv"), ("x.warc.gz", "warc"),
     ("CC-MAIN-1.warc.wet.gz", "warc"), ("a.pq", "parquet"), ("seeds.urls", "urllist"), ("p.html", "html_dir")],
)  # fmt: skip
def test_detect_format(tmp_path: Path, name: str, fmt: str) -> None:
    assert detect_format(tmp_path / name) == fmt
