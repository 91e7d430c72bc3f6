"""Hosts and URLs reduced to the keys orgmap groups by: normalized URL, host, registered domain.

Every stage keys on the registered domain (the part of a host someone can register: ``acme-widgets.co.uk``,
``alice.github.io``); getting it wrong merges unrelated sites or splits one in two. tldextract's bundled
Public Suffix List decides, private section included. The rules: docs/ingest.md, "Domain normalization".

Example::

    >>> normalize_url("https://shop.Acme-Widgets.co.uk:443/x#top").url
    'https://shop.acme-widgets.co.uk/x'
    >>> registered_domain("alice.github.io")
    'alice.github.io'
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, urlsplit

import idna
import tldextract

from resolver.errors import InvalidURLError
from resolver.records import HostParts, NormalizedURL

__all__ = ["EXTRACTOR", "cache_clear", "cache_info", "is_home_url", "normalize_url", "parse_host", "registered_domain"]

EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
"""tldextract with its bundled Public Suffix List only: never touches the network or the disk."""

_HOST_CACHE_SIZE = 1 << 20
_MAX_HOST_LEN = 253
_MAX_LABEL_LEN = 63
_ASCII_LABEL = re.compile(r"[a-z0-9_-]+")
_WWW = re.compile(r"www\d{0,2}")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# Schemes that are not web pages: a crawl's link lists are full of them.
_OTHER_SCHEMES = frozenset(
    "about blob data file ftp ftps git irc javascript mailto magnet news nntp sftp sms ssh tel urn ws wss"
    " chrome market intent skype whatsapp geo fax callto webcal feed".split()
)
# What may stay unescaped in a path / query (RFC 3986 pchar plus "/" and "?", "%" kept so that
# already-escaped input is not escaped twice: normalization must be idempotent).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_PLAIN = re.compile(r"[A-Za-z0-9/%:@!$&'()*+,;=._~-]*")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9/?%:@!$&'()*+,;=._~-]*")
_TAB_NEWLINE = str.maketrans("", "", "\t\r\n")
# An ASCII http(s) URL with a plain host and no tab/CR/LF: split exactly as urlsplit would.
_FAST_URL = re.compile(r"(https?)://([^/?#@\[\]\s]+)(/[^?#\t\r\n]*)?(?:\?([^#\t\r\n]*))?(?:#[^\t\r\n]*)?")


def parse_host(host: str, *, unlisted_tld: bool = False) -> HostParts:
    """Split a host (no scheme, no port) by the Public Suffix List; raise InvalidURLError if it is unusable.

    ``unlisted_tld=True`` applies the PSL's default rule to TLDs the list does not know (the last label
    is the suffix), as the PSL's own test cases expect; ingestion leaves it off, so a crawl's
    ``intranet.local`` links are reported rather than made into domains.

    Example::

        >>> parse_host("WWW.Shop.Acme-Widgets.co.uk.").registered_domain
        'acme-widgets.co.uk'
    """
    result = _parse_host_cached(host, unlisted_tld)
    if isinstance(result, str):
        raise InvalidURLError(result, url=host)
    return result


def cache_info() -> object:
    """Hit/miss figures of the per-host memo (for benchmarks and tuning)."""
    return _parse_host_cached.cache_info()


def cache_clear() -> None:
    """Empty the per-host memos (benchmarks measure a cold start with it)."""
    _parse_host_cached.cache_clear()
    _netloc_cached.cache_clear()


@lru_cache(maxsize=_HOST_CACHE_SIZE)
def _parse_host_cached(host: str, unlisted_tld: bool) -> HostParts | str:
    """HostParts, or the reason the host is invalid (failures are memoized too: bad hosts repeat)."""
    try:
        return _parse_host(host, unlisted_tld)
    except InvalidURLError as exc:
        return exc.reason
    except (ValueError, UnicodeError) as exc:  # idna/codec/ipaddress corner cases on arbitrary text
        return f"invalid host ({type(exc).__name__}: {exc})"


def _parse_host(host: str, unlisted_tld: bool) -> HostParts:
    h = host.strip().lower()
    if h.startswith("[") and h.endswith("]"):
        return _ip_parts(h[1:-1], host)
    if h.endswith("."):
        h = h[:-1]
    if not h:
        raise InvalidURLError("empty host")
    if ":" in h:
        return _ip_parts(h, host)
    if _looks_ipv4(h):
        return _ip_parts(h, host)
    ascii_host = h if h.isascii() else _to_ascii(h)
    if len(ascii_host) > _MAX_HOST_LEN:
        raise InvalidURLError(f"host longer than {_MAX_HOST_LEN} characters")
    labels = ascii_host.split(".")
    for label in labels:
        _check_label(label)
    if labels[-1].isdigit():
        raise InvalidURLError(f"numeric top-level label {labels[-1]!r} (not an IP address, not a domain)")

    ext = EXTRACTOR.extract_str(ascii_host)
    suffix, domain, sub = ext.suffix, ext.domain, ext.subdomain
    if not suffix:
        if not unlisted_tld:
            raise InvalidURLError(f"unknown top-level domain {labels[-1]!r}")
        if len(labels) < 2:
            raise InvalidURLError(f"no registrable domain: {ascii_host!r} is a bare top-level domain")
        suffix, domain, sub = labels[-1], labels[-2], ".".join(labels[:-2])
    if not domain:
        raise InvalidURLError(f"no registrable domain: {ascii_host!r} is a public suffix")
    sub_labels = sub.split(".") if sub else []
    if sub_labels and _WWW.fullmatch(sub_labels[0]):
        sub_labels = sub_labels[1:]
    sub = ".".join(sub_labels)
    registered = f"{domain}.{suffix}"
    clean_host = f"{sub}.{registered}" if sub else registered
    return HostParts(
        host=clean_host,
        host_unicode=_to_unicode(clean_host),
        registered_domain=registered,
        registered_domain_unicode=_to_unicode(registered),
        subdomain=sub,
        domain=domain,
        suffix=suffix,
        is_private=bool(ext.is_private),
        is_ip=False,
    )


def _looks_ipv4(h: str) -> bool:
    return h.replace(".", "").isdigit() and h.count(".") == 3


def _ip_parts(text: str, original: str) -> HostParts:
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])  # zone ids (fe80::1%eth0) do not name a site
    except ValueError:
        raise InvalidURLError(f"invalid IP address {original!r}") from None
    s = ip.compressed
    return HostParts(
        host=s,
        host_unicode=s,
        registered_domain=s,
        registered_domain_unicode=s,
        subdomain="",
        domain=s,
        suffix="",
        is_private=False,
        is_ip=True,
    )


def _check_label(label: str) -> None:
    if not label:
        raise InvalidURLError("empty label in host (two dots in a row, or a leading dot)")
    if len(label) > _MAX_LABEL_LEN:
        raise InvalidURLError(f"host label longer than {_MAX_LABEL_LEN} characters")
    if not _ASCII_LABEL.fullmatch(label):
        bad = sorted({c for c in label if not (c.isascii() and (c.isalnum() or c in "-_"))})
        raise InvalidURLError(f"invalid characters in host: {''.join(bad)!r}")
    if label.startswith("xn--"):
        try:
            decoded = label[4:].encode("ascii").decode("punycode")
        except UnicodeError:
            decoded = ""
        if not decoded or decoded.isascii() or any(unicodedata.category(c) == "Cc" for c in decoded):
            raise InvalidURLError(f"invalid punycode label {label!r}")


def _to_ascii(h: str) -> str:
    """Punycode for an internationalized host: IDNA 2008 with UTS 46 mapping, IDNA 2003 as fallback."""
    try:
        return idna.encode(h, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        pass
    try:
        # Browsers still resolve some names IDNA 2008 refuses (emoji domains); the 2003 codec maps them.
        return h.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidURLError(f"invalid internationalized host {h!r}") from None


def _to_unicode(ascii_host: str) -> str:
    if "xn--" not in ascii_host:
        return ascii_host
    out = []
    for label in ascii_host.split("."):
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode")
            except UnicodeError:
                pass
        out.append(label)
    return ".".join(out)


def normalize_url(url: str, *, unlisted_tld: bool = False) -> NormalizedURL:
    """Normalize an http(s) URL, or a bare host/domain (taken as ``http``), into the key pages are stored by.

    Raises :class:`~resolver.errors.InvalidURLError` with a reason (``unsupported scheme 'mailto'``,
    ``invalid port``, ``unknown top-level domain 'local'``...). Idempotent: normalizing ``.url`` again
    gives the same ``.url``.

    Example::

        >>> normalize_url("Example.COM").url
        'http://example.com/'
    """
    try:
        return _normalize_url(url, unlisted_tld)
    except InvalidURLError as exc:
        raise InvalidURLError(exc.reason, url=url) from None
    except (ValueError, UnicodeError) as exc:
        raise InvalidURLError(f"unparsable URL ({exc})", url=url) from None


def _normalize_url(url: str, unlisted_tld: bool) -> NormalizedURL:
    if not isinstance(url, str):
        raise InvalidURLError(f"URL must be text, not {type(url).__name__}")
    u = url.strip()
    if not u:
        raise InvalidURLError("empty URL")
    fast = _FAST_URL.fullmatch(u) if u.isascii() else None
    if fast is not None:  # the common case, split as urlsplit would, without its per-call overhead
        scheme, netloc, path, query = fast.group(1), fast.group(2), fast.group(3) or "", fast.group(4) or ""
    else:
        u = u.translate(_TAB_NEWLINE)  # as browsers and urlsplit do, before looking for the scheme
        if "://" not in u[:16]:
            if u.startswith("//"):
                u = "http:" + u
            else:
                m = _SCHEME.match(u)
                if m and m.group(1).lower() in _OTHER_SCHEMES:
                    raise InvalidURLError(f"unsupported scheme {m.group(1).lower()!r} (only http and https)")
                u = "http://" + u
        parts = urlsplit(u)
        scheme, netloc, path, query = parts.scheme.lower(), parts.netloc, parts.path, parts.query
        if scheme not in _DEFAULT_PORTS:
            raise InvalidURLError(f"unsupported scheme {scheme!r} (only http and https)")
    site = _netloc_cached(scheme, netloc, unlisted_tld)
    if isinstance(site, str):
        raise InvalidURLError(site)
    hp, port, netloc_out = site

    path = path or "/"
    if not _PLAIN.fullmatch(path):
        path = quote(path, safe=_PATH_SAFE)
    if "/." in path:
        path = _remove_dot_segments(path)
    if not path.startswith("/"):
        path = "/" + path
    if query and not _PLAIN_QUERY.fullmatch(query):
        query = quote(query, safe=_QUERY_SAFE)
    out = f"{scheme}://{netloc_out}{path}"
    if query:
        out = f"{out}?{query}"
    return NormalizedURL(url=out, scheme=scheme, port=port, parts=hp)


@lru_cache(maxsize=_HOST_CACHE_SIZE)
def _netloc_cached(scheme: str, netloc: str, unlisted_tld: bool) -> tuple[HostParts, int | None, str] | str:
    """(host parts, explicit port, normalized netloc) of a URL's netloc, or why it is invalid; memoized."""
    try:
        return _parse_netloc(scheme, netloc, unlisted_tld)
    except InvalidURLError as exc:
        return exc.reason
    except (ValueError, UnicodeError) as exc:
        return f"invalid host ({type(exc).__name__}: {exc})"


def _parse_netloc(scheme: str, netloc: str, unlisted_tld: bool) -> tuple[HostParts, int | None, str]:
    netloc = netloc.rpartition("@")[2]  # userinfo never names the site
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0:
            raise InvalidURLError("unclosed '[' in IPv6 host")
        host, port_text = netloc[: end + 1], netloc[end + 1 :]
        if port_text and not port_text.startswith(":"):
            raise InvalidURLError("junk after IPv6 host")
        port_text = port_text[1:]
    else:
        host, _, port_text = netloc.partition(":")
    if not host:
        raise InvalidURLError("no host in URL")
    port: int | None = None
    if port_text:
        if not port_text.isascii() or not port_text.isdigit() or int(port_text) > 65535:
            raise InvalidURLError(f"invalid port {port_text!r}")
        port = int(port_text)
        if port == _DEFAULT_PORTS[scheme]:
            port = None
    hp = parse_host(host, unlisted_tld=unlisted_tld)
    netloc_out = f"[{hp.host}]" if ":" in hp.host else hp.host
    if port is not None:
        netloc_out = f"{netloc_out}:{port}"
    return hp, port, netloc_out


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: ``/a/./b/../c`` → ``/a/c``, so one page has one key."""
    out: list[str] = []
    segments = path.split("/")
    for seg in segments[1:]:
        if seg == ".":
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    trailing = segments[-1] in (".", "..")
    result = "/" + "/".join(out)
    if trailing and not result.endswith("/"):
        result += "/"
    return result


def registered_domain(url_or_host: str, *, unlisted_tld: bool = False) -> str | None:
    """The registered domain (punycode) of a URL, host or bare domain; None when there is none. Never raises.

    Example::

        >>> registered_domain("https://shop.Acme-Widgets.co.uk:443/x")
        'acme-widgets.co.uk'
    """
    if not isinstance(url_or_host, str) or not url_or_host:
        return None
    try:
        if "/" not in url_or_host and ":" not in url_or_host:
            return parse_host(url_or_host, unlisted_tld=unlisted_tld).registered_domain
        return normalize_url(url_or_host, unlisted_tld=unlisted_tld).parts.registered_domain
    except InvalidURLError:
        return None


_HOME_PATH = re.compile(r"^/?(?:(?:index|default|home|start)(?:\.\w{2,5})?|[a-z]{2}(?:[-_][a-z]{2})?/?)?$", re.I)


def is_home_url(url: str, *, allow_query: bool = True) -> bool:
    """Whether a URL is a site's home page (``/``, ``/index.html``, ``/de/``, ``/en-gb/``; scheme optional).

    >>> is_home_url("https://acme.com/en-gb/"), is_home_url("acme.com"), is_home_url("https://twitter.com/acme")
    (True, True, False)
    """
    try:
        url = url.strip()
        parts = urlsplit(url if "//" in url else "//" + url)
    except ValueError:
        return False
    return (allow_query or not parts.query) and bool(_HOME_PATH.match(parts.path or "/"))


_TLD_COUNTRY = {"uk": "GB", "edu": "US"}
"""TLDs whose country is not their upper-cased self: ``.uk`` is GB; ``.edu`` has admitted only US
institutions since 2001 (older foreign registrations are rare)."""


def country_of(domain: str) -> str | None:
    """The ISO country a domain's TLD stands for, else None (generic TLDs).

    >>> country_of("acme.co.uk"), country_of("fho.edu.br"), country_of("mit.edu"), country_of("acme.com")
    ('GB', 'BR', 'US', None)
    """
    tld = domain.lower().rstrip(".").rsplit(".", 1)[-1]
    if tld in _TLD_COUNTRY:
        return _TLD_COUNTRY[tld]
    return tld.upper() if len(tld) == 2 and tld.isalpha() else None
