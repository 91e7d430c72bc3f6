import pytest

from resolver.domain_match import ReferenceIndex, align, domain_label, name_tokens


def test_number_words_become_digits() -> None:
    assert name_tokens("City of Twentynine Palms") == ("city", "of", "29", "palms")
    assert name_tokens("Third Judicial District") == ("3rd", "judicial", "district")
    assert name_tokens("Université Paris VIII") == ("universite", "paris", "8")
    assert name_tokens("Charles I Vineyard X") == ("charles", "i", "vineyard", "x")  # one letter: an initial


def test_domain_label_folds_idn_and_keeps_hyphens() -> None:
    assert domain_label("wilmington-il.gov") == "wilmington-il"
    assert domain_label("xn--mller-bckerei-hfb76a.de") == "muller-backerei"
    assert domain_label("shop-now.co.uk") == "shop-now" and domain_label("city.gov.uk") == "city"
    assert domain_label("Alice.GitHub.io") == "alice"  # a registered domain under a private suffix
    assert domain_label("xn--80a0aejb8dva.com") == ""  # no Latin letter or digit to keep
    assert domain_label("_video-bagarre.com") == "video-bagarre"


def test_a_label_with_hyphens_matches_the_name_it_spells() -> None:
    index = ReferenceIndex.build([("r1", "Wilmington", "IL"), ("r2", "Wilmington", "NC")])
    found = index.match("wilmington-il.gov")
    assert found is not None and found.ref_id == "r1"


def test_alignment_prefers_the_name_that_spells_the_label() -> None:
    label = "wmillardmosquitout"
    good = align(label, name_tokens("West Millard Mosquito Abatement District"), frozenset({"ut", "utah"}))
    bad = align(label, name_tokens("Millard County"), frozenset({"ut", "utah"}))
    assert good > 0.75 > 0.5 > bad


def test_acronym_and_accents() -> None:
    assert align("fho", name_tokens("Fundação Hermínio Ometto")) > 0.7
    assert align("bbc", name_tokens("British Broadcasting Corporation")) > 0.7
    assert align("bbc", name_tokens("Barclays Bank")) < 0.5


def test_index_matches_by_label_region_and_acronym() -> None:
    index = ReferenceIndex.build(
        [
            ("r1", "City of Twentynine Palms", "CA"),
            ("r2", "City of Wilmington", "IL"),
            ("r3", "City of Wilmington", "NC"),
            ("r4", "Madbury Police Department", "NH"),
            ("r5", "Fundação Hermínio Ometto", "BR"),
            ("r6", "Town of Wakefield", "NH"),
        ]
    )
    assert index.match("29palms.gov").ref_id == "r1"
    assert index.match("wilmington-il.gov").ref_id == "r2"
    assert index.match("wilmingtonnc.gov").ref_id == "r3"
    assert index.match("madburypolice.gov").ref_id == "r4"
    assert index.match("fho.edu.br").ref_id == "r5"
    assert index.match("wakefieldnh.gov").ref_id == "r6"
    weak = index.match("completely-unrelated.com")
    assert weak is None or weak.score < 0.5


def test_chinese_names_abbreviate_by_syllable() -> None:
    index = ReferenceIndex.build(
        [
            ("c1", "Chongqing University", "CN"),
            ("c2", "Hunan University", "CN"),
            ("c3", "Harbin Normal University", "CN"),
            ("u1", "Cleveland Quaker University", "US"),  # same initials, other country, never split
        ]
    )
    assert index.match("cqu.edu.cn").ref_id == "c1"
    assert index.match("hnu.edu.cn").ref_id == "c2"
    assert "c1" != index.match("cqu.edu").ref_id  # .edu is a US domain


def test_a_country_code_domain_prefers_its_country_and_short_labels_scan_it() -> None:
    index = ReferenceIndex.build(
        [
            ("a", "Aalborg University", "DK"),
            ("b", "Al Ahlia University", "BH"),
            ("t", "Technical University of Kosice", "SK"),
            ("s", "Sweet Briar College", "US"),
            ("p", "San Beda College", "PH"),
        ]
    )
    assert index.match("sbc.edu").ref_id == "s"
    assert index.match("tuke.sk").ref_id == "t"  # no acronym index entry spells "tuke"; the country block does
    m = index.match("aau.dk")
    assert m is None or m.ref_id == "a"


def test_confidence_drops_when_another_org_fits_as_well() -> None:
    index = ReferenceIndex.build([("m1", "Michigan State University", "US"), ("m2", "Morehead State University", "US")])
    m = index.match("msu.edu")
    assert m.score > 0.7 and m.confidence < 0.75 * m.score


def test_ex_soviet_names_abbreviate_the_russian_words() -> None:
    index = ReferenceIndex.build(
        [
            ("k1", "Kazan State Medical University", "RU"),
            ("k2", "Kazan State Music Conservatory", "RU"),
            ("k3", "Kansas State Medical University", "US"),  # an English name keeps the English acronym
        ]
    )
    assert index.match("kgmu.ru").ref_id == "k1"
    assert index.match("kgk.ru").ref_id == "k2"
    assert index.match("ksmu.edu").ref_id == "k3"


def test_label_hints_say_what_kind_of_body_it_is() -> None:
    index = ReferenceIndex.build(
        [
            ("c", "City of Rincon", "GA"),
            ("t", "Rincon Band of Luiseno Indians", "CA"),
            ("w", "Town of Walton", "FL"),
            ("e", "Walton County Supervisor of Elections", "FL"),
            ("k", "Keweenaw Bay Indian Community", "MI"),
        ]
    )
    assert index.match("rincon-nsn.gov").ref_id == "t"
    assert index.match("rincon.gov").ref_id == "c"
    assert index.match("votewalton.gov").ref_id == "e"
    assert index.match("kbic-nsn.gov").ref_id == "k"  # initials, then the tribal suffix


def test_a_label_ending_in_a_service_wants_that_service() -> None:
    index = ReferenceIndex.build(
        [
            ("c", "City of Brighton", "CO"),
            ("f", "Brighton Fire Rescue District", "CO"),
            ("w", "City of Waterford", "MI"),
            ("u", "Waterford Utilities", "MI"),
        ]
    )
    assert index.match("brightonfireco.gov").ref_id == "f"
    assert index.match("brightonco.gov").ref_id == "c"
    assert index.match("waterfordmi.gov").ref_id == "w"  # "water" starts a place name: no hint


def test_a_label_ending_in_another_state_is_not_that_states_org() -> None:
    index = ReferenceIndex.build([("ar", "Perry County", "AR"), ("ky", "Perry County Fiscal Court", "KY")])
    assert index.match("perrycountyky.gov").ref_id == "ky"
    assert index.match("perrycountyar.gov").ref_id == "ar"


def test_indian_names_abbreviate_the_hindi_words() -> None:
    index = ReferenceIndex.build(
        [("d", "Devi Ahilya University of Indore", "IN"), ("j", "Jawaharlal Nehru Agricultural University", "IN")]
    )
    assert index.match("davv.ac.in").ref_id == "d"
    assert index.match("jnkvv.nic.in").ref_id == "j"


@pytest.mark.parametrize(
    ("names", "domain", "expected"),
    [
        # .edu reads as US, yet no US name fits "jadavpur": the name the label spells wins abroad
        ([("j", "Jadavpur University", "IN"), ("i", "Indiana University/Purdue University at Columbus", "US"),
          ("d", "Duke University", "US")], "jadavpur.edu", "j"),
        ([("j", "Jadavpur University", "IN"), ("d", "Duke University", "US")], "duke.edu", "d"),
        # a state agency goes by its state's postal code and its initials
        ([("dmv", "Texas Department of Motor Vehicles", "TX"),
          ("dmvc", "Delta Mosquito and Vector Control District", "CA")], "txdmv.gov", "dmv"),
        ([("dcr", "North Carolina Department of Cultural Resources", "NC"),
          ("c", "Town of Dacura", "NC")], "ncdcr.gov", "dcr"),
    ],
)  # fmt: skip
def test_labels_read_across_countries_and_state_codes(
    names: list[tuple[str, str, str]], domain: str, expected: str
) -> None:
    assert ReferenceIndex.build(names).match(domain).ref_id == expected
