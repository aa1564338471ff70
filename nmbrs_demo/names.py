"""Dutch-looking tables the demo data draws from: names, places, banks, departments, functions.

All of it is fictitious sample material. Kept as plain tuples so that importing it is cheap and the
generator can index into it with a seeded random number generator.
"""

from __future__ import annotations

from typing import NamedTuple

MALE_FIRST_NAMES: tuple[str, ...] = (
    "Jan",
    "Pieter",
    "Kees",
    "Henk",
    "Willem",
    "Johan",
    "Gerrit",
    "Dirk",
    "Bram",
    "Daan",
    "Sem",
    "Lucas",
    "Thijs",
    "Ruben",
    "Jeroen",
    "Martijn",
    "Sander",
    "Bas",
    "Niels",
    "Joost",
    "Maarten",
    "Wouter",
    "Stefan",
    "Rik",
    "Koen",
    "Tom",
    "Arjen",
    "Erik",
    "Marco",
    "Jasper",
    "Mohamed",
    "Youssef",
    "Mehmet",
    "Stijn",
    "Finn",
    "Levi",
    "Milan",
    "Jesse",
    "Teun",
    "Hugo",
    "René",
    "André",
    "Joël",
    "Noël",
    "Frédéric",
    "Gijs",
    "Hendrik",
    "Cornelis",
    "Adriaan",
    "Floris",
)

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Anna",
    "Maria",
    "Johanna",
    "Els",
    "Ingrid",
    "Marieke",
    "Sanne",
    "Lotte",
    "Emma",
    "Julia",
    "Sophie",
    "Fleur",
    "Lisa",
    "Eva",
    "Anouk",
    "Femke",
    "Iris",
    "Noor",
    "Sara",
    "Tessa",
    "Linda",
    "Monique",
    "Petra",
    "Wilma",
    "Karin",
    "Esther",
    "Nicole",
    "Joyce",
    "Kim",
    "Laura",
    "Fatima",
    "Yasmina",
    "Ayşe",
    "Mila",
    "Zoë",
    "Chloë",
    "Noëlle",
    "Renée",
    "Hélène",
    "Inge",
    "Margriet",
    "Annelies",
    "Mirjam",
    "Hanneke",
    "Janneke",
    "Roos",
    "Nina",
    "Lieke",
    "Britt",
    "Amber",
)

# (prefix, last name); prefix "" means no tussenvoegsel.
LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("de", "Jong"),
    ("", "Jansen"),
    ("de", "Vries"),
    ("van den", "Berg"),
    ("van", "Dijk"),
    ("", "Bakker"),
    ("", "Janssen"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("", "Dijkstra"),
    ("", "Smits"),
    ("de", "Graaf"),
    ("van der", "Meer"),
    ("van der", "Linden"),
    ("", "Kok"),
    ("", "Jacobs"),
    ("de", "Haan"),
    ("", "Vermeulen"),
    ("van den", "Heuvel"),
    ("van der", "Veen"),
    ("van den", "Broek"),
    ("de", "Bruijn"),
    ("de", "Bruin"),
    ("van der", "Heijden"),
    ("", "Schouten"),
    ("van", "Beek"),
    ("", "Willems"),
    ("van", "Vliet"),
    ("van de", "Ven"),
    ("", "Hoekstra"),
    ("", "Maas"),
    ("", "Verhoeven"),
    ("", "Koster"),
    ("van", "Dam"),
    ("van der", "Wal"),
    ("", "Prins"),
    ("", "Blom"),
    ("", "Huisman"),
    ("ten", "Brink"),
    ("ter", "Horst"),
    ("te", "Velde"),
    ("op den", "Kamp"),
    ("in 't", "Veld"),
    ("van 't", "Hof"),
    ("", "Yılmaz"),
    ("", "El Amrani"),
    ("", "Öztürk"),
    ("", "Kowalski"),
    ("", "Nguyen"),
    ("", "Gerritsen"),
    ("", "Kuipers"),
    ("", "Postma"),
    ("van", "Wijk"),
    ("", "Claassen"),
    ("", "Wolters"),
    ("", "Timmermans"),
    ("van", "Rooij"),
    ("", "Sanders"),
)

TITLES: tuple[str, ...] = ("ing.", "ir.", "mr.", "drs.", "dr.")
TITLES_AFTER: tuple[str, ...] = ("MSc", "BSc", "MBA", "LLM")


class City(NamedTuple):
    name: str
    postcode_from: int
    postcode_to: int
    area_code: str


CITIES: tuple[City, ...] = (
    City("Amsterdam", 1011, 1109, "020"),
    City("Rotterdam", 3011, 3089, "010"),
    City("Den Haag", 2491, 2599, "070"),
    City("Utrecht", 3511, 3585, "030"),
    City("Eindhoven", 5611, 5658, "040"),
    City("Groningen", 9711, 9747, "050"),
    City("Tilburg", 5011, 5049, "013"),
    City("Almere", 1311, 1365, "036"),
    City("Breda", 4811, 4839, "076"),
    City("Nijmegen", 6511, 6546, "024"),
    City("Apeldoorn", 7311, 7339, "055"),
    City("Haarlem", 2011, 2037, "023"),
    City("Arnhem", 6811, 6846, "026"),
    City("Enschede", 7511, 7548, "053"),
    City("Amersfoort", 3811, 3829, "033"),
    City("Zwolle", 8011, 8048, "038"),
    City("Leiden", 2311, 2334, "071"),
    City("Maastricht", 6211, 6229, "043"),
    City("Dordrecht", 3311, 3319, "078"),
    City("Delft", 2611, 2629, "015"),
    City("Alkmaar", 1811, 1827, "072"),
    City("Deventer", 7411, 7429, "0570"),
    City("Leeuwarden", 8911, 8939, "058"),
    City("'s-Hertogenbosch", 5211, 5248, "073"),
    City("Gouda", 2801, 2809, "0182"),
    City("Venlo", 5911, 5929, "077"),
)

STREETS: tuple[str, ...] = (
    "Kerkstraat",
    "Dorpsstraat",
    "Schoolstraat",
    "Molenweg",
    "Stationsweg",
    "Julianastraat",
    "Beatrixlaan",
    "Wilhelminastraat",
    "Prins Bernhardlaan",
    "Hoofdstraat",
    "Nieuwstraat",
    "Marktplein",
    "Eikenlaan",
    "Beukenlaan",
    "Lindenlaan",
    "Kastanjelaan",
    "Berkenweg",
    "Parallelweg",
    "Industrieweg",
    "Sportlaan",
    "Vondelstraat",
    "Rembrandtlaan",
    "Spoorstraat",
    "Koningin Emmastraat",
    "Oranjestraat",
    "Tulpstraat",
    "Rozenstraat",
    "Zonnebloemstraat",
    "Havenstraat",
    "Prinsengracht",
    "Oude Gracht",
    "Van Goghstraat",
    "Mozartlaan",
    "Händelstraat",
    "Kanaalweg",
    "Weteringstraat",
    "Polderweg",
    "Dijkweg",
    "Emmalaan",
    "Populierenlaan",
    "Meidoornstraat",
    "Zuiderzeeweg",
    "Leliestraat",
    "Hoogstraat",
)

HOUSE_NUMBER_ADDITIONS: tuple[str, ...] = ("A", "B", "C", "1", "2", "bis", "hs", "I", "II", "III")

# Letters used in real postcodes (F, I, O, Q, U, Y are not issued); SA, SD and SS are skipped too.
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
POSTCODE_SKIPPED_PAIRS = frozenset({"SA", "SD", "SS"})


class Bank(NamedTuple):
    code: str
    bic: str
    name: str
    weight: int


BANKS: tuple[Bank, ...] = (
    Bank("INGB", "INGBNL2A", "ING Bank", 35),
    Bank("RABO", "RABONL2U", "Rabobank", 25),
    Bank("ABNA", "ABNANL2A", "ABN AMRO", 20),
    Bank("SNSB", "SNSBNL2A", "SNS", 6),
    Bank("ASNB", "ASNBNL21", "ASN Bank", 4),
    Bank("TRIO", "TRIONL2U", "Triodos Bank", 3),
    Bank("KNAB", "KNABNL2H", "Knab", 3),
    Bank("BUNQ", "BUNQNL2A", "bunq", 4),
)

BIC_BY_BANK_CODE: dict[str, str] = {bank.code: bank.bic for bank in BANKS}


class FunctionSpec(NamedTuple):
    code: int
    description: str
    monthly_min: int  # full-time gross per month, euros
    monthly_max: int


class DepartmentSpec(NamedTuple):
    code: int
    description: str
    functions: tuple[FunctionSpec, ...]


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        10,
        "Directie",
        (
            FunctionSpec(101, "Directeur", 6500, 11000),
            FunctionSpec(102, "Managementassistent", 3000, 4200),
        ),
    ),
    DepartmentSpec(
        20,
        "Administratie",
        (
            FunctionSpec(201, "Salarisadministrateur", 3000, 4500),
            FunctionSpec(202, "Boekhouder", 2900, 4300),
            FunctionSpec(203, "Administratief medewerker", 2400, 3300),
            FunctionSpec(204, "Controller", 4800, 7000),
        ),
    ),
    DepartmentSpec(
        30,
        "Magazijn",
        (
            FunctionSpec(301, "Magazijnmedewerker", 2200, 2900),
            FunctionSpec(302, "Heftruckchauffeur", 2400, 3100),
            FunctionSpec(303, "Teamleider magazijn", 3000, 3900),
        ),
    ),
    DepartmentSpec(
        40,
        "Verkoop",
        (
            FunctionSpec(401, "Verkoopmedewerker binnendienst", 2500, 3500),
            FunctionSpec(402, "Accountmanager", 3400, 5200),
        ),
    ),
    DepartmentSpec(
        50,
        "Klantenservice",
        (
            FunctionSpec(501, "Klantenservicemedewerker", 2300, 3000),
            FunctionSpec(502, "Teamleider klantenservice", 3100, 4000),
        ),
    ),
    DepartmentSpec(
        60,
        "Productie",
        (
            FunctionSpec(601, "Productiemedewerker", 2200, 2900),
            FunctionSpec(602, "Operator", 2500, 3300),
            FunctionSpec(603, "Ploegleider", 3100, 4000),
        ),
    ),
    DepartmentSpec(
        70,
        "Logistiek",
        (
            FunctionSpec(701, "Chauffeur", 2400, 3200),
            FunctionSpec(702, "Planner", 2900, 4000),
        ),
    ),
    DepartmentSpec(
        80,
        "ICT",
        (
            FunctionSpec(801, "ICT-beheerder", 3200, 4800),
            FunctionSpec(802, "Software-ontwikkelaar", 3600, 6200),
        ),
    ),
    DepartmentSpec(
        90,
        "Personeelszaken",
        (
            FunctionSpec(901, "HR-adviseur", 3300, 4900),
            FunctionSpec(902, "Recruiter", 3000, 4300),
        ),
    ),
    DepartmentSpec(
        100,
        "Techniek",
        (
            FunctionSpec(1001, "Monteur", 2600, 3600),
            FunctionSpec(1002, "Servicetechnicus", 2800, 3900),
        ),
    ),
    DepartmentSpec(
        110,
        "Facilitair",
        (
            FunctionSpec(1101, "Receptionist", 2200, 2800),
            FunctionSpec(1102, "Schoonmaker", 2100, 2500),
        ),
    ),
    DepartmentSpec(
        120,
        "Keuken",
        (
            FunctionSpec(1201, "Kok", 2400, 3300),
            FunctionSpec(1202, "Bedieningsmedewerker", 2100, 2600),
        ),
    ),
)

# Company names: "<first part> <second part> B.V.".
COMPANY_FIRST_PARTS: tuple[str, ...] = (
    "Van Dijk",
    "De Vries",
    "Noordzee",
    "Groenveld",
    "Hollandse",
    "Zuidwest",
    "Brabantse",
    "Friese",
    "Veluwse",
    "Rijnmond",
    "Amstel",
    "Maasland",
    "IJssel",
    "Kennemer",
    "Twentse",
    "Zeeuwse",
    "Limburgse",
    "Gooise",
    "Waddenzee",
    "Polderland",
    "Dijkstra",
    "Bakker",
    "Smit & Zn.",
    "Visser",
    "Meijer",
    "Mulder",
    "De Molen",
    "De Zwaan",
    "Oranje",
    "Delta",
)
COMPANY_SECOND_PARTS: tuple[str, ...] = (
    "Logistiek",
    "Installatietechniek",
    "Bouw",
    "Zorg",
    "Transport",
    "Bakkerij",
    "Metaalbewerking",
    "Horeca",
    "Schoonmaak",
    "Advies",
    "Software",
    "Detailhandel",
    "Groothandel",
    "Kinderopvang",
    "Drukkerij",
    "Tuinbouw",
    "Automotive",
    "Verpakkingen",
    "Elektrotechniek",
    "Accountants",
    "Makelaardij",
    "Catering",
    "Beveiliging",
    "Uitzendbureau",
)

DEBTOR_NAMES: tuple[str, ...] = (
    "Holding",
    "Groep",
    "Beheer",
    "Investments",
    "Participaties",
    "Familiebedrijven",
)

EMERGENCY_RELATIONS: tuple[str, ...] = ("Partner", "Moeder", "Vader", "Broer", "Zus", "Vriend(in)")

# Marital status and name-use codes as text (GBA "aanduiding naamgebruik": E, P, V, N).
MARITAL_STATUSES: tuple[str, ...] = (
    "Ongehuwd",
    "Gehuwd",
    "Samenwonend",
    "Geregistreerd partnerschap",
    "Gescheiden",
)
NAME_USE_CODES: tuple[str, ...] = ("E", "P", "V", "N")

PRIVATE_MAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.net", "example.org")
