"""SQL lives in packaged ``.sql`` files: named blocks that say what they are for, and no SQL strings in code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb

from resolver.sql import parse_queries

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("orgmap", "resolver", "classifiers", "graph")

# A string literal (or f-string) that starts like an SQL statement.
_SQL = re.compile(
    r"""^\s*(
        select\b.*\bfrom\b
      | insert\s+into\b
      | update\s+\S+\s+(as\s+\w+\s+)?set\b
      | delete\s+from\b
      | create\s+(or\s+replace\s+)?(temp\s+|temporary\s+)?(table|view|sequence|index|macro)\b
      | with\s+(recursive\s+)?\w+\s+as\s*\(
      | (drop|alter)\s+(table|view|sequence|index)\b
      | describe\s+\S
      | (begin|commit|rollback)(\s+transaction)?\s*;?\s*$
      | (set|pragma)\s+\w+\s*=
    )""",
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)

# SQL that cannot be a named query because its identifiers are only known at run time (values are still
# bound as parameters, identifiers quoted with resolver.sql.quote): (file, how the statement starts).
DYNAMIC = {
    ("resolver/sql.py", "insert into {} ({}) select {} from _orgmap_batch"),  # append: a batch's columns
    ("orgmap/store/database.py", "insert into {} ({}) select {} from (select *"),  # insert_new: table, key, columns
    ("graph/build.py", "select {} from {} order by node_id"),  # load_networkx: any relation shaped like the graph
    ("graph/build.py", "select {} from {} order by src, dst, kind"),
}

# Files still holding inline SQL that another change is moving into .sql files; remove each as it lands.
PENDING = {}


def _literal(node: ast.AST) -> str | None:
    """The text of a string literal; an f-string's replacement fields become ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _sql_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # docstrings
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)  # the parts of an f-string are read as one
    found = []
    for node in ast.walk(tree):
        text = _literal(node)
        if text is not None and id(node) not in skip and _SQL.match(text):
            found.append((node.lineno, " ".join(text.split())))
    return found


def test_no_inline_sql_in_the_packages() -> None:
    offenders = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in PENDING:
                continue
            for line, text in _sql_literals(path):
                if not any(rel == f and text.startswith(start) for f, start in DYNAMIC):
                    offenders.append(f"{rel}:{line}: {text[:80]}")
    assert offenders == [], "move these into a named block of a packaged .sql file:\n" + "\n".join(offenders)


def test_the_guard_sees_sql_and_passes_prose(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(
        'def f(con, t):\n    """Select the rows from t."""\n'
        '    con.execute("select count(*) from pages")\n'
        '    con.execute(f"delete from {t} where x = ?")\n'
        '    con.execute("with a as (select 1) select * from a")\n'
        '    help = "Drop edges below this confidence; select from the list."\n'
    )
    assert [line for line, _ in _sql_literals(src)] == [3, 4, 5]


def _query_files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.sql") if "-- name:" in p.read_text("utf-8"))


def test_every_named_query_is_unique_parses_and_says_what_it_is_for() -> None:
    files = _query_files()
    assert len(files) >= 10
    con = duckdb.connect()
    problems = []
    for path in files:
        text = path.read_text("utf-8")
        rel = path.relative_to(ROOT).as_posix()
        queries = parse_queries(text)
        if len(queries) != len(re.findall(r"^--\s*name:", text, re.MULTILINE)):
            problems.append(f"{rel}: two blocks share a name")
        for name, body in queries.items():
            if not body.startswith("--"):
                problems.append(f"{rel} {name}: start the block with a comment saying what it is for")
            try:
                con.extract_statements(body)
            except duckdb.Error as exc:
                problems.append(f"{rel} {name}: {exc}")
    assert problems == []
