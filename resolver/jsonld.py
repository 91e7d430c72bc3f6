"""Organizations declared in a page's structured data: JSON-LD and microdata (schema.org).

Our own JSON-LD reader, because real pages carry broken JSON-LD and extruct drops every script of a page
when one fails to parse: each script is parsed on its own, strictly, then with repairs. An organization is
the page's own only when the page's structure leads to it, not one the page talks about (an ``author``, an
article's subject); docs/signals.md says which nodes count.

Example::

    orgs, types, notes = organizations_from_jsonld(['{"@type": "Corporation", "legalName": "Acme GmbH"}'])
    orgs[0].legal_name  # 'Acme GmbH'
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "JsonLdOrg",
    "is_container_type",
    "is_org_type",
    "organizations_from_jsonld",
    "organizations_from_microdata",
    "parse_jsonld",
]

ORG_TYPES = frozenset(
    """
    Organization Organisation Corporation NewsMediaOrganization GovernmentOrganization EducationalOrganization
    CollegeOrUniversity HighSchool MiddleSchool ElementarySchool Preschool School NGO LocalBusiness Store
    OnlineBusiness OnlineStore MedicalOrganization Hospital Pharmacy Physician Dentist DiagnosticLab
    VeterinaryCare MedicalClinic SportsOrganization SportsTeam SportsClub PerformingGroup MusicGroup
    DanceGroup TheaterGroup Airline Consortium FundingScheme LibrarySystem ResearchOrganization
    WorkersUnion PoliticalParty Project ResearchProject FundingAgency Cooperative SearchRescueOrganization
    ProfessionalService LegalService Attorney Notary FinancialService BankOrCreditUnion InsuranceAgency
    AccountingService RealEstateAgent TravelAgency EmploymentAgency AutomotiveBusiness AutoDealer
    HomeAndConstructionBusiness FoodEstablishment Restaurant Bakery CafeOrCoffeeShop BarOrPub Brewery
    Winery LodgingBusiness Hotel EntertainmentBusiness HealthAndBeautyBusiness ChildCare DryCleaningOrLaundry
    EmergencyService GovernmentOffice InternetCafe Library RadioStation TelevisionStation
    SelfStorage ShoppingCenter SportsActivityLocation TouristInformationCenter AnimalShelter ArchiveOrganization
    """.split()
)
"""schema.org Organization and the subtypes seen on real pages (others caught by suffix, see is_org_type)."""

_ORG_SUFFIXES = ("Organization", "Organisation", "Business", "Store", "Shop", "Service", "Agency", "Company")

_SELF_ROLES = ("publisher", "provider", "sourceOrganization", "copyrightHolder", "creator", "producer", "owner")
"""Properties of a WebSite/WebPage/Article whose Organization value is the site's (or page's) organization."""

CONTAINER_TYPES = frozenset(
    """WebSite WebPage Article NewsArticle BlogPosting Blog ReportageNewsArticle AboutPage ContactPage
    CollectionPage ItemPage SearchResultsPage ScholarlyArticle TechArticle Report Periodical""".split()
)
"""Types whose ``publisher``/``provider``/... names the site's organization (more by suffix: is_container_type)."""

_CONTAINER_SUFFIXES = ("Page", "Article", "Posting", "Review", "WebSite")
_MORE_CONTAINERS = frozenset(
    """Recipe HowTo PublicationIssue PublicationVolume ImageGallery VideoGallery LiveBlogPosting
    RadioEpisode PodcastEpisode RadioSeries PodcastSeries""".split()
)

_STRUCTURE = ("mainEntity", "mainEntityOfPage", "isPartOf", "hasPart")
"""Properties that join the nodes of one page (the page, its main thing, the site); followed to find publishers."""

_ABOUT_SELF_TYPES = frozenset({"AboutPage", "ContactPage", "WebSite"})
"""Page types whose ``mainEntity`` organization is the site's own (elsewhere it is the page's subject)."""


@dataclass(frozen=True, slots=True)
class JsonLdOrg:
    """One organization node from JSON-LD or microdata."""

    types: tuple[str, ...]
    """Its schema.org types without the vocabulary prefix (``Corporation``, ``NewsMediaOrganization``)."""
    name: str | None
    """``name``: usually the brand or site name."""
    legal_name: str | None
    """``legalName``: the registered legal entity, the strongest owner signal a page can carry."""
    alternate_names: tuple[str, ...]
    """``alternateName`` values."""
    url: str | None
    """``url``: the organization's own web address (a hard link between domains when it points elsewhere)."""
    same_as: tuple[str, ...]
    """``sameAs`` URLs (social profiles, Wikipedia, Wikidata, other domains of the same organization)."""
    parent: str | None
    """``parentOrganization``'s name (or url when it has no name): a parent/subsidiary edge, not a merge."""
    role: str
    """How it was reached: ``self`` (a top-level node) or the property name (``publisher``, ``provider``)."""
    source: str
    """``json-ld`` or ``microdata``."""


def is_org_type(t: str) -> bool:
    """Whether a schema.org type names an organization (``LocalBusiness``, ``NGO``; not ``Person``/``Place``)."""
    return t in ORG_TYPES or (t.endswith(_ORG_SUFFIXES) and t[:1].isupper())


def is_container_type(t: str) -> bool:
    """Whether a node of this type is the page, the site or the page's content, whose publisher is the site's.

    >>> [is_container_type(t) for t in ("MedicalWebPage", "ClaimReview", "Recipe", "Book", "Product")]
    [True, True, True, False, False]
    """
    return t in CONTAINER_TYPES or t in _MORE_CONTAINERS or (t.endswith(_CONTAINER_SUFFIXES) and t[:1].isupper())


# -- parsing ----------------------------------------------------------------------------------------

_COMMENTS = re.compile(r"<!--|-->|<!\[CDATA\[|\]\]>|^\s*//[^\n]*$", re.MULTILINE)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse_jsonld(text: str) -> tuple[list[Any], str | None]:
    """Parse one ld+json script tolerantly: (the JSON values found, an error note or None).

    Tries strict JSON, then JSON with control characters allowed, then repairs (comments and CDATA
    wrappers removed, trailing commas dropped, several concatenated objects read one by one).
    """
    text = (text or "").strip().lstrip("\ufeff")
    if not text:
        return [], None
    try:
        return [json.loads(text)], None
    except ValueError:
        pass
    except RecursionError:
        return [], "unparsable"  # nested deeper than Python's JSON reads: no repair makes it shallower
    try:
        return [json.loads(text, strict=False)], None
    except ValueError:
        pass
    repaired = _CONTROL.sub(" ", _TRAILING_COMMA.sub(r"\1", _COMMENTS.sub("", text))).strip().rstrip(";")
    values = list(_raw_decode_all(repaired))
    if values:
        return values, "repaired"
    return [], "unparsable"


_REPAIR_TRIES = 50
"""Starting points tried for a value in a broken script: each try may read to the end of the text, so a
script of 200,000 ``{`` would otherwise cost 200,000 reads of it."""


def _raw_decode_all(text: str) -> Iterator[Any]:
    decoder = json.JSONDecoder(strict=False)
    i, n, failed = 0, len(text), 0
    while i < n and failed < _REPAIR_TRIES:
        j = min((k for k in (text.find("{", i), text.find("[", i)) if k >= 0), default=-1)
        if j < 0:
            return
        try:
            value, end = decoder.raw_decode(text, j)
        except (ValueError, RecursionError):
            i, failed = j + 1, failed + 1
            continue
        yield value
        i = end


# -- walking ----------------------------------------------------------------------------------------


def _types(node: dict[str, Any]) -> tuple[str, ...]:
    raw = node.get("@type", node.get("type"))
    values = raw if isinstance(raw, list) else [raw]
    out = []
    for v in values:
        if isinstance(v, str) and v:
            out.append(v.rsplit("/", 1)[-1].rsplit("#", 1)[-1].rsplit(":", 1)[-1])
    return tuple(out)


def _text(value: Any) -> str | None:
    """A property value as one clean string (first of a list, ``@value`` of a literal, ``name`` of a node)."""
    if isinstance(value, list):
        for v in value:
            if (t := _text(v)) is not None:
                return t
        return None
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
        return _text(value) if not isinstance(value, dict) else None
    if isinstance(value, str):
        t = " ".join(value.split())
        return t[:300] or None
    return None


def _texts(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    out: list[str] = []
    for v in values:
        t = _text(v) if not isinstance(v, dict) else _text(v.get("@id") or v.get("url") or v.get("name"))
        if t and t not in out:
            out.append(t)
    return tuple(out[:50])


def _iter_nodes(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every dict node of a JSON-LD document (top level, @graph, and nested), depth-limited."""
    if depth > 12:
        return
    if isinstance(value, list):
        for v in value:
            yield from _iter_nodes(v, depth + 1)
    elif isinstance(value, dict):
        yield value
        for k, v in value.items():
            if isinstance(v, dict | list) and k != "@context":
                yield from _iter_nodes(v, depth + 1)


def _org(node: dict[str, Any], role: str, source: str, by_id: dict[str, dict[str, Any]]) -> JsonLdOrg | None:
    node = _resolve(node, by_id)
    types = _types(node)
    if not any(is_org_type(t) for t in types):
        return None
    parent = node.get("parentOrganization")
    if isinstance(parent, dict):
        parent = _resolve(parent, by_id)
        parent_name = _text(parent.get("legalName")) or _text(parent.get("name")) or _text(parent.get("url"))
    else:
        parent_name = _text(parent)
    url = _text(node.get("url"))
    org = JsonLdOrg(
        types=types,
        name=_text(node.get("name")),
        legal_name=_text(node.get("legalName")),
        alternate_names=tuple(t for t in _texts(node.get("alternateName")) if t),
        url=url,
        same_as=_texts(node.get("sameAs")),
        parent=parent_name,
        role=role,
        source=source,
    )
    if not (org.name or org.legal_name or org.url):
        return None
    return org


def _resolve(node: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A ``{"@id": ...}`` reference replaced by the node it names (when the page defines it)."""
    ref = node.get("@id")
    if isinstance(ref, str) and len(node) <= 2 and ref in by_id:
        return by_id[ref]
    return node


def organizations_from_jsonld(
    scripts: Iterable[str], *, max_nodes: int = 2_000
) -> tuple[list[JsonLdOrg], list[str], list[str]]:
    """Organizations, all ``@type`` values, and parse notes from the text of ld+json scripts.

    Notes are ``jsonld_repaired`` / ``jsonld_unparsable`` (one per affected script), for the page's errors,
    and ``too_many_nodes: ...`` when the documents hold more than ``max_nodes`` nodes (the first are read).
    """
    docs: list[Any] = []
    notes: list[str] = []
    for script in scripts:
        values, note = parse_jsonld(script)
        docs.extend(values)
        if note:
            notes.append(f"jsonld_{note}")
    nodes = list(itertools.islice(_iter_nodes(docs), max_nodes + 1))
    if len(nodes) > max_nodes:
        nodes = nodes[:max_nodes]
        notes.append(f"too_many_nodes: more than {max_nodes:,} JSON-LD nodes; the first {max_nodes:,} were read")
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and len(n) > 2}
    all_types: list[str] = []
    for n in nodes:
        for t in _types(n):
            if t not in all_types:
                all_types.append(t)
    orgs: list[JsonLdOrg] = []
    seen: set[tuple[str | None, str | None, str | None]] = set()

    def add(org: JsonLdOrg | None) -> None:
        if org is not None and (org.name, org.legal_name, org.url) not in seen:
            seen.add((org.name, org.legal_name, org.url))
            orgs.append(org)

    # Top-level nodes and @graph members are statements about the site; nested nodes only via a role.
    tops: list[dict[str, Any]] = []
    for doc in docs:
        for d in doc if isinstance(doc, list) else [doc]:
            if isinstance(d, dict):
                graph = d.get("@graph")
                tops.extend(g for g in (graph if isinstance(graph, list) else [graph]) if isinstance(g, dict))
                if "@type" in d or "type" in d:
                    tops.append(d)
    del tops[max_nodes:]
    for node in tops:
        if any(is_org_type(t) for t in _types(node)):
            add(_org(node, "self", "json-ld", by_id))
    for node, top in _page_structure(tops, by_id):
        types = _types(node)
        if any(is_container_type(t) for t in types) or (top and not types):
            for role in _SELF_ROLES:
                value = node.get(role)
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, dict):
                        add(_org(v, role, "json-ld", by_id))
        if not top and any(is_org_type(t) for t in types):
            continue
        if any(t in _ABOUT_SELF_TYPES for t in types):
            value = node.get("mainEntity")
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, dict):
                    add(_org(v, "self", "json-ld", by_id))
    return orgs, all_types, notes


def _page_structure(
    tops: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], bool]]:
    """The top-level nodes, then every node their page structure reaches (``mainEntity``, ``isPartOf``, ...).

    Yields ``(node, is_top)``; each node once (reference cycles end), only through page-like nodes: the
    ``isPartOf`` of a Book is its series, not the site.
    """
    seen: set[int] = set()
    queue: list[tuple[dict[str, Any], bool]] = [(n, True) for n in tops]
    while queue:
        node, top = queue.pop(0)
        node = _resolve(node, by_id)
        if id(node) in seen or len(seen) > 500:
            continue
        seen.add(id(node))
        yield node, top
        types = _types(node)
        if types and not any(is_container_type(t) for t in types):
            continue
        for prop in _STRUCTURE:
            value = node.get(prop)
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, dict):
                    target = _resolve(v, by_id)
                    if any(is_container_type(t) or is_org_type(t) for t in _types(target)):
                        queue.append((target, False))


def organizations_from_microdata(html: str, url: str) -> tuple[list[JsonLdOrg], list[str]]:
    """Organizations and item types from microdata (via extruct); empty when extruct cannot read the page."""
    try:
        import extruct

        data = extruct.extract(html, base_url=url, syntaxes=["microdata"], errors="ignore", uniform=True)
    except Exception:  # noqa: BLE001 - extruct raises many kinds of errors on junk HTML; microdata is optional
        return [], []
    items = data.get("microdata") or []
    orgs: list[JsonLdOrg] = []
    types: list[str] = []
    for node in _iter_nodes(items):
        for t in _types(node):
            if t not in types:
                types.append(t)
    for item in items:
        if not isinstance(item, dict):
            continue
        if any(is_org_type(t) for t in _types(item)):
            org = _org(item, "self", "microdata", {})
            if org:
                orgs.append(org)
        for role in _SELF_ROLES:
            v = item.get(role)
            if isinstance(v, dict) and (org := _org(v, role, "microdata", {})):
                orgs.append(org)
    return orgs, types
