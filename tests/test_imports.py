"""Generic package names (resolver, graph, classifiers) must be ours, not another installed package's."""

from pathlib import Path

import classifiers
import graph
import orgmap
import resolver

ROOT = Path(__file__).resolve().parents[1]


def test_packages_are_ours() -> None:
    for pkg in (resolver, classifiers, graph, orgmap):
        assert Path(pkg.__file__).resolve().parent.parent == ROOT, pkg.__file__


def test_library_packages_never_import_orgmap() -> None:
    offenders = []
    for pkg in ("resolver", "classifiers", "graph"):
        for path in (ROOT / pkg).rglob("*.py"):
            text = path.read_text("utf-8")
            if "import orgmap" in text or "from orgmap" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_http2_is_on_as_the_fetcher_settings_say() -> None:
    """``FetchConfig.http2`` defaults to True; without h2 installed httpx would silently speak HTTP/1.1."""
    from orgmap.sources.fetch import FetchConfig

    assert FetchConfig().http2 and FetchConfig().http2_enabled
