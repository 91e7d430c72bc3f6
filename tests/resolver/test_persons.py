from resolver.persons import is_person_name


def test_people_are_people() -> None:
    for name in ("Anna Horn", "Jessica Martin", "Sophie Mitchell", "Claudia Peters"):
        assert is_person_name(name), name


def test_companies_and_institutions_are_not() -> None:
    for name in ("Tropical Web Works", "Callows Audio", "Centre Hospitalier de Grandville", "Acme", "3M Company"):
        assert not is_person_name(name), name


def test_brands_built_from_nouns_are_not_people() -> None:
    """The tagger reads these as GivenName + Surname; nobody is called "Barcode" or "Fundraising"."""
    for name in ("Barcode Giant", "Fundraising Skills", "Electric Avenue", "Digital Mitchell"):
        assert not is_person_name(name), name


def test_european_given_names_count_and_initials_count() -> None:
    for name in ("Klaus Weber", "Benoît Lefèvre", "Giuseppe Rossi", "J. Smith", "Anna-Lena Schmidt"):
        assert is_person_name(name), name


def test_titles_with_lower_case_words_or_media_words_are_not_people() -> None:
    """Real site names the tagger read as people: a phrase with lower-case words, a blog, a paper."""
    titles = (
        "La Vie des idées", "Stack Overflow Blog", "Harbor Daily", "Wiener Zeitung", "La Stampa",
        "Der Tagesspiegel", "VON DER SEE", "Schweizer Alpen-Club SAC", "Cicero Online", "France Culture",
    )  # fmt: skip
    for name in titles:
        assert not is_person_name(name), name
    for name in ("Ludwig van Beethoven", "Anna de la Cruz", "Omar ibn Said"):  # particles are lower-case
        assert is_person_name(name), name
