"""Text files as orgmap decodes them, and JSON arrays streamed with the line each element starts on."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolver import files
from resolver.files import JSONArrayError, Skipped, json_array, open_text


def test_open_text_drops_the_bom_gunzips_and_keeps_line_ends(tmp_path: Path) -> None:
    data = "\ufeffid,name\r\nr1,Café\r\n".encode()
    (tmp_path / "a.csv").write_bytes(data)
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(data))
    for name in ("a.csv", "a.csv.gz"):
        with open_text(tmp_path / name) as fh:
            assert fh.read() == "id,name\r\nr1,Café\r\n"


def test_open_text_errors_are_the_callers_choice(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9\n")
    with open_text(tmp_path / "bad.txt", errors="replace") as fh:
        assert fh.read() == "caf\ufffd\n"
    with open_text(tmp_path / "bad.txt", errors="surrogateescape") as fh:
        assert fh.read().encode("utf-8", "surrogateescape") == b"caf\xe9\n"
    with open_text(tmp_path / "bad.txt") as fh, pytest.raises(UnicodeDecodeError):
        fh.read()


def test_elements_come_with_the_line_they_start_on() -> None:
    text = '[\n  {\n    "a": [1, {"b": null}]\n  },\n  "s", 2.5,\n  true\n] trailing text is not read'
    assert list(json_array(io.StringIO(text))) == [(2, {"a": [1, {"b": None}]}), (5, "s"), (5, 2.5), (6, True)]
    assert list(json_array(io.StringIO("[]"))) == []


def test_head_already_read_and_the_line_it_is_on() -> None:
    handle = io.StringIO('\n\n[{"id": 1},\n{"id": 2}]')
    assert handle.read(3) == "\n\n["
    assert list(json_array(handle, head="[", line=3)) == [(3, {"id": 1}), (4, {"id": 2})]


@pytest.mark.parametrize(
    ("text", "before", "error"),
    [
        ('[{"a": 1},\n {"b": 2} {"c": 3}]', [(1, {"a": 1}), (2, {"b": 2})], "line 2: not JSON ("),
        ('[{"a": 1}, {"b": 2}, {bad', [(1, {"a": 1}), (1, {"b": 2})], "line 1: not JSON ("),
        ('[{"a": 1},\n', [(1, {"a": 1})], "line 2: the JSON array is not closed with ']'"),
        ('{"a": 1}', [], "line 1: not a JSON array"),
        ("", [], "line 1: not a JSON array"),
    ],
)
def test_damage_ends_the_array_after_the_elements_before_it(text: str, before: list, error: str) -> None:
    got: list = []
    with pytest.raises(JSONArrayError) as exc:
        got.extend(json_array(io.StringIO(text)))
    assert got == before
    assert str(exc.value).startswith(error) and "\n" not in str(exc.value)
    assert isinstance(exc.value, ValueError)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(elements=st.lists(JSON_VALUES, max_size=6), piece=st.integers(1, 9), indent=st.sampled_from([None, 1]))
def test_any_array_reads_back_element_by_element_whatever_the_pieces(
    elements: list, piece: int, indent: int | None
) -> None:
    text = json.dumps(elements, indent=indent, ensure_ascii=bool(piece % 2))
    old, files.PIECE = files.PIECE, piece
    try:
        got = [value for _, value in json_array(io.StringIO(text))]
    finally:
        files.PIECE = old
    assert got == elements


def test_bad_elements_are_skipped_and_the_array_reads_on() -> None:
    deep = "[" * 5_000 + "]" * 5_000
    text = '[{"a": 1}, {bad}, NaN, "' + "x" * 50_000 + '", ' + deep + ',, {"b": 2}]'
    got = list(json_array(io.StringIO(text), max_chars=20_000, skip_bad=True))
    assert [(v.reason if isinstance(v, Skipped) else v) for _, v in got] == [
        {"a": 1}, "bad_json", "bad_json", "too_large", "too_deep", {"b": 2},
    ]  # fmt: skip


def test_a_truncated_gzip_gives_every_line_before_the_damage(tmp_path: Path) -> None:
    text = "".join(f"line {i}\n" for i in range(20_000))
    blob = gzip.compress(text.encode())
    (tmp_path / "t.txt.gz").write_bytes(blob[: len(blob) // 2])
    lines: list[str] = []
    with open_text(tmp_path / "t.txt.gz") as fh, pytest.raises(EOFError):
        for line in iter(fh.readline, ""):
            lines.append(line)
    assert len(lines) > 5_000 and lines == [f"line {i}\n" for i in range(len(lines))]
    pieces: list[str] = []
    with open_text(tmp_path / "t.txt.gz") as fh, pytest.raises(EOFError):
        while True:  # reads of any size: the text before the damage comes first, whole; then the error
            pieces.append(fh.read(65536))
    assert text.startswith("".join(pieces)) and len("".join(pieces)) >= len("".join(lines))
