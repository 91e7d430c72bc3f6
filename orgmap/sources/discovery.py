"""Which pages of a site name its owner: Impressum, legal notice, about, contact — found from the home page.

The home page often shows only a brand; the legal page (required in the EU) names the company, its legal form and
address. Links are scored by text and path against multilingual keywords, common paths are the fallback
(docs/fetch.md). Pure functions: the fetch stage calls :func:`owner_page_links` on every home page.

Example::

    >>> [p.url for p in owner_page_links('<a href="/de/impressum">Impressum</a>', "https://acme.de/", max_pages=3)]
    ['https://acme.de/de/impressum', 'https://acme.de/about', 'https://acme.de/contact']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from resolver.domains import registered_domain

__all__ = ["FALLBACK_PATHS", "KINDS", "OwnerPage", "owner_page_links"]

KINDS = ("legal", "about", "contact")
"""Kinds of owner pages, most telling first."""

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "legal": (
        "impressum", "imprint", "legal notice", "legal-notice", "legal notices", "legal information",
        "mentions legales", "mentions-legales", "mentions", "aviso legal", "aviso-legal", "note legali",
        "note-legali", "informazioni legali", "colofon", "colophon", "juridische informatie", "kolofon",
        "impresszum", "informacje prawne", "nota legal", "site notice", "company information",
        "company details", "legal", "disclaimer", "provider identification", "anbieterkennzeichnung",
    ),
    "about": (
        "about us", "about-us", "about", "ueber uns", "uber uns", "ueber-uns", "uber-uns", "wir uber uns",
        "unternehmen", "qui sommes nous", "qui-sommes-nous", "a propos", "a-propos", "chi siamo",
        "chi-siamo", "quienes somos", "quienes-somos", "sobre nosotros", "sobre-nosotros", "over ons",
        "over-ons", "om oss", "om os", "o nas", "company", "who we are", "our story",
    ),
    "contact": (
        "contact us", "contact", "kontakt", "contacto", "contatti", "contato", "nous contacter",
        "contactez nous", "get in touch",
    ),
}  # fmt: skip

FALLBACK_PATHS: dict[str, tuple[str, ...]] = {
    "legal": ("/impressum", "/imprint", "/legal-notice", "/mentions-legales"),
    "about": ("/about", "/about-us"),
    "contact": ("/contact",),
}
"""Paths tried when the home page links no page of that kind."""

_PER_KIND = {"legal": 2, "about": 1, "contact": 1}
_KIND_BONUS = {"legal": 2.0, "about": 1.0, "contact": 1.0}
"""A link that is both ("Kontakt/Impressum") is read as legal: the legal page names the owner."""
_EXTENSION = re.compile(r"\.(html?|php\d?|aspx?|jsp|cfm)$", re.I)
_SKIP_EXT = re.compile(r"\.(pdf|jpe?g|png|gif|svg|webp|zip|docx?|xlsx?|pptx?|mp[34]|avi|mov|css|js|xml|rss)$", re.I)


@dataclass(frozen=True)
class OwnerPage:
    """A page to fetch because it likely names the site's owner."""

    url: str
    kind: str
    """``legal``, ``about`` or ``contact``."""
    score: float
    """How clearly the link says so (higher is clearer); fallbacks score 0."""
    fallback: bool = False
    """True for a common path tried because no link of this kind was found."""


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).replace("ß", "ss")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


def _score(keyword: str, text: str, path: str) -> float:
    """A keyword matching the whole link text beats one inside it; the path's last segment counts too."""
    k = _fold(keyword)
    score = 0.0
    if text == k:
        score += 3.0
    elif f" {k} " in f" {text} " and len(text) <= 40:  # longer link texts are headlines, not menu items
        score += 2.0
    segments = [s for s in path.split(" ") if s]
    if path and (f" {path}".endswith(f" {k}") or (segments and segments[-1] == k)):
        score += 2.0
    elif len(k) >= 8 and f" {k} " in f" {path} ":
        score += 1.0  # inside the path only for specific words: /news/legal-cannabis-ruling is no legal notice
    return score + (len(k) / 100 if score else 0.0)  # longer keywords are more specific


def owner_page_links(html: str, base_url: str, *, max_pages: int = 5, fallbacks: bool = True) -> list[OwnerPage]:
    """The owner pages of the site whose home page is ``html`` (fetched from ``base_url``), best first.

    Only links on the same registered domain as ``base_url`` count (the home page may have redirected, so
    pass the final URL). At most two legal pages and one each of about and contact, then fallbacks for
    kinds not found, up to ``max_pages`` in all.
    """
    site = registered_domain(base_url)
    best: dict[str, list[OwnerPage]] = {k: [] for k in KINDS}
    by_url: dict[str, OwnerPage] = {}
    tree = LexborHTMLParser(html)
    for node in tree.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        try:
            url = urljoin(base_url, href).split("#", 1)[0]
            parts = urlsplit(url)
        except ValueError:
            continue
        if parts.scheme not in ("http", "https") or _SKIP_EXT.search(parts.path):
            continue
        if site is None or registered_domain(url) != site or _same_page(url, base_url):
            continue
        text = _fold(node.text(deep=True, separator=" ") or node.attributes.get("title") or "")
        path = _fold(_EXTENSION.sub("", parts.path))
        kind, score = _classify(text, path)
        if kind is None:
            continue
        known = by_url.get(url)  # one page linked twice ("Kontakt" and "Impressum"): keep the clearer reading
        if known is None or score > known.score:
            by_url[url] = OwnerPage(url, kind, score)
    seen = set(by_url)
    for page in by_url.values():
        best[page.kind].append(page)
    pages: list[OwnerPage] = []
    for kind in KINDS:
        found = sorted(best[kind], key=lambda p: -p.score)[: _PER_KIND[kind]]
        pages.extend(found)
    if fallbacks:
        root = f"{urlsplit(base_url).scheme}://{urlsplit(base_url).netloc}"
        missing = [k for k in KINDS if not best[k]]
        depth = max((len(FALLBACK_PATHS[k]) for k in missing), default=0)
        for i in range(depth):  # round-robin over kinds: /impressum, /about, /contact, /imprint, /about-us...
            for kind in missing:
                if i < len(FALLBACK_PATHS[kind]):
                    url = root + FALLBACK_PATHS[kind][i]
                    if url not in seen and not _same_page(url, base_url):
                        pages.append(OwnerPage(url, kind, 0.0, fallback=True))
    linked = [p for p in pages if not p.fallback][:max_pages]
    rest = [p for p in pages if p.fallback][: max(0, max_pages - len(linked))]
    return linked + rest


def _classify(text: str, path: str) -> tuple[str | None, float]:
    best_kind, best_score = None, 0.0
    for kind in KINDS:
        for keyword in _KEYWORDS[kind]:
            s = _score(keyword, text, path) * _KIND_BONUS[kind]
            if s > best_score:
                best_kind, best_score = kind, s
    return (best_kind, best_score) if best_score >= 1.0 else (None, 0.0)


def _same_page(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    return a.netloc == b.netloc and (a.path or "/") == (b.path or "/") and a.query == b.query
