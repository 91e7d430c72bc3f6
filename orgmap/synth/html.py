"""HTML pieces of a synthetic page: head, navigation, ownership signals (footer ©, JSON-LD, legal notices).

Pure string building (no templating engine): the generator must write thousands of pages a second.
"""

from __future__ import annotations

import json
import random
from html import escape
from typing import Any

from orgmap.synth import vocab as V
from orgmap.synth.world import Org, Site, ascii_fold

NAV_EN = {
    "news": ("Politics", "Business", "Sport", "Weather", "Opinion", "Local news"),
    "shop": ("Shop", "New in", "Sale", "Basket", "My account", "Delivery &amp; returns"),
    "government": ("Services", "Residents", "Council", "Publications", "Consultations", "Planning"),
    "education": ("Study", "Research", "Admissions", "Faculties", "Campus life", "Library"),
    "finance": ("Accounts", "Loans", "Mortgages", "Insurance", "Investing", "Online banking"),
    "health": ("Patients &amp; visitors", "Departments", "Find a doctor", "Appointments", "Emergency", "Nursing"),
    "nonprofit": ("Our work", "Get involved", "Donate", "Volunteer", "Projects", "Annual report"),
    "company": ("Products", "Services", "Industries", "References", "Careers", "Investors"),
    "tech": ("Product", "Pricing", "Docs", "API", "Changelog", "Sign in"),
    "blog": ("Home", "Archive", "About me", "Travel", "Photos", "Reading list"),
    "adult": ("Videos", "Models", "Live cams", "Categories", "Members area", "18+ only"),
    "gambling": ("Casino", "Sports betting", "Live casino", "Promotions", "Poker", "Responsible gaming"),
    "parked": (),
    "other": ("Events", "Club", "Membership", "Gallery", "Fixtures", "Visit us"),
}
JSONLD_TYPES = {
    "news": "NewsMediaOrganization",
    "shop": "OnlineStore",
    "government": "GovernmentOrganization",
    "education": "EducationalOrganization",
    "finance": "BankOrCreditUnion",
    "health": "Hospital",
    "nonprofit": "NGO",
    "company": "Corporation",
    "tech": "Organization",
    "gambling": "Organization",
    "adult": "Organization",
    "other": "SportsOrganization",
}
OG_TYPES = {"news": "article", "shop": "product", "blog": "blog"}
LEGAL_PATH = {"de": "/impressum", "fr": "/mentions-legales", "es": "/aviso-legal", "it": "/note-legali"}
SOCIAL = ("twitter.com", "www.facebook.com", "www.linkedin.com/company", "www.instagram.com")


def url_of(site: Site, path: str = "/", *, scheme: str = "https", unicode_host: bool = True) -> str:
    """Absolute URL of a path on a site (its www form where the site uses one)."""
    host = site.host if unicode_host else site.host_ascii
    if site.www and not site.platform:
        host = "www." + host
    return f"{scheme}://{host}{path}"


def nav(site: Site, lang: str, items: tuple[str, ...]) -> str:
    """Header with logo and navigation."""
    links = "".join(f'<li><a href="/{_path_word(i)}">{i}</a></li>' for i in items)
    return (
        f'<header><a class="logo" href="/">{escape(site.brand)}</a>'
        f'<nav><ul><li><a href="/">{V.UI[lang]["home"]}</a></li>{links}</ul></nav></header>'
    )


def generic_nav(lang: str) -> tuple[str, ...]:
    """Menu items that say nothing about the class."""
    ui = V.UI[lang]
    return (ui["about"], ui["news"], ui["contact"], ui["search"])


def _handle(name: str) -> str:
    """A social-media handle from a name ("Crédit Vilfleur" → "creditvilfleur")."""
    return "".join(ch for ch in ascii_fold(name).lower() if ch.isalnum())


def _path_word(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower().replace("&amp;", "and")).strip("-")


def copyright_line(rng: random.Random, site: Site, lang: str, style: str, year: int) -> str:
    """The © line in one of its many spellings; '' when the site shows none."""
    org = site.org
    rights = V.UI[lang]["rights"]
    if org is None:
        who = site.person or site.brand
        return f"© {year} {escape(who)}" if rng.random() < 0.7 else ""
    legal = escape(org.name)
    if style == "none":
        return ""
    if style == "short":
        return rng.choice((f"© {year} {escape(org.short)}", f"© {escape(site.brand)} {year}"))
    if style == "brand_of":
        pat = V.UI[lang]["brand_of"] if rng.random() < 0.6 else V.UI[lang]["trading"]
        return f"© {year} {pat.format(brand=escape(site.brand), legal=legal)}"
    r = rng.random()
    if r < 0.45:
        return f"© {year} {legal}. {rights}."
    if r < 0.7:
        return f"Copyright © {year - rng.randint(1, 12)}–{year} {legal}. {rights}."
    if r < 0.85:
        return f"&copy; {legal} {year}"
    return f"© {year} {legal} · {rights}"


def footer(rng: random.Random, site: Site, lang: str, line: str, *, legal_path: str, extra: str = "") -> str:
    """Footer: © line, legal links, and the names that tempt naive extraction (WordPress, agencies, payment)."""
    ui = V.UI[lang]
    parts = ["<footer>"]
    if line:
        parts.append(f'<p class="copyright">{line}</p>')
    parts.append(
        f'<ul class="legal"><li><a href="{legal_path}">{ui["legal"]}</a></li>'
        f'<li><a href="/privacy">{ui["privacy"]}</a></li><li><a href="/contact">{ui["contact"]}</a></li></ul>'
    )
    if extra:
        parts.append(extra)
    if site.wp:
        parts.append(
            '<p class="powered">Proudly powered by <a href="https://wordpress.org/">WordPress</a>'
            + (' · Hosted on <a href="https://wordpress.com/">WordPress.com</a>' if site.platform else "")
            + "</p>"
        )
    if site.platform and site.platform != V.WORDPRESS_COM:
        label = {
            "github.io": "GitHub Pages",
            "blogspot.com": "Blogger",
            "netlify.app": "Netlify",
            "gitlab.io": "GitLab Pages",
        }[site.platform]
        parts.append(f"<p>Powered by {label}</p>")
    if site.agency:
        parts.append(f"<p>Website by {site.agency}</p>")
    if site.site_class == "shop":
        pays = ", ".join(rng.sample(V.PAYMENT_BRANDS, 3))
        parts.append(f'<p class="payment">We accept {pays}</p>')
    if site.org is not None and rng.random() < 0.5:
        handle = _handle(site.brand)
        parts.append(
            '<ul class="social">'
            + "".join(
                f'<li><a href="https://{s}/{handle}">{s.split(".")[-2].split("/")[0]}</a></li>'
                for s in rng.sample(SOCIAL, 2)
            )
            + "</ul>"
        )
    parts.append("</footer>")
    return "".join(parts)


def jsonld(rng: random.Random, site: Site, home_url: str, *, broken: bool) -> str:
    """A JSON-LD Organization block (sometimes broken JSON, as in the wild)."""
    org = site.org
    assert org is not None
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": JSONLD_TYPES.get(site.site_class, "Organization"),
        "name": site.brand,
        "url": home_url,
    }
    if rng.random() < 0.85 or site.domain_kind == "brand":
        data["legalName"] = org.name
    if org.aliases and rng.random() < 0.3:
        data["alternateName"] = org.aliases[0]
    handle = _handle(site.brand)
    if rng.random() < 0.6:
        data["sameAs"] = [f"https://{s}/{handle}" for s in SOCIAL[:2]]
    if org.parent is not None and org.parent.main_site is not None:
        data["parentOrganization"] = {
            "@type": "Organization",
            "name": org.parent.name,
            "url": url_of(org.parent.main_site, unicode_host=False),
        }
    if org.main_site is not None and org.main_site is not site and rng.random() < 0.5:
        data.setdefault("sameAs", [])
        data["sameAs"].append(url_of(org.main_site, unicode_host=False))
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    if broken:
        text = text[: max(10, len(text) - rng.randint(2, 30))] + (",}" if rng.random() < 0.5 else "")
    return f'<script type="application/ld+json">{text}</script>'


def address(rng: random.Random, org: Org) -> str:
    """A postal address in the org's country style."""
    n = rng.randint(1, 120)
    if org.lang == "de":
        return f"{org.place}er Straße {n}<br>{rng.randint(10000, 99999)} {org.place}"
    if org.lang == "fr":
        return f"{n} rue de {org.place}<br>{rng.randint(10000, 95999)} {org.place}"
    if org.lang == "es":
        return f"Calle Mayor {n}<br>{rng.randint(10000, 52999)} {org.place}"
    if org.lang == "it":
        return f"Via Roma {n}<br>{rng.randint(10000, 98999)} {org.place}"
    if org.country == "GB":
        return (
            f"{n} High Street<br>{org.place} {rng.choice('ABCDEFGHKLMNPRST')}{rng.randint(1, 20)} {rng.randint(1, 9)}XY"
        )
    state = rng.choice(("CA", "NY", "TX", "WA", "OH", "MA"))
    return f"{n} Main Street<br>{org.place}, {state} {rng.randint(10000, 99999)}"


def legal_notice(rng: random.Random, site: Site, lang: str) -> str:
    """Impressum / Mentions légales / Legal notice body naming the legal entity, its register and people."""
    org = site.org
    assert org is not None
    legal = escape(org.name)
    host = site.host_ascii
    email = f"info@{host}"
    addr = address(rng, org)
    hoster = rng.choice(V.HOSTERS)
    if lang == "de":
        if org.kind in ("gov", "uni") or (org.kind == "hospital" and not org.legal_form):
            head = {"gov": "Leitung", "uni": "Präsidentin/Präsident"}.get(org.kind, "Klinikleitung")
            lines = [
                f"<h1>Impressum</h1><p>Herausgeber:<br>{legal}<br>{addr}</p>",
                "<p>Körperschaft des öffentlichen Rechts</p>" if org.kind == "uni" else "",
                f"<p>Vertreten durch: {escape(org.person)} ({head})</p>",
            ]
        elif org.legal_form == "e.V." or org.kind in ("club", "ngo", "research"):
            lines = [
                f"<h1>Impressum</h1><p>Angaben gemäß § 5 TMG</p><p>{legal}<br>{addr}</p>",
                f"<p>Vereinsregister: VR {org.reg_no}<br>Registergericht: Amtsgericht {org.place}</p>",
                f"<p>Vertreten durch den Vorstand: {escape(org.person)}</p>",
            ]
        else:
            boss = "Vorstand" if org.legal_form == "AG" else "Geschäftsführer"
            lines = [
                f"<h1>Impressum</h1><p>Angaben gemäß § 5 TMG</p><p>{legal}<br>{addr}</p>",
                f"<p>Handelsregister: HRB {org.reg_no}<br>Registergericht: Amtsgericht {org.place}</p>",
                f"<p>Vertreten durch den {boss}: {escape(org.person)}</p>",
                f"<p>Umsatzsteuer-Identifikationsnummer gemäß § 27 a UStG: DE{rng.randint(100000000, 999999999)}</p>",
            ]
        lines.append(
            f"<p>Kontakt:<br>Telefon: +49 {rng.randint(30, 999)} {rng.randint(100000, 9999999)}<br>E-Mail: {email}</p>"
        )
        if org.parent is not None:
            lines.append(f"<p>{escape(V.UI['de']['subsidiary'].format(sub=org.name, parent=org.parent.name))}</p>")
    elif lang == "fr":
        lines = [
            f"<h1>Mentions légales</h1><p>Éditeur du site : {legal}"
            + (f", {escape(org.legal_form)} au capital de {rng.randint(1, 500) * 1000} €" if org.legal_form else "")
            + f"</p><p>Siège social : {addr}</p>",
            f"<p>RCS {org.place} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}</p>"
            if org.legal_form
            else "",
            f"<p>Directeur de la publication : {escape(org.person)}</p>",
            f"<p>Hébergeur : {hoster}</p><p>Contact : {email}</p>",
        ]
    elif lang == "es":
        lines = [
            f"<h1>Aviso legal</h1><p>Titular: {legal}, con CIF B{rng.randint(10000000, 99999999)}</p>",
            f"<p>Domicilio: {addr}</p><p>Inscrita en el Registro Mercantil de {org.place}</p>",
            f"<p>Correo: {email}</p>",
        ]
    elif lang == "it":
        lines = [
            f"<h1>Note legali</h1><p>{legal} – P.IVA {rng.randint(10**10, 10**11 - 1)}</p>",
            f"<p>Sede legale: {addr}</p><p>Email: {email}</p>",
        ]
    elif org.country == "GB":
        lines = [
            f"<h1>Legal notice</h1><p>This website is operated by {legal}.</p>",
            f"<p>{legal} is registered in England and Wales. Company number {rng.randint(1000000, 13999999):08d}."
            f" Registered office: {addr}.</p>",
            f"<p>VAT number GB {rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}</p>",
            f"<p>Email: {email}</p>",
        ]
    elif org.country == "NL":
        lines = [
            f"<h1>Legal notice</h1><p>{legal}<br>{addr}</p>",
            f"<p>KvK-nummer: {rng.randint(10000000, 99999999)}</p><p>Email: {email}</p>",
        ]
    else:
        lines = [
            f"<h1>Legal notice</h1><p>This website is owned and operated by {legal}, {addr}.</p>",
            f"<p>Questions about these terms: {email}</p>",
            f"<p>Website hosting provided by {hoster}.</p>",
        ]
    extra = LEGAL_EXTRA.get(site.site_class) if lang == "en" else None
    if extra:
        lines.append(f"<p>{escape(extra.format(person=org.person, host=host))}</p>")
    if org.parent is not None and lang != "de":
        lines.append(f"<p>{escape(V.UI[lang]['subsidiary'].format(sub=org.name, parent=org.parent.name))}</p>")
    return "".join(lines)


LEGAL_EXTRA = {
    "gambling": "Licensed and regulated by the Gaming Authority. Gambling can be addictive: play responsibly. 18+.",
    "adult": "All models were 18 years of age or older at the time of depiction. Age verification required.",
    "finance": "Authorised and regulated by the Financial Conduct Authority. Deposits are protected up to 100,000.",
    "news": "Responsible for content (editor-in-chief): {person}. We adhere to the press council's code of practice.",
    "health": "Supervisory authority for our medical staff: the regional medical association.",
    "government": "This is an official website. Data protection officer: dpo@{host}.",
    "education": "A public higher education institution. Data protection officer: dpo@{host}.",
    "tech": "Open-source licences of the software we use are listed on our licences page.",
    "shop": "Online dispute resolution: the EU platform is at https://ec.europa.eu/consumers/odr.",
    "nonprofit": "Registered charity. Donations are tax-deductible.",
}
"""A line legal notices of regulated or typical trades carry."""


def cookie_banner(rng: random.Random, lang: str) -> str:
    """A consent banner (noise every page of some sites carries)."""
    ui = V.UI[lang]
    return (
        f'<div id="cookie-banner" class="consent"><p>{ui["cookie"]}</p>'
        f"<button>{ui['accept']}</button><small>Consent by {rng.choice(V.COOKIE_TOOLS)}</small></div>"
    )


def break_markup(rng: random.Random, html: str) -> str:
    """Unclosed tags, as broken CMS templates leave them."""
    for tag in ("</p>", "</li>", "</div>", "</ul>"):
        if rng.random() < 0.6:
            html = html.replace(tag, "")
    if rng.random() < 0.3:
        html = html.replace("</body></html>", "")
    return html
