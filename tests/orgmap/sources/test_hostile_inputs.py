"""Hostile and damaged crawl files (issue 16): poison records, silent loss, decompression bombs.

Every input is generated here, small, except the bombs: one megabyte of gzip that unpacks to a gigabyte,
read by a real ``orgmap ingest`` subprocess whose peak RSS is measured.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks.bench_fuzz import bombs
from orgmap.config import IngestSettings, Settings
from orgmap.runs import recorded
from orgmap.stages.ingest import IngestSummary, ingest
from orgmap.store.database import Store
from tests.support.malformed import Case

REPO = Path(__file__).resolve().parents[3]
PAGE = "<html><head><title>Page {i}</title></head><body><p>Widgets number {i}.</p></body></html>"


def good(i: int) -> dict[str, object]:
    return {"url": f"https://site{i}.example.com/", "html": PAGE.format(i=i), "status": 200}


def jsonl(rows: list[object]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)


def run(db: Path, *paths: Path, **ingest_kw: int) -> IngestSummary:
    s = Settings(ingest=IngestSettings(batch_size=ingest_kw.pop("batch_size", 50), **ingest_kw))
    with Store(str(db)) as store, recorded(store, "ingest", s, [str(p) for p in paths]) as (r, counts):
        summary = ingest(store, s, r)
        counts.update(summary.counts())
    return summary


def errors(db: Path) -> list[tuple[int | None, str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select record_no, reason, detail from ingest_errors order by record_no").fetchall()
    finally:
        con.close()


def stored_urls(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("select url from pages order by url").fetchall()]
    finally:
        con.close()


def urls(ids: range | list[int]) -> list[str]:
    return sorted(f"https://site{i}.example.com/" for i in ids)


# -- poison records: each goes to ingest_errors, the batch goes on --------------------------------


def warc_response(writer: WARCWriter, url: str, body: bytes, *, status: str = "200 OK", uri: bool = True) -> None:
    http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
    if not uri:
        rec.rec_headers.remove_header("WARC-Target-URI")
    writer.write_record(rec)


def test_poison_records_cost_themselves_only_and_a_rerun_stores_nothing_twice(tmp_path: Path) -> None:
    rows: list[object] = [good(i) for i in range(10)]
    rows[2] = {**good(2), "status": 1e30}  # OverflowError when stored as INTEGER
    rows[4] = {**good(4), "status": "1e400"}  # float('inf'): OverflowError in int()
    rows[6] = '{"url": "https://site6.example.com/", "html": ' + "[" * 100_000 + "]" * 100_000 + "}"  # RecursionError
    rows[8] = {"url": "https://site8.example.com/", "html": [[[["x"]]]] * 3}  # a list where HTML goes: kept as text
    path = tmp_path / "poison.jsonl"
    path.write_text(jsonl(rows))
    array = tmp_path / "poison.json"
    deep = "[" * 100_000 + "]" * 100_000
    array.write_text(
        "["
        + ",\n".join([json.dumps(good(20)), deep, json.dumps({**good(21), "status": -5}), json.dumps(good(22))])
        + "]"
    )
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    warc_response(writer, "https://site30.example.com/", PAGE.format(i=30).encode())
    warc_response(writer, "https://site31.example.com/", PAGE.format(i=31).encode(), uri=False)  # AttributeError
    warc_response(writer, "https://site32.example.com/", PAGE.format(i=32).encode(), status="99999999999 Big")
    warc_response(writer, "https://site33.example.com/", PAGE.format(i=33).encode())
    warc = tmp_path / "poison.warc.gz"
    warc.write_bytes(buf.getvalue())
    db = tmp_path / "p.duckdb"

    first = run(db, path, array, warc, batch_size=4)
    want = urls([0, 1, 3, 5, 7, 8, 9, 20, 22, 30, 33])
    assert stored_urls(db) == want
    assert first.stored == len(want) and first.pages_read == 10 + 4 + 4
    reasons = sorted(r for _, r, _ in errors(db))
    assert reasons == ["bad_record"] * 6 + ["no_url"]
    details = " | ".join(d for _, _, d in errors(db))
    assert "1e+30 is not an HTTP status" in details and "1e400 is not an HTTP status" in details
    assert "nested too deep" in details and "too_deep" in details and "99999999999" in details

    again = run(db, path, array, warc, batch_size=4)
    assert again.stored == 0 and stored_urls(db) == want and len(errors(db)) == 7


# -- silent loss: where the damage is, how much was read before it ---------------------------------


def test_a_stray_csv_quote_costs_its_row_and_is_flagged(tmp_path: Path) -> None:
    lines = ["url,html,status"]
    for i in range(40):
        html = f'"<p class=""c"">Widgets {i}</p>"' if i % 3 else f"<p>Widgets {i}</p>"
        lines.append(f"https://site{i}.example.com/,{html},200")
    lines[11] = 'https://site10.example.com/,"<p>an opening quote that never closes,200'
    lines[26] = 'https://site25.example.com/,<p>a "quoted" word</p>,"200'  # runs to the end of the file
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n")
    db = tmp_path / "s.duckdb"
    summary = run(db, path)
    assert stored_urls(db) == urls([i for i in range(40) if i not in (10, 25)])
    assert summary.skipped == {"bad_record": 2}
    (_, _, first), (_, _, second) = errors(db)
    assert first.startswith("line 12: a quote opened in this row runs over the next ")
    assert second.startswith("line 27: a quote opened in this row runs over the next ")


def test_a_multiline_html_cell_is_not_a_stray_quote(tmp_path: Path) -> None:
    html = "<html>\n<head><title>Acme, Inc.</title></head>\n<body>\n<p>One, two</p>\n</body>\n</html>"
    cell = '"' + html.replace('"', '""') + '"'
    path = tmp_path / "multi.csv"
    path.write_text(f"url,html\nhttps://a.example.com/,{cell}\nhttps://b.example.com/,{cell}\n")
    db = tmp_path / "m.duckdb"
    assert run(db, path).stored == 2 and errors(db) == []


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "urllist"])
def test_a_truncated_gzip_says_where_and_keeps_what_came_before(tmp_path: Path, fmt: str) -> None:
    rows = [good(i) for i in range(400)]
    if fmt == "jsonl":
        text, name = jsonl(rows), "t.jsonl.gz"
    elif fmt == "json":
        text, name = "[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]", "t.json.gz"
    elif fmt == "csv":
        text, name = "url,html\n" + "".join(f"{r['url']},{r['html']}\n" for r in rows), "t.csv.gz"
    else:
        text, name = "".join(f"{r['url']}\n" for r in rows), "t.txt.gz"
    blob = gzip.compress(text.encode())
    path = tmp_path / name
    path.write_bytes(blob[: len(blob) * 2 // 3])
    db = tmp_path / "t.duckdb"
    summary = run(db, path)
    [(_, reason, detail)] = errors(db)
    assert reason == "corrupt_file"
    m = re.fullmatch(
        r"the gzip stream ends early: the file is truncated \(at line ([\d,]+)\); ([\d,]+) record\(s\) before it "
        r"are kept, the rest of the file is not read",
        detail,
    )
    assert m is not None, detail
    kept = int(m.group(2).replace(",", ""))
    assert 100 < kept < 400 and summary.stored == kept
    assert int(m.group(1).replace(",", "")) in range(kept, kept + 3)


def warc_of(n: int) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for i in range(n):
        warc_response(writer, f"https://site{i}.example.com/", PAGE.format(i=i).encode())
    return buf.getvalue()


def test_a_short_warc_says_at_which_byte_it_ends(tmp_path: Path) -> None:
    data = warc_of(200)
    path = tmp_path / "short.warc"
    path.write_bytes(data[: len(data) // 2])
    db = tmp_path / "w.duckdb"
    summary = run(db, path)
    [(record_no, reason, detail)] = errors(db)
    assert reason == "corrupt_file" and record_no == summary.stored
    assert re.search(r"\(at byte [\d,]+\); [\d,]+ record\(s\) before it are kept", detail), detail
    assert f"{summary.stored} record(s) before it" in detail and 90 < summary.stored < 110


def test_a_damaged_warc_record_is_skipped_and_the_next_ones_read(tmp_path: Path) -> None:
    data = warc_of(6)
    second = data.index(b"WARC/1.", 10)
    damaged = data[:second] + b"WARC/1.0\r\nthis is no header\r\n\r\ngarbage\r\n\r\n" + data[second:]
    path = tmp_path / "damaged.warc"
    path.write_bytes(damaged)
    db = tmp_path / "d.duckdb"
    assert run(db, path).stored == 6
    [(_, reason, detail)] = errors(db)
    assert reason == "bad_record" and detail.startswith("unreadable WARC record at bytes ")


def test_a_json_array_broken_mid_file_keeps_what_came_before_and_says_where(tmp_path: Path) -> None:
    elements = [json.dumps(good(i)) for i in range(300)]
    elements[50] = '{"url": "https://site50.example.com/", "html": oops}'  # a bad element: skipped, read on
    text = "[\n" + ",\n".join(elements[:200]) + ',\n{"url": "https://x.example.com/", "html": "unclosed}]\n'
    path = tmp_path / "broken.json"
    path.write_text(text)
    db = tmp_path / "j.duckdb"
    summary = run(db, path)
    assert summary.stored == 199
    (_, bad, bad_detail), (record_no, corrupt, detail) = errors(db)
    assert (bad, corrupt, record_no) == ("bad_record", "corrupt_file", 200)
    assert bad_detail.startswith("line 52: bad_json: ")
    assert detail.startswith("the JSON array is not closed with ']': the file is cut short; the element that")
    assert "200 record(s) before it are kept" in detail


def test_a_utf8_bom_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfurl,html\nhttps://a.example.com/,<p>A</p>\n")
    db = tmp_path / "b.duckdb"
    assert run(db, path).stored == 1 and errors(db) == []


# -- decompression bombs: peak RSS of a real ingest subprocess ------------------------------------

RSS_LIMIT_MB = 1024


def ingest_rss(path: Path, db: Path) -> tuple[int, str]:
    """Peak RSS (MB) of ``orgmap ingest path`` in a fresh process, and what it printed."""
    code = (
        "import atexit, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\n"  # a regression fails alone, not the machine
        # VmHWM, not ru_maxrss: ru_maxrss carries over the peak of the (large) pytest process across exec
        "peak = lambda: int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
        "atexit.register(lambda: print('MAXRSS', peak(), file=sys.stderr))\n"
        "from orgmap.cli import app\n"
        "app()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "ORGMAP_PROGRESS_SECONDS": "0"}
    proc = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    m = re.search(r"MAXRSS (\d+)", proc.stderr)
    assert proc.returncode == 0 and m is not None, proc.stderr[-2000:]
    return int(m.group(1)) // 1024, proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("case", bombs(1.0), ids=lambda c: c.name)
def test_a_gigabyte_from_a_megabyte_of_gzip_stays_in_bounded_memory(tmp_path: Path, case: Case) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data)  # type: ignore[arg-type]
    assert path.stat().st_size < 1_100_000
    db = tmp_path / "bomb.duckdb"
    rss, output = ingest_rss(path, db)
    assert rss < RSS_LIMIT_MB, f"peak RSS {rss} MB"
    assert stored_urls(db) == ["https://site1.example.com/"]  # the record after the bomb
    [(_, reason, detail)] = errors(db)
    assert reason == "too_large" and "20,000,000" in detail, detail
