"""Word lists the generator draws from: name parts, places, people, and class vocabulary per language.

Everything is fictional and combinatorial. Class vocabulary is what a classifier can learn from; the
``SHIFTED`` lists replace it for the ``vocab`` shift (synonyms and new terms a model never saw).
"""

from __future__ import annotations


def _w(text: str) -> tuple[str, ...]:
    """Whitespace-separated words."""
    return tuple(text.split())


def _p(text: str) -> tuple[str, ...]:
    """Comma-separated phrases."""
    return tuple(" ".join(s.split()) for s in text.split(",") if s.strip())


def cap(text: str) -> str:
    """First letter upper case, the rest untouched ("in den Warenkorb" → "In den Warenkorb")."""
    return text[:1].upper() + text[1:]


# -- name parts ---------------------------------------------------------------------------------------

ROOTS = _w(
    """Apex Blue North Silver Iron Bright Clear Summit Harbor Cedar Granite Crimson Golden Evergreen Pioneer
    Atlas Vertex Nova Orbit Pinnacle Keystone Beacon Horizon Meridian Sterling Falcon Eagle Lion Oak Maple
    Willow Aspen Birch Coral Delta Echo Fusion Quantum Vector Zenith Polar Solar Lunar Stellar Crystal
    Diamond Emerald Sapphire Ruby Cobalt Copper Bronze Titan Vanguard Sentinel Paragon Prime Royal Regal
    Noble Liberty Frontier Heritage Legacy Union Central Western Eastern Southern Northern Pacific Atlantic
    Alpine Prairie Canyon River Lake Bay Bridge Tower Castle Crown Shield Arrow Anchor Compass Lighthouse
    Riverside Hillside Lakeside Stonebridge Greenfield Westbrook Ashford Redwood Blackstone Whitehall
    Kingsley Fairview Brookside Highland Meadow Orchard Thistle Juniper Hawthorn Sparrow Kestrel Osprey
    Heron Raven Lynx Otter Badger Fox Wolf Bear Bison Condor Mustang Cascade Glacier Tundra Sierra Mesa
    Ember Flint Slate Quartz Onyx Amber Ivory Indigo Scarlet Azure Verdant True Swift Bold Keen Agile
    Steady Solid Smart Pure Fresh Open Clever Grand Little Big Modern Classic Urban Rural Coastal Metro"""
)
"""First words of English company names."""

COMPOUND_HEADS = _w(
    """Blue Stone Green West East North South Ash Oak Elm Pine Fair Bright Clear Silver Gold Iron Red White
    Black Rock Sun Moon Star Sky Sea Lake Brook Hill Glen Dale Marsh Wind Snow Frost Rain Storm Fire"""
)
COMPOUND_TAILS = _w(
    """field bridge stone wood ford gate haven point ridge crest brook side water well light spring shore
    view mont land mark wave line path way peak vale"""
)

INDUSTRY_NOUNS = _w(
    """Solutions Systems Widgets Logistics Dynamics Technologies Industries Consulting Partners Labs Networks
    Foods Energy Engineering Analytics Robotics Materials Instruments Components Devices Packaging Textiles
    Motors Pharma Biotech Outfitters Interiors Architects Builders Plastics Metals Chemicals Optics Audio
    Designs Ventures Works Supplies Electric Machinery Tools Digital Software Data Security Mobility Freight
    Aerospace Marine Agritech Surveying Coatings Fabrication Controls Sensors Telecom Printing"""
)

SURNAMES_EN = _w(
    """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson
    Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams Nelson
    Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy
    Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks
    Bennett Gray Hughes Price Sanders Myers Long Ross Foster Hayes Hale Fletcher Barker Dawson Porter Hunt"""
)
FIRST_EN = _w(
    """James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Susan Richard Jessica
    Joseph Sarah Thomas Karen Daniel Emma Matthew Olivia Anthony Sophie Mark Grace Paul Chloe Steven Amy
    Andrew Hannah Jane Kevin Laura Brian Emily George Alice Edward Lucy Oliver Ruth Henry Clara Samuel Jack"""
)

SURNAMES_DE = _w(
    """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter
    Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause
    Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang
    Scholz Möller Weiß Jung Hahn Vogel Friedrich Günther Keller Berger Frank Roth Beck Lorenz Baumann Franke
    Albrecht Schuster Ludwig Böhm Winter Kraus Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel
    Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn Pohl Engel Horn Busch Bergmann"""
)
FIRST_DE = _w(
    """Thomas Michael Andreas Stefan Frank Jürgen Klaus Wolfgang Peter Uwe Sabine Petra Claudia Susanne Monika
    Andrea Birgit Katrin Julia Anna Lena Jonas Lukas Felix Maximilian Sophie Marie Jan Tobias Kai Jörg"""
)
INDUSTRY_DE = _w(
    """Bau Logistik Maschinenbau Elektrotechnik Haustechnik Bäckerei Metallbau Holzbau Druck Immobilien
    Medizintechnik Antriebstechnik Automation Werkzeuge Spedition Reisen Gartenbau Textil Kunststoffe Glasbau
    Sanitär Dachtechnik Umwelttechnik Fördertechnik Lackiererei Feinmechanik Systemtechnik Beratung"""
)
ROOTS_DE = _w(
    """Nord Süd Ost West Rhein Elb Main Alpen Isar Spree Donau Weser Harz Eifel Taunus Linden Eichen Birken
    Tannen Sonnen Stern Falken Adler Löwen Greif Kristall Silber Gold Eisen Stahl Blau Grün Hanse Tal Berg"""
)
ROOT_TAILS_DE = _w("""werk tec wind licht stern blick kraft haus hof form punkt feld bau plan""")

SURNAMES_FR = _w(
    """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel
    Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet
    François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin
    Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis"""
)
FIRST_FR = _w(
    """Jean Pierre Michel Philippe Alain Nicolas Christophe Julien Camille Léa Manon Chloé Inès Sophie Claire
    Isabelle Nathalie Sylvie Antoine Hugo Louis Lucas Théo Mathilde Élise Margaux"""
)
INDUSTRY_FR = _w(
    """Conseil Logistique Transports Boulangerie Informatique Bâtiment Immobilier Services Distribution
    Ingénierie Énergie Éditions Voyages Menuiserie Électricité Imprimerie Peinture Bureautique Emballages"""
)
ROOTS_FR = _w("""Azur Armor Lumière Provence Alpes Océan Atlantique Horizon Étoile Soleil Lys Chêne Cèdre Mistral""")

SURNAMES_NL = _w("""de Vries Jansen van Dijk Bakker Visser Smit Meijer de Boer Mulder Bos Vos Peters Hendriks Dekker""")
SURNAMES_ES = _w(
    """García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández
    Díaz Moreno Álvarez Romero Navarro Torres Domínguez Vázquez Ramos Gil Serrano Blanco Molina Castro"""
)
FIRST_ES = _w("""Antonio José Manuel Francisco David Javier Carmen María Lucía Laura Marta Elena Pablo Sergio""")
INDUSTRY_ES = _w("""Construcciones Logística Transportes Informática Inmobiliaria Servicios Distribución Ingeniería""")
SURNAMES_IT = _w(
    """Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De Luca Mancini
    Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli"""
)
FIRST_IT = _w("""Giuseppe Giovanni Antonio Mario Luigi Francesco Marco Andrea Giulia Chiara Francesca Sara Elena""")
INDUSTRY_IT = _w("""Costruzioni Logistica Trasporti Informatica Immobiliare Servizi Distribuzione Ingegneria""")

SYLLABLES_A = _w("""ze ka lu mi vo ta ri no sa be do fe ga hi ju ko le mo ne pa qu ro si tu va xa zo bri cre dra""")
SYLLABLES_B = _w("""ran len vi ter mo sa lo ri na tri ven dor mix lan tor vel ra co qui zen phy ro nu""")
SYLLABLES_C = _w("""a o ia ix on is um ex io us era ova ity ly go""")
"""Coined brand names: SYLLABLES_A + SYLLABLES_B + SYLLABLES_C ("Zeranova", "Kavix")."""

SHOP_NOUNS = _w(
    """Outdoor Home Fashion Electronics Books Toys Garden Sports Kitchen Pets Beauty Bikes Shoes Furniture Wine
    Tea Coffee Crafts Music Camping Optics Jewellery Lighting Flooring Bedding Gifts Tools Stationery"""
)
SHOP_NOUNS_DE = _w("""Haushaltswaren Möbel Fahrräder Spielwaren Bücher Weine Gartenmarkt Sport Mode Schuhe""")
SHOP_NOUNS_FR = _w("""Maison Jardin Mode Chaussures Librairie Vins Jouets Sport Cuisine Déco""")

PLACE_HEADS_EN = _w(
    """North South East West Ash Brook Clay Elm Fair Glen Green Hart Holly King Lang Mill New Oak Red Rock Rose
    Shel Stan Thorn Wood Whit Bar Cal Dun Had Ald Bel Carn Dor Esk Fen Gran Hal Kel Lin Mor Pen Sel Tal Wyn"""
)
PLACE_TAILS_EN = _w(
    """bridge field ford ham ton wick worth bury dale mouth port stead ville haven moor chester by leigh well
    cross wood gate"""
)
PLACE_HEADS_DE = _w(
    """Linden Eichen Birken Tannen Rosen Sonnen Wald Berg Burg Stein Hohen Nieder Ober Neu Alt Kirch Mühl Bach
    Feld Hain Lauter Schön Grün Weiß Rot Falken Wolfs Hirsch Kranich Buchen Erlen Espen"""
)
PLACE_TAILS_DE = _w("""au berg burg dorf feld hausen heim stadt stedt tal hof bach brück furt ingen rode hagen wald""")
PLACE_HEADS_FR = _w("""Mont Beau Val Bel Roche Clair Fontaine Pont Bois Champ Fleur Marais Belle Grand Haut Vil""")
PLACE_TAILS_FR = _w("""clair mont ville fort court lieu val bourg pré vigne roche fleur lac""")
PLACE_HEADS_ES = _w("""Villa San Monte Río Torre Casa Puerto Alca Valde Fuente Peña Mira Sierra Castil""")
PLACE_TAILS_ES = _w("""nueva verde real blanca alta flores mar sol rosa luna llana""")
PLACE_HEADS_IT = _w("""Monte Castel Villa Borgo Porto Rocca San Fonte Colle Poggio Torre Valle""")
PLACE_TAILS_IT = _w("""fiore verde nuovo bello alto rosso chiaro lungo mare sole""")

GOV_TOPICS_EN = _p(
    """Coastal Affairs, Rural Transport, Digital Services, Water Management, Public Health, Education Standards,
    Energy Security, Housing, Maritime Safety, Food Standards, Road Safety, Forestry, Statistics, Veterans
    Affairs, Consumer Protection, Heritage, Employment, Trade, Fisheries, Climate Adaptation, Land Registry,
    Weather Services, Civil Aviation, Rail Safety, Data Protection, Youth Services, Mining, Border Control"""
)
GOV_TOPICS_DE = _p(
    """Wasserwirtschaft, Verkehrssicherheit, Digitales, Landwirtschaft, Katastrophenschutz, Verbraucherschutz,
    Statistik, Seeschifffahrt, Strahlenschutz, Bauwesen, Arbeitsschutz, Denkmalpflege, Forstwirtschaft,
    Geoinformation, Lebensmittelsicherheit, Wetterdienste"""
)
GOV_TOPICS_FR = _p(
    """la Transition Maritime, l'Agriculture Durable, la Sécurité Routière, l'Économie Numérique, la Santé
    Publique, la Cohésion des Territoires, la Mer, la Culture, la Jeunesse, l'Artisanat, la Forêt"""
)
GOV_TOPICS_ES = _p(
    """Transición Marítima, Agricultura Sostenible, Seguridad Vial, Economía Digital, Vivienda, Cultura"""
)
GOV_TOPICS_IT = _p("""Transizione Marittima, Agricoltura Sostenibile, Sicurezza Stradale, Economia Digitale, Cultura""")

FIELDS_EN = _p(
    """Applied Photonics, Marine Biology, Quantum Materials, Climate Dynamics, Neuroscience, Computational
    Linguistics, Soil Science, Renewable Energy, Polymer Chemistry, Astroparticle Physics, Epidemiology,
    Robotics, Ocean Acoustics, Glaciology, Plant Genetics, Nanoelectronics, Urban Studies, Cryobiology"""
)
FIELDS_DE = _p(
    """Angewandte Photonik, Meeresbiologie, Quantenmaterialien, Klimadynamik, Neurowissenschaften,
    Bodenkunde, Erneuerbare Energien, Polymerchemie, Robotik, Pflanzengenetik"""
)
FIELDS_FR = _p("""Photonique Appliquée, Biologie Marine, Matériaux Quantiques, Dynamique du Climat, Neurosciences""")

CAUSES_EN = _p(
    """Clean Rivers, Children's Literacy, Animal Welfare, Rural Health, Refugee Support, Ocean Conservation,
    Digital Rights, Food Security, Wildlife Protection, Elderly Care, Youth Sport, Mental Health Awareness,
    Clean Water, Forest Restoration, Disability Inclusion, Homeless Support, Music Education, Open Knowledge"""
)
CAUSES_DE = _p("""Kinderhilfe, Tierschutz, Naturschutz, Flüchtlingshilfe, Seniorenhilfe, Umweltbildung, Meeresschutz""")
CAUSES_FR = _p("""Solidarité, Protection Animale, Enfance, Environnement, Accès à l'Eau, Lecture pour Tous""")
CAUSES_ES = _p("""Solidaridad, Protección Animal, Infancia, Medio Ambiente""")
CAUSES_IT = _p("""Solidarietà, Protezione Animali, Infanzia, Ambiente""")

PAPERS_EN = _w(
    """Herald Gazette Chronicle Courier Observer Tribune Post Times Echo Mercury Standard Sentinel Express
    Journal Record Monitor Dispatch Ledger Advertiser Examiner Telegraph Star Argus Bulletin"""
)
PAPERS_DE = _w("""Zeitung Tageblatt Anzeiger Rundschau Nachrichten Kurier Allgemeine Morgenpost Bote""")
PAPERS_FR = _w("""Courrier Journal Progrès Républicain Écho Messager Réveil Indépendant""")
PAPERS_ES = _w("""Diario Heraldo Correo Noticias Crónica""")
PAPERS_IT = _w("""Gazzetta Corriere Giornale Eco Cronaca""")

CLUB_KINDS_EN = _p("""Chess Club, Rowing Club, Model Railway Society, Hiking Association, Cricket Club, Camera Club""")
SAINTS = _w("""Mary Luke John Anne Joseph George Margaret Thomas Catherine Elizabeth Francis Vincent""")

PLATFORM_SUFFIXES = ("github.io", "blogspot.com", "netlify.app", "gitlab.io")
"""Shared hosting on the Public Suffix List's private section: each user site is its own registered domain."""
WORDPRESS_COM = "wordpress.com"
"""Blog platform NOT on the PSL: every ``*.wordpress.com`` blog shares one registered domain (no owner)."""

PARKING_COMPANIES = ("ParkRight Domains Ltd", "Sedona Parking GmbH", "DomainHarbor Inc.")
WEB_AGENCIES = ("Pixelwerk Agentur GmbH", "Brightpixel Studio Ltd", "Atelier Numérique SARL", "Webcraft Labs LLC")
HOSTERS = ("NordHost GmbH", "CloudNest SAS", "HostHarbor Ltd", "Serverwerk AG")
PAYMENT_BRANDS = ("PayFlux", "Klarvo", "CardStream", "Visa", "Mastercard", "PayPal")
COOKIE_TOOLS = ("ConsentPilot", "CookieShield", "Privacy Hub")

# -- class vocabulary -------------------------------------------------------------------------------------
# Page/domain taxonomy ids (keep exactly).
PAGE_CLASSES = (
    "news",
    "shop",
    "government",
    "education",
    "finance",
    "health",
    "nonprofit",
    "company",
    "tech",
    "blog",
    "adult",
    "gambling",
    "parked",
    "other",
)
ORG_CLASSES = ("company", "government", "education", "nonprofit", "media", "healthcare", "research", "other")

TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "news": _p(
            """breaking news, reporter, editor, headline, newsroom, correspondent, election, parliament, council
            vote, weather forecast, sports results, opinion column, editorial, interview, press conference, live
            updates, exclusive report, journalist, coverage, front page, local news, world news, analysis,
            commentary, subscribers, latest stories, match report, transfer news, obituaries, eyewitnesses"""
        ),
        "shop": _p(
            """add to cart, basket, checkout, free shipping, in stock, sale, discount, price, product details, size
            guide, customer reviews, order now, delivery, returns, voucher, wishlist, new arrivals, bestseller,
            gift card, payment options, secure checkout, out of stock, shipping costs, VAT included, limited
            offer, shop now, quantity, colour options, next-day delivery, 30-day returns"""
        ),
        "government": _p(
            """ministry, public services, citizens, regulation, council, municipality, permit application, tax
            office, official guidance, statutory duties, policy paper, public consultation, minister, department,
            public administration, residents, registry office, legislation, local authority, planning
            application, council tax, benefits, licence, public notice, agency, official website, committee
            minutes, ordinance, civil servants, elected officials"""
        ),
        "education": _p(
            """university, students, admissions, undergraduate, postgraduate, faculty, campus, lecture, semester,
            degree programme, tuition fees, scholarship, research groups, professor, bachelor, master, doctoral
            studies, enrolment, academic calendar, library, alumni, course catalogue, seminar, examinations, study
            abroad, dean, curriculum, graduation, thesis, laboratory"""
        ),
        "finance": _p(
            """bank account, mortgage, loan, interest rate, savings, credit card, investment, insurance, pension,
            deposit, online banking, financial advice, portfolio, fund, account holder, APR, overdraft, wealth
            management, bank transfer, IBAN, stock market, dividend, premium, policyholder, claims, asset
            management, retirement savings, financial services, current account, securities"""
        ),
        "health": _p(
            """patients, clinic, hospital, doctor, appointment, treatment, emergency department, outpatient,
            nursing, surgery, diagnosis, health care, physician, ward, pharmacy, symptoms, therapy, medical,
            cardiology, visiting hours, referral, maternity, radiology, care team, prescription, vaccination,
            rehabilitation, general practitioner, intensive care, blood tests"""
        ),
        "nonprofit": _p(
            """donate, volunteer, charity, donation, foundation, our mission, campaign, fundraising, members,
            non-profit, registered charity, supporters, advocacy, community projects, grant, sponsorship, annual
            report, trustees, humanitarian, help us, membership, relief, causes, beneficiaries, appeal, gift aid,
            impact report, volunteers, solidarity, make a difference"""
        ),
        "company": _p(
            """our services, solutions, customers, industry, manufacturing, consulting, partners, careers, clients,
            expertise, quality, products and services, business, logistics, engineering, supply chain, project
            management, B2B, certified, ISO 9001, headquarters, sustainability, our team, references, contact
            sales, case studies, industrial, procurement, service portfolio, production sites"""
        ),
        "tech": _p(
            """software, cloud, API, developers, platform, open source, SaaS, data analytics, machine learning,
            integration, documentation, release notes, deployment, cybersecurity, infrastructure, app, SDK,
            dashboard, kubernetes, database, encryption, automation, pricing plans, free trial, github, server,
            DevOps, version, changelog, latency"""
        ),
        "blog": _p(
            """my blog, personal, my thoughts, weekend, travel diary, my family, posted by, comments, hobby,
            photography, my garden, life update, reading list, favourite, journal, musings, leave a comment,
            subscribe to my blog, hello friends, my cat, book review, diy project, archive, tags, followers,
            about me, guest post, yesterday I, my kids, I tried"""
        ),
        "adult": _p(
            """adults only, 18+, explicit content, age verification, mature content, nsfw, xxx, erotic, webcam, hot
            videos, adult entertainment, over 18, restricted content, private shows, uncensored, dating for adults,
            sensual, amateur videos, premium members, members area"""
        ),
        "gambling": _p(
            """casino, bet, betting odds, slots, jackpot, poker, roulette, blackjack, free spins, welcome bonus,
            sportsbook, wager, live casino, payout, bookmaker, deposit bonus, lottery, play responsibly, gambling,
            odds, spin, accumulator, in-play betting, high roller, licensed by the gaming authority"""
        ),
        "parked": _p(
            """this domain is for sale, buy this domain, domain parking, make an offer, related searches, sponsored
            listings, the domain owner, domain may be for sale, inquire about this domain, premium domain, parked
            free, register your domain"""
        ),
        "other": _p(
            """club members, fixtures, league table, training sessions, clubhouse, match day, tournament,
            membership fees, event calendar, hobby group, directory listing, tickets, fan club, guild, meetup,
            opening hours, venue, festival, programme, exhibitions, museum, gallery, collection, guided tours,
            society meeting, field trip, quiz night, open day"""
        ),
    },
    "de": {
        "news": _p(
            """Nachrichten, Redaktion, Schlagzeilen, Reporter, Kommentar, Wahlen, Landtag, Stadtrat, Wetter,
            Sportergebnisse, Leitartikel, Interview, Pressekonferenz, Liveticker, Korrespondent, Lokales, Politik,
            Abonnenten, Meinung, Eilmeldung, Bundesliga, Polizeibericht"""
        ),
        "shop": _p(
            """in den Warenkorb, Warenkorb, zur Kasse, versandkostenfrei, auf Lager, Angebot, Rabatt, Preis inkl.
            MwSt., Produktdetails, Größentabelle, Kundenbewertungen, jetzt bestellen, Lieferung, Rücksendung,
            Gutschein, Wunschliste, Neuheiten, Bestseller, Zahlungsarten, Lieferzeit, Sale"""
        ),
        "government": _p(
            """Bürgerservice, Bürgerinnen und Bürger, Verwaltung, Behörde, Ministerium, Verordnung, Antrag,
            Formulare, Bekanntmachung, Amtsblatt, Gemeinderat, Bürgermeister, Landesregierung, Bundesamt,
            Zuständigkeit, Genehmigung, Rathaus, Öffnungszeiten des Bürgeramts, Satzung, Gesetzgebung"""
        ),
        "education": _p(
            """Studium, Studierende, Hochschule, Universität, Fakultät, Vorlesung, Semester, Studiengang,
            Immatrikulation, Bachelor, Master, Promotion, Lehrstuhl, Forschung, Bibliothek, Campus, Prüfungsamt,
            Stipendium, Professorin, Seminar, Lehre"""
        ),
        "finance": _p(
            """Girokonto, Baufinanzierung, Kredit, Zinsen, Sparkonto, Kreditkarte, Geldanlage, Versicherung,
            Altersvorsorge, Depot, Onlinebanking, Finanzberatung, Fonds, Überweisung, IBAN, Börse, Dividende,
            Tagesgeld, Vermögensverwaltung"""
        ),
        "health": _p(
            """Patienten, Klinik, Krankenhaus, Ärztin, Arzt, Sprechstunde, Behandlung, Notaufnahme, ambulant,
            Pflege, Chirurgie, Diagnose, Station, Apotheke, Therapie, Kardiologie, Besuchszeiten, Überweisung vom
            Hausarzt, Geburtshilfe, Radiologie, Rehabilitation"""
        ),
        "nonprofit": _p(
            """spenden, Spende, Ehrenamt, gemeinnützig, Stiftung, unsere Mission, Kampagne, Mitglieder,
            Förderverein, Unterstützer, Projekte, Spendenkonto, Jahresbericht, Vorstand, helfen Sie mit,
            Mitgliedschaft, Nothilfe, Freiwillige, Solidarität"""
        ),
        "company": _p(
            """Leistungen, Lösungen, Kunden, Branche, Fertigung, Beratung, Partner, Karriere, Qualität, Produkte
            und Dienstleistungen, Unternehmen, Logistik, Maschinenbau, Lieferkette, Projektmanagement, zertifiziert
            nach ISO 9001, Firmensitz, Nachhaltigkeit, Referenzen, Standorte"""
        ),
        "tech": _p(
            """Software, Cloud, Schnittstelle, Entwickler, Plattform, Open Source, Datenanalyse, maschinelles
            Lernen, Integration, Dokumentation, Versionshinweise, Bereitstellung, IT-Sicherheit, Infrastruktur,
            App, Datenbank, Verschlüsselung, Automatisierung, Preismodelle, Testversion"""
        ),
        "blog": _p(
            """mein Blog, persönlich, meine Gedanken, Wochenende, Reisetagebuch, meine Familie, Kommentare, Hobby,
            Fotografie, mein Garten, Leseliste, Lieblings, Tagebuch, hinterlasse einen Kommentar, Hallo ihr Lieben,
            Buchrezension, Selbstgemacht, Archiv"""
        ),
        "adult": _p("""nur für Erwachsene, ab 18, Altersverifikation, erotisch, Webcam"""),
        "gambling": _p(
            """Casino, Wetten, Quoten, Spielautomaten, Jackpot, Poker, Roulette, Freispiele, Bonus, Sportwetten"""
        ),
        "parked": _p("""Diese Domain steht zum Verkauf, Domain kaufen, Domainparken, Angebot abgeben"""),
        "other": _p(
            """Vereinsmitglieder, Spielplan, Tabelle, Training, Vereinsheim, Turnier, Mitgliedsbeitrag,
            Veranstaltungskalender, Museum, Ausstellung, Sammlung, Führungen, Öffnungszeiten, Stammtisch"""
        ),
    },
    "fr": {
        "news": _p(
            """actualités, rédaction, à la une, journaliste, éditorial, élections, conseil municipal, météo,
            résultats sportifs, interview, conférence de presse, en direct, correspondant, faits divers,
            politique, abonnés, tribune, dernière minute"""
        ),
        "shop": _p(
            """ajouter au panier, panier, commander, livraison gratuite, en stock, soldes, promotion, prix TTC,
            fiche produit, guide des tailles, avis clients, retours, bon de réduction, nouveautés, meilleures
            ventes, moyens de paiement, paiement sécurisé"""
        ),
        "government": _p(
            """service public, citoyens, démarches administratives, préfecture, mairie, ministère, décret, arrêté,
            formulaire, conseil municipal, collectivité, état civil, réglementation, consultation publique,
            administration, élus"""
        ),
        "education": _p(
            """université, étudiants, inscription, licence, master, doctorat, faculté, campus, cours magistral,
            semestre, formation, bourse, recherche, bibliothèque universitaire, enseignants-chercheurs,
            examens, diplôme"""
        ),
        "finance": _p(
            """compte courant, prêt immobilier, crédit, taux d'intérêt, épargne, carte bancaire, placement,
            assurance vie, retraite, banque en ligne, conseiller financier, virement, IBAN, bourse, dividende"""
        ),
        "health": _p(
            """patients, clinique, hôpital, médecin, rendez-vous, traitement, urgences, consultation, soins
            infirmiers, chirurgie, diagnostic, pharmacie, cardiologie, horaires de visite, maternité, radiologie"""
        ),
        "nonprofit": _p(
            """faire un don, bénévoles, association, fondation, notre mission, campagne, adhérents, collecte,
            reconnue d'utilité publique, projets solidaires, rapport annuel, adhésion, aide humanitaire"""
        ),
        "company": _p(
            """nos services, solutions, clients, industrie, fabrication, conseil, partenaires, carrières, qualité,
            savoir-faire, entreprise, logistique, ingénierie, chaîne d'approvisionnement, certifié ISO 9001,
            siège social, références"""
        ),
        "tech": _p(
            """logiciel, cloud, API, développeurs, plateforme, open source, analyse de données, apprentissage
            automatique, intégration, documentation, déploiement, cybersécurité, infrastructure, application"""
        ),
        "blog": _p(
            """mon blog, personnel, mes pensées, week-end, carnet de voyage, ma famille, commentaires, loisirs,
            photographie, mon jardin, coup de cœur, journal, laissez un commentaire, bonjour à tous"""
        ),
        "adult": _p("""réservé aux adultes, 18 ans et plus, contenu explicite, vérification de l'âge, webcam"""),
        "gambling": _p(
            """casino, paris sportifs, cotes, machines à sous, jackpot, poker, roulette, tours gratuits, bonus"""
        ),
        "parked": _p("""ce domaine est à vendre, acheter ce domaine, parking de domaine, faire une offre"""),
        "other": _p(
            """membres du club, calendrier des rencontres, classement, entraînements, tournoi, cotisation, agenda,
            musée, exposition, collection, visites guidées, horaires d'ouverture"""
        ),
    },
    "es": {
        "news": _p(
            """noticias, redacción, titulares, periodista, editorial, elecciones, entrevista, en directo, última hora"""
        ),
        "shop": _p(
            """añadir al carrito, carrito, pagar, envío gratis, en stock, rebajas, descuento, precio, opiniones"""
        ),
        "government": _p(
            """ayuntamiento, ciudadanos, trámites, ministerio, sede electrónica, normativa, boletín oficial"""
        ),
        "education": _p("""universidad, estudiantes, matrícula, grado, máster, doctorado, facultad, campus, becas"""),
        "finance": _p(
            """cuenta corriente, hipoteca, préstamo, tipo de interés, ahorro, tarjeta de crédito, inversión"""
        ),
        "health": _p("""pacientes, clínica, hospital, médico, cita previa, tratamiento, urgencias, consultas"""),
        "nonprofit": _p(
            """donar, voluntarios, fundación, asociación, nuestra misión, campaña, socios, ayuda humanitaria"""
        ),
        "company": _p(
            """nuestros servicios, soluciones, clientes, industria, fabricación, consultoría, empresa, calidad"""
        ),
        "tech": _p("""software, nube, desarrolladores, plataforma, código abierto, análisis de datos, integración"""),
        "blog": _p("""mi blog, personal, mis pensamientos, fin de semana, diario de viaje, mi familia, comentarios"""),
        "adult": _p("""solo adultos, mayores de 18, contenido explícito, verificación de edad"""),
        "gambling": _p("""casino, apuestas, cuotas, tragaperras, bote, póker, ruleta, giros gratis, bono"""),
        "parked": _p("""este dominio está en venta, comprar este dominio, haga una oferta"""),
        "other": _p("""socios del club, calendario, clasificación, torneo, museo, exposición, visitas guiadas"""),
    },
    "it": {
        "news": _p(
            """notizie, redazione, titoli, giornalista, editoriale, elezioni, intervista, in diretta, ultima ora"""
        ),
        "shop": _p(
            """aggiungi al carrello, carrello, cassa, spedizione gratuita, disponibile, saldi, sconto, prezzo"""
        ),
        "government": _p("""comune, cittadini, servizi online, ministero, normativa, albo pretorio, modulistica"""),
        "education": _p("""università, studenti, iscrizioni, laurea triennale, laurea magistrale, dottorato, ateneo"""),
        "finance": _p(
            """conto corrente, mutuo, prestito, tasso di interesse, risparmio, carta di credito, investimenti"""
        ),
        "health": _p("""pazienti, clinica, ospedale, medico, prenotazione, cura, pronto soccorso, ambulatorio"""),
        "nonprofit": _p("""dona ora, volontari, fondazione, associazione, la nostra missione, campagna, soci"""),
        "company": _p("""i nostri servizi, soluzioni, clienti, industria, produzione, consulenza, azienda, qualità"""),
        "tech": _p("""software, cloud, sviluppatori, piattaforma, open source, analisi dei dati, integrazione"""),
        "blog": _p("""il mio blog, personale, i miei pensieri, fine settimana, diario di viaggio, la mia famiglia"""),
        "adult": _p("""solo per adulti, maggiori di 18 anni, contenuti espliciti, verifica dell'età"""),
        "gambling": _p("""casinò, scommesse, quote, slot, jackpot, poker, roulette, giri gratis, bonus"""),
        "parked": _p("""questo dominio è in vendita, acquista questo dominio, fai un'offerta"""),
        "other": _p("""soci del club, calendario, classifica, torneo, museo, mostra, visite guidate"""),
    },
}
"""Class vocabulary per language: what rules and models learn a page's class from."""

SHIFTED: dict[str, tuple[str, ...]] = {
    "news": _p(
        """dispatch, bulletin, newsletter, podcast episode, feature story, scoop, byline, wire report, columnist,
        explainer, fact check, long read, liveblog, breaking alert, op-ed, investigative desk"""
    ),
    "shop": _p(
        """bag, proceed to payment, complimentary delivery, available now, markdown, promo code, storefront,
        marketplace, buy now pay later, click and collect, restock, bundle deal, loyalty points, flash sale"""
    ),
    "government": _p(
        """civic services, constituents, statute, directive, authority, bylaw, public sector, e-government portal,
        civil service, municipal office, gazette, jurisdiction, decree, administrative procedure"""
    ),
    "education": _p(
        """learners, enrollment portal, coursework, tutors, academy, modules, credits, online courses, learning
        outcomes, cohort, e-learning, micro-credentials, syllabus, teaching staff, study programmes"""
    ),
    "finance": _p(
        """fintech, neobank, crypto wallet, robo-advisor, trading app, savings goal, instant payments, yield,
        digital banking, contactless, brokerage, stablecoin, net worth, budgeting app, peer-to-peer lending"""
    ),
    "health": _p(
        """telehealth, wellness, care provider, practitioner, virtual consultation, health record, screening,
        mental health support, care pathway, clinical, health plan, triage, care home, physiotherapy"""
    ),
    "nonprofit": _p(
        """changemakers, giving, pledge, grassroots, social impact, endowment, philanthropy, benefactors,
        outreach, crowdfunding, community fund, civil society, pro bono, mutual aid, patrons"""
    ),
    "company": _p(
        """enterprise, value chain, stakeholders, synergies, best practices, operational excellence,
        go-to-market, key accounts, turnkey, end-to-end, competencies, verticals, scalability, alliances"""
    ),
    "tech": _p(
        """devtools, serverless, microservices, observability, LLM, AI assistant, low-code, edge computing,
        webhooks, CI/CD, containers, vector database, zero trust, API gateway, telemetry"""
    ),
    "blog": _p(
        """newsletter issue, vlog, personal essay, slow living, my journey, bullet journal, weeknotes, digital
        garden, side project, notes to self, homestead, minimalism, hot take, rambling"""
    ),
    "adult": _p("""creators, fan subscriptions, exclusive clips, private content, verified models, tipping"""),
    "gambling": _p(
        """sweepstakes, esports betting, crash games, crypto casino, daily fantasy, prediction market, instant win,
        parlay, prop bets, cashback rewards"""
    ),
    "parked": _p("""premium name available, acquire this name, domain marketplace, brandable name, lease to own"""),
    "other": _p("""enthusiasts, get-together, community calendar, collectors, workshop series, heritage trail"""),
}
"""The ``vocab`` shift: new terms per class (English), replacing most of ``TERMS['en']``."""

GENERIC: dict[str, tuple[str, ...]] = {
    "en": _p(
        """information, today, more details, our website, contact us, read more, updated, overview, the team,
        this year, last week, new, important, welcome, frequently asked questions, find out, learn more,
        details below, opening times, follow us, latest, useful links, please note, see also"""
    ),
    "de": _p("""Informationen, heute, mehr erfahren, unsere Website, Kontakt, weiterlesen, Übersicht, neu, wichtig"""),
    "fr": _p("""informations, aujourd'hui, en savoir plus, notre site, contact, lire la suite, nouveau, important"""),
    "es": _p("""información, hoy, más detalles, nuestra web, contacto, leer más, nuevo, importante"""),
    "it": _p("""informazioni, oggi, maggiori dettagli, il nostro sito, contatti, leggi di più, nuovo, importante"""),
}
"""Class-neutral words every page carries."""

SENTENCES: dict[str, tuple[str, ...]] = {
    "en": (
        "Find out more about {a} and {b}.",
        "Our {a} team is here to help with {b}.",
        "{A} is at the heart of what we do, together with {b}.",
        "Read the latest on {a}, {b} and {c}.",
        "We have updated our pages on {a} this week.",
        "Questions about {a}? See our notes on {b}.",
        "{A}, {b} and {c}: everything in one place.",
        "Last month we focused on {a} and {b}.",
        "Learn how {a} works and why {b} matters.",
        "{A} remains a priority for {b} in {place}.",
    ),
    "de": (
        "Mehr erfahren über {a} und {b}.",
        "Unser Team hilft Ihnen gern bei {a} und {b}.",
        "{A}, {b} und {c} – alles auf einen Blick.",
        "Aktuelles zu {a} aus {place}.",
        "Wir informieren Sie über {a} und {b}.",
    ),
    "fr": (
        "En savoir plus sur {a} et {b}.",
        "Notre équipe vous accompagne pour {a} et {b}.",
        "{A}, {b} et {c} : tout au même endroit.",
        "Les dernières nouvelles sur {a} à {place}.",
        "Découvrez {a} et {b}.",
    ),
    "es": (
        "Más información sobre {a} y {b}.",
        "Nuestro equipo le ayuda con {a} y {b}.",
        "{A}, {b} y {c}: todo en un solo lugar.",
        "Lo último sobre {a} en {place}.",
    ),
    "it": (
        "Scopri di più su {a} e {b}.",
        "Il nostro team ti aiuta con {a} e {b}.",
        "{A}, {b} e {c}: tutto in un unico posto.",
        "Le ultime novità su {a} a {place}.",
    ),
}
"""Class-neutral sentence frames; the slots take class terms (or generic words)."""

UI: dict[str, dict[str, str]] = {
    "en": {
        "home": "Home",
        "about": "About us",
        "contact": "Contact",
        "legal": "Legal notice",
        "privacy": "Privacy policy",
        "rights": "All rights reserved",
        "cookie": "We use cookies to improve your experience. By continuing you accept our use of cookies.",
        "accept": "Accept all",
        "partners": "Our partners",
        "subsidiary": "{sub} is a subsidiary of {parent}.",
        "member": "A member of the {parent} group",
        "brand_of": "{brand} is a brand of {legal}.",
        "trading": "{brand} is a trading name of {legal}.",
        "operated": "This website is operated by {legal}.",
        "email": "Email",
        "phone": "Phone",
        "search": "Search",
        "news": "News",
        "welcome": "Welcome to {name}",
    },
    "de": {
        "home": "Startseite",
        "about": "Über uns",
        "contact": "Kontakt",
        "legal": "Impressum",
        "privacy": "Datenschutz",
        "rights": "Alle Rechte vorbehalten",
        "cookie": "Wir verwenden Cookies, um unsere Website für Sie optimal zu gestalten.",
        "accept": "Alle akzeptieren",
        "partners": "Unsere Partner",
        "subsidiary": "Die {sub} ist ein Tochterunternehmen der {parent}.",
        "member": "Ein Unternehmen der {parent}",
        "brand_of": "{brand} ist eine Marke der {legal}.",
        "trading": "{brand} ist eine Marke der {legal}.",
        "operated": "Betreiber dieser Website ist die {legal}.",
        "email": "E-Mail",
        "phone": "Telefon",
        "search": "Suche",
        "news": "Aktuelles",
        "welcome": "Willkommen bei {name}",
    },
    "fr": {
        "home": "Accueil",
        "about": "Qui sommes-nous",
        "contact": "Contact",
        "legal": "Mentions légales",
        "privacy": "Politique de confidentialité",
        "rights": "Tous droits réservés",
        "cookie": "Nous utilisons des cookies pour améliorer votre expérience.",
        "accept": "Tout accepter",
        "partners": "Nos partenaires",
        "subsidiary": "{sub} est une filiale de {parent}.",
        "member": "Une société du groupe {parent}",
        "brand_of": "{brand} est une marque de {legal}.",
        "trading": "{brand} est une marque de {legal}.",
        "operated": "Ce site est édité par {legal}.",
        "email": "E-mail",
        "phone": "Téléphone",
        "search": "Rechercher",
        "news": "Actualités",
        "welcome": "Bienvenue chez {name}",
    },
    "es": {
        "home": "Inicio",
        "about": "Quiénes somos",
        "contact": "Contacto",
        "legal": "Aviso legal",
        "privacy": "Política de privacidad",
        "rights": "Todos los derechos reservados",
        "cookie": "Utilizamos cookies para mejorar su experiencia.",
        "accept": "Aceptar todo",
        "partners": "Nuestros socios",
        "subsidiary": "{sub} es una filial de {parent}.",
        "member": "Una empresa del grupo {parent}",
        "brand_of": "{brand} es una marca de {legal}.",
        "trading": "{brand} es una marca de {legal}.",
        "operated": "Este sitio web es operado por {legal}.",
        "email": "Correo",
        "phone": "Teléfono",
        "search": "Buscar",
        "news": "Noticias",
        "welcome": "Bienvenido a {name}",
    },
    "it": {
        "home": "Home",
        "about": "Chi siamo",
        "contact": "Contatti",
        "legal": "Note legali",
        "privacy": "Informativa sulla privacy",
        "rights": "Tutti i diritti riservati",
        "cookie": "Utilizziamo i cookie per migliorare la tua esperienza.",
        "accept": "Accetta tutti",
        "partners": "I nostri partner",
        "subsidiary": "{sub} è una controllata di {parent}.",
        "member": "Una società del gruppo {parent}",
        "brand_of": "{brand} è un marchio di {legal}.",
        "trading": "{brand} è un marchio di {legal}.",
        "operated": "Questo sito è gestito da {legal}.",
        "email": "Email",
        "phone": "Telefono",
        "search": "Cerca",
        "news": "Notizie",
        "welcome": "Benvenuti da {name}",
    },
}
"""Navigation and boilerplate strings per language."""
