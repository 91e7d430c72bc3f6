from resolver.persons import is_person_name


def test_people_are_people() -> None:
    for name in ("Anna Horn", "Jessica Martin", "Sophie Mitchell", "Claudia Peters"):
        assert is_person_name(name), name


def test_companies_and_institutions_are_not() -> None:
    for name in ("Tropical Web Works", "Callows Audio", "Centre Hospitalier de Grandville", "Acme", "3M Company"):
        assert not is_person_name(name), name
