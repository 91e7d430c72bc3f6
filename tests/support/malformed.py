"""A corpus of malformed crawl files, generated from a seed, and the check every one of them must pass.

Each :class:`Case` is one input (a file, or a directory of HTML files) that is broken in one way: bad JSON,
wrong types, invalid UTF-8, NUL bytes, ragged or mis-quoted CSV, odd URLs, poison values, deep nesting,
over-long records, truncated or fake gzip, short or damaged WARC, then random byte-level mutations of good
files. :func:`check` ingests one case and says whether orgmap handled it: no traceback (a one-line
``OrgmapError`` is fine), and every record accounted for — records stored (new, duplicate, redirect) plus
records errored equal the records read and, where the case knows it, the records it holds.

Used by ``tests/orgmap/sources/test_fuzz.py`` (in-process) and ``benchmarks/bench_fuzz.py`` (a subprocess
per input, for time and peak RSS).
"""

from __future__ import annotations

import gzip
import io
import json
import random
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from orgmap.config import IngestSettings, Settings
from orgmap.runs import recorded
from orgmap.stages.ingest import ingest
from orgmap.store.database import Store
from resolver.errors import OrgmapError

__all__ = ["Case", "Outcome", "SETTINGS", "check", "corpus", "write_case"]

SETTINGS = Settings(ingest=IngestSettings(max_page_bytes=200_000, max_record_chars=300_000, batch_size=7))
"""Small caps, so over-long records are cheap to make."""

PAGE = "<html><head><title>Shop {i}</title></head><body><p>Widgets, “quoted”, café {i}.</p></body></html>"


def good(i: int) -> dict[str, object]:
    return {"url": f"https://site{i}.example.com/p/{i}", "html": PAGE.format(i=i), "status": 200}


@dataclass(frozen=True)
class Case:
    """One malformed input."""

    name: str
    """Unique; also the file name (its extension tells the format)."""
    data: bytes | dict[str, bytes]
    """The file's bytes, or for an HTML directory its files."""
    records: int | None
    """Records the input holds as orgmap should see them (a fault that ends a file counts as one), if known."""


@dataclass
class Outcome:
    """What ingesting one case did."""

    name: str
    kind: str = "ok"
    """``ok``, ``one_line`` (an OrgmapError: the command prints one line) or ``traceback``."""
    error: str = ""
    read: int = 0
    stored: int = 0
    """Pages new or already stored, and redirects."""
    errored: int = 0
    """Records skipped (``ingest_errors``)."""
    error_rows: int = 0
    """``ingest_errors`` rows the run wrote."""
    expected: int | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def accounted(self) -> bool:
        """Stored + errored = records read (= the records the case holds, when known); rows match the count."""
        if self.kind == "traceback":
            return False
        if self.kind == "one_line":
            return True  # refused before anything was read
        total = self.stored + self.errored
        return total == self.read and self.error_rows == self.errored and self.expected in (None, total)


def write_case(case: Case, root: Path) -> Path:
    """The case on disk under ``root``; returns the path to ingest."""
    path = root / case.name
    if isinstance(case.data, dict):
        path.mkdir(parents=True, exist_ok=True)
        for name, data in case.data.items():
            (path / name).write_bytes(data)
    else:
        path.write_bytes(case.data)
    return path


def check(case: Case, root: Path, store: Store) -> Outcome:
    """Ingest ``case`` into ``store`` as one run and account for its records."""
    out = Outcome(case.name, expected=case.records)
    path = write_case(case, root)
    t0 = time.perf_counter()
    try:
        with recorded(store, "ingest", SETTINGS, [str(path)]) as (run, counts):
            summary = ingest(store, SETTINGS, run)
            counts.update(summary.counts())
    except OrgmapError as exc:
        out.kind, out.error = "one_line", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    except Exception:  # noqa: BLE001 - what the fuzz suite exists to find
        out.kind, out.error = "traceback", traceback.format_exc()
    else:
        out.read = summary.pages_read
        out.stored = summary.stored + summary.duplicates + summary.redirects
        out.errored = sum(summary.skipped.values())
        row = store.con.execute("select count(*) from ingest_errors where run_id = ?", [run.run_id]).fetchone()
        out.error_rows = int(row[0]) if row else 0
    out.seconds = time.perf_counter() - t0
    return out


# -- the corpus ------------------------------------------------------------------------------------


def corpus(seed: int = 0, mutations: int = 120) -> list[Case]:
    """Every hand-made case, then ``mutations`` random byte-level mutations of good files."""
    cases = [*_jsonl(), *_json(), *_csv(), *_warc(), *_gzip(), *_urllist(), *_html_dir(), *_parquet()]
    cases += list(_mutations(random.Random(seed), mutations))
    names = [c.name for c in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    return cases


def _lines(rows: list[object]) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode()


def _jsonl() -> Iterator[Case]:
    base = [good(i) for i in range(10)]
    broken = ['{"url": "https://a.example.com/", "html": "x"', "{'url': 'x'}", '{"url": "https://a.example.com/",}',
              "{", "}", "[", '"just a string', "nul\x00l", '{"url": "https://a.example.com/", "html": "\\ud800"}',
              '{"url": "https://a.example.com/", "html": NaN}', "\x1b[31mred", '{"a": 1}{"b": 2}']  # fmt: skip
    for n, bad in enumerate(broken):
        rows: list[object] = [*base]
        rows[n % 10] = bad
        yield Case(f"jsonl_broken_{n}.jsonl", _lines(rows), 10)
    values = [None, 0, 1.5, -1, True, [], {}, ["x"], {"a": "b"}, "", " ", "1e30", 1e300, "NaN", "\x00", "é" * 3]
    for field_ in ("url", "html", "status", "fetched_at", "content_type", "encoding", "redirect_to"):
        for n, value in enumerate(values):
            if (n + len(field_)) % 3:
                continue  # a third of the combinations: enough, and the corpus stays quick
            rows = [*base]
            rows[n % 10] = {**good(n), field_: value}
            yield Case(f"jsonl_type_{field_}_{n}.jsonl", _lines(rows), 10)
    for n, status in enumerate([1e30, "1e400", -5, 1000, "999999999999", float("inf"), 2**70]):
        rows = [*base]
        rows[3] = (
            {**good(3), "status": status}
            if not isinstance(status, float) or status < 1e308
            else '{"url": "https://x.example.com/", "html": "x", "status": Infinity}'
        )
        yield Case(f"jsonl_status_{n}.jsonl", _lines(rows), 10)
    for depth in (50, 1_000, 100_000):
        rows = [*base]
        rows[5] = '{"url": "https://deep.example.com/", "html": ' + "[" * depth + "]" * depth + "}"
        yield Case(f"jsonl_deep_{depth}.jsonl", _lines(rows), 10)
    for n, url in enumerate(_odd_urls()):
        yield Case(f"jsonl_url_{n}.jsonl", _lines([*base[:3], {"url": url, "html": PAGE.format(i=n)}]), 4)
    yield Case("jsonl_empty.jsonl", b"", 0)
    yield Case("jsonl_blank.jsonl", b"\n\n  \n\t\n", 0)
    yield Case("jsonl_bom.jsonl", b"\xef\xbb\xbf" + _lines(base), 10)
    yield Case("jsonl_crlf.jsonl", _lines(base).replace(b"\n", b"\r\n"), 10)
    yield Case("jsonl_cr_only.jsonl", _lines(base).replace(b"\n", b"\r"), None)
    yield Case("jsonl_invalid_utf8.jsonl", _lines(base).replace(b"caf\xc3\xa9", b"caf\xe9\xff\xfe"), 10)
    yield Case("jsonl_latin1.jsonl", _lines(base).decode().encode("latin-1", "replace"), 10)
    yield Case("jsonl_utf16.jsonl", _lines(base).decode().encode("utf-16"), None)
    yield Case("jsonl_nul_bytes.jsonl", _lines(base).replace(b"Widgets", b"Wid\x00gets"), 10)
    yield Case(
        "jsonl_huge_line.jsonl", _lines([*base[:4], {"url": "https://h.example.com/", "html": "x" * 400_000}]), 5
    )
    yield Case(
        "jsonl_huge_page.jsonl", _lines([*base[:4], {"url": "https://h.example.com/", "html": "x" * 250_000}]), 5
    )
    yield Case("jsonl_duplicates.jsonl", _lines(base + base), 20)
    yield Case("jsonl_not_objects.jsonl", _lines([1, "s", None, True, [good(1)], *base[:5]]), 10)
    yield Case("jsonl_binary.jsonl", bytes(range(256)) * 40, None)
    yield Case("jsonl_no_url_key.jsonl", _lines([{"html": PAGE, "title": "x"}] * 5 + base[:5]), 10)


def _odd_urls() -> list[str]:
    return [
        "javascript:alert(1)", "http://", "https://", "http://[::1", "ftp://files.example.com/", "http://a..b/",
        "http://-x-.com/", "http://example.com:99999/", "http://user:pw@example.com/", "http://exa mple.com/",
        "http://example.com/\n/x", "http://例え.テスト/", "http://xn--/", "http://1.2.3.4.5/", "http://256.1.1.1/",
        "//example.com/x", "example.com", "localhost", "http://co.uk/", "http://" + "a" * 300 + ".com/",
        "http://example.com/" + "p/" * 20_000, "HTTP://EXAMPLE.COM/%zz", "\x00http://x.com/", "http://x.com\x00/",
        "mailto:a@b.com", "data:text/html,<p>x</p>", " https://spaces.example.com/ ", "http://☃.net/",
    ]  # fmt: skip


def _json() -> Iterator[Case]:
    base = [json.dumps(good(i)) for i in range(10)]
    whole = "[" + ",\n".join(base) + "]"
    yield Case("json_good.json", whole.encode(), 10)
    for n, bad in enumerate(["{bad}", "NaN", '"string"', "42", "null", "[1, 2]", '{"url": 5}', "{" * 300 + "}" * 300]):
        parts = [*base]
        parts[n] = bad
        yield Case(f"json_bad_element_{n}.json", ("[" + ",\n".join(parts) + "]").encode(), 10)
    for cut in (1, 2, 50, len(whole) // 3, len(whole) // 2, len(whole) - 2, len(whole) - 1):
        yield Case(f"json_truncated_{cut}.json", whole[:cut].encode(), None)
    yield Case("json_missing_commas.json", ("[" + "\n".join(base) + "]").encode(), 10)
    yield Case("json_trailing_comma.json", ("[" + ",\n".join(base) + ",]").encode(), 10)
    yield Case("json_double_commas.json", ("[" + ",,\n".join(base) + "]").encode(), 10)
    yield Case("json_object_not_array.json", json.dumps(good(1)).encode() + b"\n" + json.dumps(good(2)).encode(), 2)
    yield Case("json_garbage.json", b"<html>not json</html>", None)
    yield Case("json_empty_array.json", b"[]", 0)
    yield Case("json_open_bracket.json", b"[", 1)
    yield Case(
        "json_garbage_mid.json",
        ("[" + ",\n".join(base[:5]) + ",\n@@@ garbage @@@,\n" + ",\n".join(base[5:]) + "]").encode(),
        13,
    )
    yield Case(
        "json_huge_element.json",
        (
            "[" + ",".join([*base[:3], json.dumps({"url": "https://h.example.com/", "html": "x" * 400_000})]) + "]"
        ).encode(),
        4,
    )
    yield Case(
        "json_deep_element.json",
        ("[" + ",".join([*base[:3], "[" * 100_000 + "]" * 100_000, base[3]]) + "]").encode(),
        5,
    )
    yield Case(
        "json_unclosed_string.json",
        ("[" + base[0] + ', {"url": "https://x.example.com/, "html": "a"}, ' + base[1] + "]").encode(),
        None,
    )
    yield Case("json_invalid_utf8.json", whole.encode().replace(b"caf\xc3\xa9", b"caf\xe9"), 10)
    yield Case("json_nul.json", whole.encode().replace(b"Widgets", b"Wid\x00gets"), 10)


def _csv() -> Iterator[Case]:
    header = "url,html,status\n"
    rows = [f'https://site{i}.example.com/,"<p class=""c"">Widgets {i}, café</p>",200\n' for i in range(10)]
    whole = header + "".join(rows)
    yield Case("csv_good.csv", whole.encode(), 10)
    variants = {
        "ragged_short": "https://r.example.com/\n",
        "ragged_long": 'https://r.example.com/,"<p>x</p>",200,extra,more,"and more"\n',
        "stray_quote": 'https://r.example.com/,"<p>never closed,200\n',
        "quote_mid_cell": 'https://r.example.com/,<p>a "quoted" word</p>,200\n',
        "nul": "https://r.example.com/,<p>a\x00b</p>,200\n",
        "bad_status": "https://r.example.com/,<p>x</p>,1e30\n",
        "empty_url": ",<p>x</p>,200\n",
        "blank": "\n",
        "only_commas": ",,,,\n",
        "quoted_newlines": 'https://r.example.com/,"<p>a\nb\nc</p>",200\n',
        "escaped_badly": 'https://r.example.com/,"<p>a\\"b</p>",200\n',
        "tab_separated": "https://r.example.com/\t<p>x</p>\t200\n",
        "odd_url": "javascript:void(0),<p>x</p>,200\n",
    }
    for name, line in variants.items():
        body = rows[:5] + [line] + rows[5:]
        blank = name == "blank"
        yield Case(
            f"csv_{name}.csv", (header + "".join(body)).encode(), 10 if blank else 11 if name != "stray_quote" else 11
        )
    yield Case("csv_unclosed_at_end.csv", (whole + 'https://r.example.com/,"<p>x').encode(), 11)
    yield Case("csv_bom.csv", b"\xef\xbb\xbf" + whole.encode(), 10)
    yield Case("csv_crlf.csv", whole.replace("\n", "\r\n").encode(), 10)
    yield Case("csv_cr_only.csv", whole.replace("\n", "\r").encode(), 10)
    yield Case("csv_invalid_utf8.csv", whole.encode().replace(b"caf\xc3\xa9", b"caf\xe9"), 10)
    yield Case("csv_header_only.csv", header.encode(), 0)
    yield Case("csv_no_url_column.csv", b"a,b\n1,2\n", None)
    yield Case(
        "csv_duplicate_headers.csv",
        ("url,url,html\n" + "".join(f"https://d{i}.example.com/,x,<p>{i}</p>\n" for i in range(5))).encode(),
        5,
    )
    yield Case(
        "csv_huge_cell.csv",
        (header + "".join(rows[:3]) + 'https://h.example.com/,"' + "x" * 400_000 + '",200\n' + rows[3]).encode(),
        5,
    )
    yield Case(
        "csv_many_columns.csv",
        (
            "url,html,"
            + ",".join(f"c{i}" for i in range(2000))
            + "\n"
            + "".join(f"https://m{i}.example.com/,<p>x</p>" + "," * 2000 + "\n" for i in range(3))
        ).encode(),
        3,
    )
    yield Case(
        "data.tsv",
        b"url\thtml\n" + "".join(f"https://t{i}.example.com/\t<p>x</p>\n" for i in range(4)).encode(),
        4,
    )


def _warc_bytes(n: int, *, gz: bool, odd: dict[int, str] | None = None) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for i in range(n):
        status = (odd or {}).get(i, "200 OK")
        http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        body = PAGE.format(i=i).encode()
        rec = writer.create_warc_record(
            f"https://w{i}.example.com/", "response", payload=io.BytesIO(body), http_headers=http
        )
        if status == "no-uri":
            rec.rec_headers.remove_header("WARC-Target-URI")
            rec.http_headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(rec)
    return buf.getvalue()


def _warc() -> Iterator[Case]:
    for gz in (False, True):
        ext = "warc.gz" if gz else "warc"
        data = _warc_bytes(12, gz=gz)
        yield Case(f"warc_good.{ext}", data, 12)
        for cut in (10, len(data) // 3, len(data) // 2, len(data) - 5):
            yield Case(f"warc_truncated_{cut}.{ext}", data[:cut], None)
        yield Case(
            f"warc_odd_status.{ext}", _warc_bytes(6, gz=gz, odd={1: "1000000000000 Big", 2: "abc Def", 3: "no-uri"}), 6
        )
        yield Case(f"warc_garbage_tail.{ext}", data + b"\x00garbage at the end" * 10, None)
    data = _warc_bytes(6, gz=False)
    second = data.index(b"WARC/1.", 10)
    yield Case(
        "warc_headerless_record.warc", data[:second] + b"WARC/1.0\r\nnonsense\r\n\r\nbody\r\n\r\n" + data[second:], 7
    )
    yield Case("warc_wrong_length.warc", data.replace(b"Content-Length: ", b"Content-Length: 1", 1), None)
    yield Case("warc_not_warc.warc", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 5, None)
    yield Case("warc_empty.warc", b"", 0)


def _gzip() -> Iterator[Case]:
    text = _lines([good(i) for i in range(30)])
    blob = gzip.compress(text)
    yield Case("gz_good.jsonl.gz", blob, 30)
    for cut in (5, 20, len(blob) // 2, len(blob) - 8):
        yield Case(f"gz_truncated_{cut}.jsonl.gz", blob[:cut], None)
    yield Case("gz_fake.jsonl.gz", text, 30)
    yield Case("gz_magic_then_garbage.jsonl.gz", b"\x1f\x8b" + b"garbage" * 20, 1)
    corrupt = bytearray(blob)
    corrupt[len(blob) // 2] ^= 0xFF
    yield Case("gz_flipped_byte.jsonl.gz", bytes(corrupt), None)
    yield Case("gz_double.jsonl.gz", gzip.compress(blob), None)
    yield Case("gz_two_members.jsonl.gz", blob + blob, 60)
    yield Case("gz_trailing_garbage.jsonl.gz", blob + b"not gzip", None)
    csv_text = b"url,html\n" + b"".join(b"https://g%d.example.com/,<p>x</p>\n" % i for i in range(30))
    yield Case("gz_truncated.csv.gz", gzip.compress(csv_text)[:-30], None)
    yield Case(
        "gz_truncated.json.gz",
        gzip.compress(b"[" + b",".join(json.dumps(good(i)).encode() for i in range(30)) + b"]")[:-30],
        None,
    )


def _urllist() -> Iterator[Case]:
    urls = "\n".join(_odd_urls()).encode()
    yield Case("urls_odd.txt", urls, len(_odd_urls()) + 1)  # one URL holds a line end: two lines
    yield Case("urls_binary.txt", bytes(range(256)) * 10, None)
    yield Case("urls_long_line.txt", b"https://a.example.com/\n" + b"x" * 400_000 + b"\nhttps://b.example.com/\n", 3)
    yield Case(
        "urls_comments.txt", b"# comment\n\nexample.com\n  # indented\nhttps://x.example.com/ trailing words\n", 2
    )


def _html_dir() -> Iterator[Case]:
    page = PAGE.format(i=1).encode()
    yield Case("html_no_urls", {"a.html": page, "b.htm": b"\x00\x01binary", "c.html": b""}, 3)
    yield Case(
        "html_bad_index",
        {"index.csv": b'file,url\na.html,"https://a.example.com/\n', "a.html": page, "b.html": page},
        2,
    )
    yield Case(
        "html_bad_index_jsonl",
        {"index.jsonl": b'{"file": "a.html", "url": 5}\n{bad\n' + b"[" * 5_000, "a.html": page},
        1,
    )
    yield Case("html_canonical_odd", {"a.html": b'<link rel=canonical href="javascript:x"><title>x</title>'}, 1)


def _parquet() -> Iterator[Case]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    table = pa.table(
        {
            "url": ["https://p.example.com/", None, "not a url", "https://q.example.com/"],
            "html": [b"<p>x</p>", b"\x00\x01", None, "é".encode()],
            "status": [200, 1_000_000, -1, None],
        }
    )
    pq.write_table(table, buf)
    yield Case("parquet_odd_values.parquet", buf.getvalue(), 4)
    yield Case("parquet_broken.parquet", buf.getvalue()[: len(buf.getvalue()) // 2], None)
    yield Case("parquet_not_parquet.parquet", b"PAR1 this is not parquet PAR1", None)


_SPECIAL = [b"\x00", b'"', b"\n", b"\r", b",", b"{", b"}", b"[", b"]", b"\\", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\t"]


def _mutations(rng: random.Random, n: int) -> Iterator[Case]:
    """Random byte-level damage (flips, insertions, deletions, cuts) to good files of every format."""
    seeds = {
        "jsonl": _lines([good(i) for i in range(8)]),
        "json": ("[" + ",\n".join(json.dumps(good(i)) for i in range(8)) + "]").encode(),
        "csv": (
            "url,html,status\n" + "".join(f'https://c{i}.example.com/,"<p>x ""{i}""</p>",200\n' for i in range(8))
        ).encode(),
        "warc": _warc_bytes(5, gz=False),
        "txt": "\n".join(f"https://u{i}.example.com/" for i in range(8)).encode(),
    }
    kinds = sorted(seeds)
    for k in range(n):
        fmt = kinds[k % len(kinds)]
        data = bytearray(seeds[fmt])
        for _ in range(rng.randint(1, 6)):
            op, at = rng.randrange(4), rng.randrange(max(1, len(data)))
            if op == 0:
                data[at] = rng.randrange(256)
            elif op == 1:
                data[at:at] = rng.choice(_SPECIAL) * rng.randint(1, 3)
            elif op == 2:
                del data[at : at + rng.randint(1, 20)]
            else:
                data = data[: max(at, 1)] if rng.random() < 0.3 else data
        gz = rng.random() < 0.2
        blob = gzip.compress(bytes(data)) if gz else bytes(data)
        yield Case(f"mutation_{k:03d}.{fmt}{'.gz' if gz else ''}", blob, None)
