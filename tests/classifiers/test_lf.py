from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classifiers.apply import apply_lfs, apply_lfs_snorkel
from classifiers.frames import prepare
from classifiers.lf import ABSTAIN, build_lfs, clear_registry, labeling_function, load_lf_modules
from classifiers.taxonomy import load_taxonomy, taxonomy_from_dict
from resolver.errors import ConfigError

from .conftest import make_page_frame


@pytest.fixture(autouse=True)
def _clean_registry():
    clear_registry()
    yield
    clear_registry()


def test_default_taxonomy_has_one_vocabulary_per_target():
    tax = load_taxonomy()
    assert tax.classes("page") == (
        "article", "product", "listing", "home", "about", "legal", "contact", "job", "event", "forum", "documentation",
        "other",
    )  # fmt: skip
    assert tax.classes("domain") == (
        "news_media", "government", "education_research", "company", "shop", "nonprofit", "political_party",
        "religious", "blog_personal", "forum_community", "health", "finance", "adult", "gambling", "other",
    )  # fmt: skip
    assert tax.classes("org") == (
        "government", "company", "education_research", "school", "nonprofit", "media", "political_party", "religious",
        "person", "other",
    )  # fmt: skip
    # the gold labelling guide uses the same vocabularies
    guide = (Path(__file__).resolve().parents[2] / "benchmarks" / "gold" / "README.md").read_text("utf-8")
    for target, column in (("domain", "site_category"), ("org", "org_type")):
        line = next(ln for ln in guide.splitlines() if ln.startswith(f"| {column} |"))
        assert all(c in line for c in tax.classes(target)), (target, line)
    kinds = {r.kind for r in tax.rules}
    assert {"keyword", "regex", "tld", "domain", "jsonld", "og_type", "link", "field", "aggregate"} <= kinds
    # a domain's category is not the majority of its page types: no unmapped page-type aggregation
    by_pages = [r for r in tax.rules_for("domain") if r.kind == "aggregate" and r.params["column"] == "pages_top"]
    assert by_pages and all(r.params.get("map") for r in by_pages)
    assert set(tax.org_map) <= set(tax.classes("domain")) and set(tax.org_map.values()) <= set(tax.classes("org"))


def test_taxonomy_errors_are_collected_at_once():
    bad = {
        "targets": {"page": {"classes": ["a", "b"]}, "domain": {"classes": ["a"]}, "org": {"classes": ["x"]}},
        "rules": [
            {"name": "r1", "targets": ["page"], "kind": "keyword", "label": "zzz", "fields": ["text"], "any": ["q"]},
            {"name": "r2", "targets": ["page"], "kind": "nope", "label": "a"},
            {"name": "r3", "targets": ["page"], "kind": "regex", "label": "a", "fields": ["text"], "patterns": ["("]},
        ],
    }
    with pytest.raises(ConfigError) as exc:
        taxonomy_from_dict(bad)
    msg = str(exc.value)
    assert "3 problem(s)" in msg and "zzz" in msg and "nope" in msg and "bad regex" in msg


@pytest.mark.parametrize("target", ["page", "domain", "org"])
def test_vectorized_and_snorkel_appliers_give_identical_matrices(target):
    frame, _ = make_page_frame(8)
    frame["og_type"] = ["product" if i % 5 == 0 else "" for i in range(len(frame))]
    frame["legal_forms"] = ["GmbH" if i % 7 == 0 else "" for i in range(len(frame))]
    frame["name"] = [f"University of X{i}" if i % 4 == 0 else f"Acme {i} Ltd" for i in range(len(frame))]
    frame["legal_form"] = ["Ltd" if i % 3 == 0 else None for i in range(len(frame))]
    frame["pages_top"] = frame["item_id"].str.split("-").str[0]
    frame["domains_top"] = frame["pages_top"]
    frame["pages_top_share"] = np.linspace(0, 1, len(frame))
    frame["domains_top_share"] = frame["pages_top_share"]
    frame.loc[3, "text"] = None  # missing values must not break either path
    df = prepare(frame)
    tax = load_taxonomy()
    lfs = build_lfs(tax, target)
    fast, slow = apply_lfs(lfs, df), apply_lfs_snorkel(lfs, df)
    assert fast.L.shape == (len(df), len(lfs))
    np.testing.assert_array_equal(fast.L, slow.L)
    assert (fast.L != ABSTAIN).any()
    np.testing.assert_array_equal(apply_lfs(lfs, df, chunk_rows=7).L, fast.L)  # in chunks: the same votes


def test_rule_semantics():
    tax = load_taxonomy()
    df = prepare(
        pd.DataFrame(
            {
                "registered_domain": ["city.gov.uk", "shop-now.co.uk", "x.com", "alphabet.com"],
                "suffix": ["gov.uk", "co.uk", "com", "com"],
                "jsonld": ["|governmentorganization|", "", "|newsarticle|product|", ""],
            }
        )
    )
    assert df["domain_label"].tolist() == ["city", "shop-now", "x", "alphabet"]
    by = {lf.name: lf for lf in build_lfs(tax, "domain")}
    gov = tax.index("domain", "government")
    assert by["gov_suffix"].batch(df).tolist() == [gov, -1, -1, -1]
    assert by["shop_domain"].batch(df).tolist() == [-1, tax.index("domain", "shop"), -1, -1]
    assert by["shop_jsonld"].batch(df).tolist()[2] == tax.index("domain", "shop")
    assert by["gambling_domain"].batch(df).tolist()[3] == -1  # "bet" inside "alphabet" is not gambling


def _votes(target: str, **columns: list) -> dict[str, list[str | None]]:
    """Each LF's vote (class or None) on a frame made of ``columns``."""
    tax = load_taxonomy()
    df = prepare(pd.DataFrame(columns))
    classes = tax.classes(target)
    return {lf.name: [classes[v] if v >= 0 else None for v in lf.batch(df)] for lf in build_lfs(tax, target)}


def test_owner_rules_read_the_web_in_several_languages():
    names = [
        "Bundesministerium für Ernährung und Landwirtschaft",
        "Ministère de la Culture",
        "Ayuntamiento de Madrid",
        "City of Springfield",
        "Deutsches Rotes Kreuz e.V.",
        "Fondation Abbé Pierre",
        "Piratenpartei Österreichs",
        "Erzbistum Köln",
        "Universität Wien",
        "Coventry Building Society",
        "Zahnarztpraxis Dr. Weber",
        "Example Verlag GmbH",
    ]
    v = _votes("domain", owner_names=names, item_id=[str(i) for i in range(len(names))])
    assert v["gov_owner_words"][:4] == ["government"] * 4 and v["gov_owner_words"][4:].count("government") == 0
    assert v["nonprofit_owner_words"][4:6] == ["nonprofit"] * 2 and v["nonprofit_owner_words"][11] is None
    assert v["party_owner_words"][6] == "political_party" and v["party_owner_words"].count("political_party") == 1
    assert v["religious_owner_words"][7] == "religious"
    assert v["edu_owner_words"][8] == "education_research"
    assert v["finance_owner_words"][9] == "finance"
    assert v["health_owner_words"][10] == "health"
    assert v["news_owner_words"][11] == "news_media"


def test_legal_forms_and_register_cues_type_organizations():
    v = _votes(
        "org",
        legal_form=["GmbH", "e.V.", "", ""],
        owner_text=[
            "Amtsgericht Berlin HRB 12345 Geschäftsführer: A. B.",
            "",
            "Vereinsregister VR 4711, gemeinnützig",
            "",
        ],
        name=["Acme Widgets GmbH", "Sportfreunde e.V.", "Förderverein", "Heise Medien GmbH"],
        owner_names=["", "", "", "Heise Medien GmbH"],
    )
    assert v["company_legal_form"] == ["company", None, None, None]
    assert v["nonprofit_legal_form"] == [None, "nonprofit", None, None]
    assert v["company_register"] == ["company", None, None, None]
    assert v["nonprofit_register"][2] == "nonprofit"
    assert v["company_legal_forms_pages"][3] is None  # a publisher's GmbH: media, not a plain company
    assert v["org_media_words"][3] == "media"


def test_rules_read_the_sites_own_menu():
    # menus as resolver.signals collects them: a small firm, a newsroom, a club, a shop (hand-written)
    v = _votes(
        "domain",
        menu=[
            "home | leistungen | referenzen | unser team | karriere | anfahrt | kontakt | impressum",
            "politik | wirtschaft | sport | kultur | meinung | e-paper | abo",
            "verein | mitglied werden | spenden | termine | vorstand | satzung",
            "neuheiten | sale | warenkorb | mein konto | versandkosten",
        ],
    )
    assert v["company_nav_words"] == ["company", None, None, None]
    assert v["news_desk_words"] == [None, "news_media", None, None]
    assert v["nonprofit_donate_words"][2] == "nonprofit"
    assert v["shop_cart_words"] == [None, None, None, "shop"]


def test_shop_signals_suffixes_and_people():
    v = _votes(
        "domain",
        owner_text=["Warenkorb Zur Kasse Versandkosten Mein Konto", "", ""],
        text=["€ 12,99 € 9,99 € 4,50 19,90 €", "", ""],
        suffix=["de", "blogspot.com", "gv.at"],
        registered_domain=["shop.de", "anna.blogspot.com", "bundeskanzleramt.gv.at"],
        owner_status=["linked", "person", "linked"],
    )
    assert v["shop_cart_words"][0] == "shop" and v["shop_prices"][0] == "shop"
    assert v["blog_platform"][1] == "blog_personal" and v["blog_person_owner"][1] == "blog_personal"
    assert v["gov_suffix"][2] == "government"


def test_page_types_from_urls_and_structured_data():
    paths = ["", "impressum", "ueber-uns", "kontakt", "karriere/", "2021/05/some-long-story-about-things", "forum/t/1"]
    urls = [f"https://a.de/{p}" for p in paths]
    v = _votes("page", url=urls, jsonld=["", "", "", "", "", "|newsarticle|", "|discussionforumposting|"])
    assert v["page_home_url"][0] == "home" and v["page_legal_url"][1] == "legal" and v["page_about_url"][2] == "about"
    assert v["page_contact_url"][3] == "contact" and v["page_job_url"][4] == "job"
    assert v["page_article_url"][5] == "article" and v["page_article_jsonld"][5] == "article"
    assert v["page_forum_jsonld"][6] == "forum" and v["page_forum_url"][6] == "forum"


def test_aggregate_map_votes_only_mapped_classes():
    v = _votes("domain", pages_top=["product", "article", "forum"], pages_top_share=[0.8, 0.9, 0.6])
    assert v["shop_product_pages"] == ["shop", None, None]  # a site full of articles is not thereby news
    assert v["forum_page_types"] == [None, None, "forum_community"]


def test_user_lfs_by_decorator_and_from_file(tmp_path):
    @labeling_function(target="domain", label="shop")
    def mentions_shopify(x):
        return "shopify" in x["text"]

    @labeling_function(target="domain", label="news_media", vectorized=True)
    def news_vec(df):
        return df["title"].str.contains("News")

    path = tmp_path / "my_lfs.py"
    path.write_text(
        "from classifiers.lf import labeling_function\n"
        "@labeling_function(target='domain')\n"
        "def by_name(x):\n"
        "    return 'blog_personal' if 'diary' in x['text'] else None\n"
        "@labeling_function(target='domain', label='company')\n"
        "def broken(x):\n"
        "    raise RuntimeError('bug')\n"
    )
    load_lf_modules([path])
    tax = load_taxonomy()
    lfs = [lf for lf in build_lfs(tax, "domain") if lf.kind == "python"]
    assert [lf.name for lf in lfs] == ["broken", "by_name", "mentions_shopify", "news_vec"]
    df = prepare(pd.DataFrame({"text": ["powered by shopify", "my diary", ""], "title": ["", "", "News today"]}))
    applied = apply_lfs(lfs, df)
    assert applied.failures == {"broken": 3}
    np.testing.assert_array_equal(
        applied.L,
        [[-1, -1, tax.index("domain", "shop"), -1], [-1, tax.index("domain", "blog_personal"), -1, -1],
         [-1, -1, -1, tax.index("domain", "news_media")]],
    )  # fmt: skip
    with pytest.raises(ConfigError, match="not found"):
        load_lf_modules([tmp_path / "missing.py"])


def test_duplicate_lf_names_are_an_error():
    @labeling_function(target="domain", label="shop")
    def gov_suffix(x):
        return False

    with pytest.raises(ConfigError, match="gov_suffix"):
        build_lfs(load_taxonomy(), "domain")


def _hand_written_rows() -> pd.DataFrame:
    """Rows a compiled LF could get wrong: case and Unicode, words across fields, anchors, prices, empty fields."""
    return pd.DataFrame(
        {
            "registered_domain": ["stadt-münchen.de", "bestshop.co.uk", "x.gov", "blog.example.com", "casino.bet", ""],
            "suffix": ["de", "co.uk", "gov", "com", "bet", ""],
            "url": ["https://stadt-münchen.de/Impressum", "https://bestshop.co.uk/products/shoe-1",
                    "https://x.gov/", "https://blog.example.com/2024/05/my-post\n", "https://casino.bet/index.html",
                    ""],
            "title": ["IMPRESSUM – Landeshauptstadt", "Add", "Department of Revenue", "Über mich | Mein Blog",
                      "CASINO Poker SLOTS Jackpot", ""],
            "description": ["", "to cart", "", "", "Roulette, Blackjack & Betting", ""],
            "text": ["Erklärung zur Barrierefreiheit. Bürgerservice, De-Mail; Gebärdensprache",
                     "ADD TO CART €12,99 £4.00 $3.50 EUR 5,00 add-to-basket Warenkorb zur Kasse",
                     "city council, county municipality; government official website",
                     "Posted by Jane. Leave a comment. Über mich. İstanbul ΑΣ",
                     "free spins bonus betting odds bet now casino", ""],
            "owner_text": ["Vereinsregister VR 12345 e.V. gemeinnützig", "Handelsregister HRB 1234 GmbH", "",
                           "powered by WordPress neueste Beiträge neueste Kommentare", "begambleaware", ""],
            "owner_names": ["Förderverein e.V.", "Best Shop GmbH", "Department of Revenue", "Jane Doe", "", ""],
            "name": ["Förderverein e. V.", "Best Shop Ltd", "", "", "Lucky Casino Ltd", ""],
            "legal_form": ["e.V.", "GmbH", "", "", "Ltd", ""],
            "legal_forms": [["e.V."], ["GmbH"], [], [], ["Ltd"], []],
            "jsonld": ["|governmentorganization|", "|product|offer|", "", "|blogposting|person|", "", ""],
            "og_type": ["", "Product", "", "article", "", ""],
            "link_domains": ["", "klarna.com paypal.com shopify.com", "", "gravatar.com akismet.com",
                             "begambleaware.org gamcare.org.uk", ""],
            "owner_status": ["linked", "linked", "linked", "person", "unknown", ""],
            "is_legal_page": [True, False, False, False, False, False],
            "n_words": [120, 500, 30, 800, 90, 0],
            "pages_top": ["legal", "product", "article", "article", "", ""],
            "pages_top_share": [0.2, 0.9, 0.5, 0.7, 0.0, 0.0],
            "domains_top": ["nonprofit", "shop", "government", "blog_personal", "gambling", ""],
            "domains_top_share": [1.0, 1.0, 0.6, 0.4, 1.0, 0.0],
            "inlinks_top": ["", "", "", "", "", ""],
        }
    )  # fmt: skip


@pytest.mark.parametrize("target", ["page", "domain", "org"])
def test_compiled_lfs_equal_snorkel_on_hand_written_rows_with_user_lfs(target):
    @labeling_function(target=target, label=load_taxonomy().classes(target)[0])
    def row_only(x):
        return "münchen" in x["url"]

    @labeling_function(target=target, label=load_taxonomy().classes(target)[1], vectorized=True)
    def vectorized(df):
        return df["title"].str.isupper()

    @labeling_function(target=target)
    def sometimes_broken(x):
        if not x["text"]:
            raise RuntimeError("bug on empty text")
        return None

    df = prepare(_hand_written_rows())
    lfs = build_lfs(load_taxonomy(), target)
    assert {lf.kind for lf in lfs} >= (
        {"field", "regex", "jsonld", "tld", "python"} - ({"tld"} if target == "page" else set())
    )
    fast, slow = apply_lfs(lfs, df), apply_lfs_snorkel(lfs, df.iloc[:-1])
    np.testing.assert_array_equal(fast.L[:-1], slow.L)
    assert fast.failures == {"sometimes_broken": 1}
    chunked = apply_lfs(lfs, df, chunk_rows=2)
    np.testing.assert_array_equal(chunked.L, fast.L)
    assert chunked.failures == fast.failures
    assert (fast.L != ABSTAIN).sum() >= len(df)
