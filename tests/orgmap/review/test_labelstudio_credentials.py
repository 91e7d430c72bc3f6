"""A user and password in the Label Studio URL are used to connect, never stored or printed (issue 16)."""

from __future__ import annotations

import socket
from pathlib import Path

import pandas as pd
import pytest

from orgmap.review.labelstudio import LabelStudio, LabelStudioError, redact_url
from orgmap.stages.label import PullSummary, record_pull, record_tasks
from orgmap.store.database import Store
from tests.support.http_server import Reply, TestServer

SECRET = "s3cret-pw"


def test_redact_url_strips_user_and_password_wherever_they_are() -> None:
    assert redact_url(f"http://admin:{SECRET}@127.0.0.1:8080/") == "http://127.0.0.1:8080/"
    assert redact_url(f"https://admin:p@ss{SECRET}@ls.example.org/api/x?a=b@c") == "https://ls.example.org/api/x?a=b@c"
    assert redact_url("http://ls.example.org/mail@x") == "http://ls.example.org/mail@x"
    text = f"error at http://u:{SECRET}@h1/ and https://v:{SECRET}@h2:1/p"
    assert redact_url(text) == "error at http://h1/ and https://h2:1/p"


def test_the_client_connects_with_them_and_says_only_the_host(tmp_path: Path) -> None:
    seen: list[str | None] = []

    def refuse(handler: object) -> Reply:
        seen.append(handler.headers.get("Authorization"))  # type: ignore[attr-defined]
        return Reply(status=401, body=b"{}")

    with TestServer({"/api/projects": refuse}) as server:
        base = server.url("/").rstrip("/")
        url = base.replace("http://", f"http://admin:{SECRET}@")
        with LabelStudio(url, "token") as client, pytest.raises(LabelStudioError) as err:
            assert client.url == base
            client.version()
    assert seen  # the request was made
    assert SECRET not in str(err.value) and SECRET not in (err.value.url or "")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with LabelStudio(f"http://admin:{SECRET}@127.0.0.1:{port}", "t", timeout=5) as client:
        with pytest.raises(LabelStudioError) as err:
            client.version()
    assert SECRET not in str(err.value) and SECRET not in (err.value.url or "")


def test_tasks_and_pulls_are_stored_without_them(tmp_path: Path) -> None:
    selected = pd.DataFrame({"item_id": ["a.com"], "informativeness": [0.5], "priority": [0.1]})
    with Store(tmp_path / "l.duckdb") as store:
        record_tasks(
            store, selected, server=f"http://admin:{SECRET}@ls:8080", project_id=1, target="domain", strategy="margin"
        )
        record_pull(
            store,
            source="labelstudio",
            origin=f"http://admin:{SECRET}@ls:8080/projects/1",
            target="domain",
            n_tasks=1,
            summary=PullSummary(1, 0, 0, []),
            run_id=None,
        )
        assert store.con.execute("select server from label_tasks").fetchall() == [("http://ls:8080",)]
        assert store.con.execute("select origin from label_pulls").fetchall() == [("http://ls:8080/projects/1",)]
