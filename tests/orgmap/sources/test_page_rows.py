"""Decoding, checks and keys of single records (orgmap.sources.page_rows.prepare_record)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmap.sources.page_rows import (
    PreparedPage,
    PreparedRedirect,
    decode_content,
    make_page_id,
    parse_timestamp,
    prepare_record,
)
from orgmap.sources.records import IngestProblem, RawRecord

FRENCH = (
    "<html><head><title>Café été</title></head>"
    "<body><p>Les élèves déjà présents à l'école aiment le café.</p></body></html>"
)


def prep(content: bytes | str | None, url: str | None = "https://www.example.fr/", **kw: object):
    return prepare_record(RawRecord("f.jsonl", 7, url, content, **kw), source="jsonl", max_bytes=10_000)  # type: ignore[arg-type]


def test_utf8_page_gets_keys_and_leaves_parsing_to_signals() -> None:
    page = prep(FRENCH.encode("utf-8"))
    assert isinstance(page, PreparedPage)
    assert page.url_norm == "https://example.fr/" and page.registered_domain == "example.fr"
    assert page.encoding == "utf-8"
    assert page.title is None and page.lang is None  # one parse per page: the signals stage fills them
    assert page.page_id == make_page_id(page.url_norm, page.content_hash) and len(page.page_id) == 24
    assert page.has_content and page.n_bytes == len(FRENCH.encode("utf-8"))


def test_same_text_in_any_encoding_has_the_same_hash() -> None:
    a = prep(FRENCH.encode("utf-8"))
    b = prep(FRENCH.encode("cp1252"))
    c = prep(FRENCH)
    assert isinstance(a, PreparedPage) and isinstance(b, PreparedPage) and isinstance(c, PreparedPage)
    assert a.content_hash == b.content_hash == c.content_hash
    assert b.encoding == "cp1252"


def test_latin1_bytes_declared_as_utf8_are_recovered() -> None:
    page = prep(FRENCH.encode("latin-1"), encoding="utf-8")
    assert isinstance(page, PreparedPage)
    assert "Café été" in (page.html or "") and page.encoding != "utf-8"


def test_shift_jis_with_meta_charset() -> None:
    html = (
        '<html><head><meta charset="shift_jis"><title>株式会社テスト</title></head>'
        "<body><p>私たちは東京の会社です。製品とサービスについてご案内します。</p></body></html>"
    )
    page = prep(html.encode("shift_jis"), url="https://test.co.jp/")
    assert isinstance(page, PreparedPage)
    assert page.encoding == "shift_jis" and "株式会社テスト" in (page.html or "")


def test_declared_charset_from_header_is_tried_first() -> None:
    html = "<title>Ελληνικά</title><p>Καλημέρα κόσμε, αυτή είναι μια σελίδα.</p>"
    page = prep(html.encode("iso-8859-7"), content_type="text/html; charset=iso-8859-7", encoding="iso-8859-7")
    assert isinstance(page, PreparedPage) and "Ελληνικά" in (page.html or "") and page.encoding == "iso8859-7"


def test_bom_wins() -> None:
    page = prep("\ufeff<title>Grüße</title>".encode("utf-16"))
    assert isinstance(page, PreparedPage) and "<title>Grüße" in (page.html or "") and page.encoding == "utf-16"


@pytest.mark.parametrize(
    ("content", "kw", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", {}, "binary"),
        (b"%PDF-1.4 ...", {"content_type": "application/pdf"}, "binary"),
        (b"", {}, "empty"),
        ("   \n ", {}, "empty"),
        (None, {}, "empty"),
        (b"x" * 10_001, {}, "too_large"),
        ("é" * 5_001, {}, "too_large"),
        (bytes(range(1, 9)) * 200, {}, "binary"),
    ],
)
def test_bad_content_is_a_problem_not_an_exception(content: bytes | str | None, kw: dict, reason: str) -> None:
    item = prep(content, **kw)
    assert isinstance(item, IngestProblem)
    assert (item.reason, item.source_file, item.record_no) == (reason, "f.jsonl", 7)


@pytest.mark.parametrize(("url", "reason"), [(None, "no_url"), ("  ", "no_url"), ("javascript:x()", "bad_url")])
def test_bad_urls(url: str | None, reason: str) -> None:
    item = prep(b"<p>x</p>", url=url)
    assert isinstance(item, IngestProblem) and item.reason == reason


def test_url_only_record() -> None:
    item = prep(None, url="Example.com", content_kind="url")
    assert isinstance(item, PreparedPage)
    assert not item.has_content and item.content_hash is None and item.url_norm == "http://example.com/"


def test_text_record_keeps_text_not_html() -> None:
    item = prep("Dies ist ein Text über die Firma und ihre Produkte in Deutschland.", content_kind="text")
    assert isinstance(item, PreparedPage) and item.html is None and item.text and item.lang == "de"


def test_redirect_record() -> None:
    item = prep(None, url="http://old-brand.com/", redirect_to="https://www.newbrand.co.uk/home", status=301)
    assert isinstance(item, PreparedRedirect)
    assert (item.from_domain, item.to_domain, item.to_url) == (
        "old-brand.com",
        "newbrand.co.uk",
        "https://newbrand.co.uk/home",
    )


def test_lone_surrogates_are_stored_replaced() -> None:
    item = prep("<title>a\ud800b</title><p>text</p>")
    assert isinstance(item, PreparedPage) and item.html is not None and "\ud800" not in item.html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02T03:04:05Z", dt.datetime(2024, 1, 2, 3, 4, 5)),
        ("2024-01-02 03:04:05+02:00", dt.datetime(2024, 1, 2, 1, 4, 5)),
        ("Tue, 02 Jan 2024 03:04:05 GMT", dt.datetime(2024, 1, 2, 3, 4, 5)),
        ("20240102030405", dt.datetime(2024, 1, 2, 3, 4, 5)),
        ("1704164645", dt.datetime(2024, 1, 2, 3, 4, 5)),
        ("1704164645000", dt.datetime(2024, 1, 2, 3, 4, 5)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_timestamp(text: str, expected: dt.datetime | None) -> None:
    assert parse_timestamp(text) == expected


@settings(max_examples=300, deadline=None)
@given(
    url=st.one_of(st.none(), st.text(max_size=40), st.just("https://example.com/x")),
    content=st.one_of(st.none(), st.binary(max_size=300), st.text(max_size=300)),
    encoding=st.one_of(st.none(), st.sampled_from(["utf-8", "shift_jis", "nonsense", "utf-16", "latin-1"])),
    content_type=st.one_of(st.none(), st.sampled_from(["text/html", "image/png", "text/html; charset=koi8-r", ""])),
)
def test_prepare_record_never_raises(url, content, encoding, content_type) -> None:
    rec = RawRecord("f", 0, url, content, encoding=encoding, content_type=content_type)
    item = prepare_record(rec, source="jsonl", max_bytes=200)
    assert isinstance(item, PreparedPage | IngestProblem)
    if isinstance(item, PreparedPage) and item.html is not None:
        item.html.encode("utf-8")  # storable


@pytest.mark.parametrize(
    "text",
    ["© 2024 Acme Widgets", "<p>Preis: 5€ für Käse</p>", "Ünïcödé – “quoted”", "Grüße aus Köln"],
)
def test_short_undeclared_windows_1252_is_not_read_as_cjk_or_mac(text: str) -> None:
    """Isolated non-ASCII bytes rule out multi-byte encodings; charset-normalizer guessed cp932 and mac-roman."""
    decoded = decode_content(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


@pytest.mark.parametrize(
    ("text", "codec"), [("日本語のページです。", "shift_jis"), ("ｱｲｳ abc", "cp932"), ("中文网页", "gbk")]
)
def test_real_multi_byte_text_keeps_its_encoding(text: str, codec: str) -> None:
    assert decode_content(text.encode(codec)).text == text
