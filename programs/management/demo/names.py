"""People, places and startup names for the generated call, in three languages.

Names are composed (first name + family name, a prefix + a sector word), so
ten thousand teams read like a real call without a list of ten thousand.
"""

from random import Random

from startups.enums import Country, Region, Sector

# Kazakh names: (first names of men, of women, family names as men's, as women's).
KAZAKH_MEN = [
    "Nurlan",
    "Aibek",
    "Yerlan",
    "Daulet",
    "Timur",
    "Askar",
    "Bauyrzhan",
    "Yerzhan",
    "Arman",
    "Dias",
    "Alikhan",
    "Sanzhar",
    "Nursultan",
    "Azamat",
    "Olzhas",
    "Madi",
]
KAZAKH_WOMEN = [
    "Aigerim",
    "Dana",
    "Saule",
    "Gulnara",
    "Aruzhan",
    "Madina",
    "Dinara",
    "Zhanna",
    "Assel",
    "Aizhan",
    "Kamila",
    "Tomiris",
    "Zarina",
    "Akbota",
    "Moldir",
    "Ainur",
]
KAZAKH_FAMILIES = [
    ("Nurlanov", "Nurlanova"),
    ("Seitkali", "Seitkali"),
    ("Abenov", "Abenova"),
    ("Zhakupov", "Zhakupova"),
    ("Tulegenov", "Tulegenova"),
    ("Omarov", "Omarova"),
    ("Serikbayev", "Serikbayeva"),
    ("Mukhamediyar", "Mukhamediyar"),
    ("Kassymov", "Kassymova"),
    ("Baimukhanov", "Baimukhanova"),
    ("Iskakov", "Iskakova"),
    ("Dzhaksybekov", "Dzhaksybekova"),
]
RUSSIAN_MEN = ["Dmitry", "Sergey", "Alexey", "Andrey", "Ivan", "Pavel", "Maxim", "Konstantin"]
RUSSIAN_WOMEN = ["Anna", "Elena", "Olga", "Natalia", "Irina", "Yulia", "Ekaterina", "Svetlana"]
RUSSIAN_FAMILIES = [
    ("Ivanov", "Ivanova"),
    ("Kuznetsov", "Kuznetsova"),
    ("Popov", "Popova"),
    ("Volkov", "Volkova"),
    ("Sokolov", "Sokolova"),
    ("Lebedev", "Lebedeva"),
    ("Morozov", "Morozova"),
    ("Pavlenko", "Pavlenko"),
    ("Kim", "Kim"),
    ("Tsoi", "Tsoi"),
]
# Names heard in the other CIS countries, by country.
CIS_PEOPLE = {
    Country.UZBEKISTAN: (["Jasur", "Sherzod", "Dilnoza", "Malika"], ["Karimov", "Tashkentova"]),
    Country.KYRGYZSTAN: (["Bakyt", "Aizada", "Nurbek", "Cholpon"], ["Asanov", "Toktogulova"]),
    Country.TAJIKISTAN: (["Farrukh", "Nigora", "Rustam", "Zarina"], ["Rahimov", "Saidova"]),
    Country.ARMENIA: (["Armen", "Ani", "Tigran", "Lusine"], ["Hakobyan", "Sargsyan"]),
    Country.AZERBAIJAN: (["Elvin", "Leyla", "Rashad", "Aysel"], ["Aliyev", "Mammadova"]),
    Country.BELARUS: (["Andrei", "Volha", "Siarhei", "Hanna"], ["Kavalenka", "Novik"]),
    Country.MOLDOVA: (["Ion", "Maria", "Victor", "Elena"], ["Rusu", "Ciobanu"]),
    Country.RUSSIA: (["Mikhail", "Daria", "Artem", "Polina"], ["Smirnov", "Orlova"]),
    Country.TURKMENISTAN: (["Merdan", "Ogulgerek", "Serdar", "Jahan"], ["Annayev", "Orazova"]),
}
# Cities of the other CIS countries (their startups have no Kazakh region).
CIS_CITIES = {
    Country.UZBEKISTAN: ["Tashkent", "Samarkand", "Bukhara"],
    Country.KYRGYZSTAN: ["Bishkek", "Osh"],
    Country.TAJIKISTAN: ["Dushanbe", "Khujand"],
    Country.ARMENIA: ["Yerevan", "Gyumri"],
    Country.AZERBAIJAN: ["Baku", "Ganja"],
    Country.BELARUS: ["Minsk", "Grodno"],
    Country.MOLDOVA: ["Chisinau"],
    Country.RUSSIA: ["Novosibirsk", "Kazan", "Omsk"],
    Country.TURKMENISTAN: ["Ashgabat"],
}
# Kazakhstan's regions weighted roughly by how many startups they send.
REGION_WEIGHTS = {
    Region.ALMATY_CITY: 26,
    Region.ASTANA: 22,
    Region.SHYMKENT: 6,
    Region.KARAGANDA: 5,
    Region.EAST_KAZAKHSTAN: 3,
    Region.PAVLODAR: 3,
    Region.AKTOBE: 3,
    Region.ATYRAU: 3,
    Region.MANGYSTAU: 3,
    Region.KOSTANAY: 2,
    Region.TURKISTAN: 2,
    Region.ALMATY: 3,
    Region.AKMOLA: 2,
    Region.JAMBYL: 2,
    Region.KYZYLORDA: 2,
    Region.NORTH_KAZAKHSTAN: 2,
    Region.WEST_KAZAKHSTAN: 2,
    Region.ABAI: 2,
    Region.JETISU: 2,
    Region.ULYTAU: 1,
}
# A place name each region's texts can use ("in Karaganda", "в Караганде").
REGION_PLACES = {
    "en": {
        Region.ALMATY_CITY: "Almaty",
        Region.ASTANA: "Astana",
        Region.SHYMKENT: "Shymkent",
        Region.KARAGANDA: "Karaganda",
        Region.PAVLODAR: "Pavlodar",
        Region.AKTOBE: "Aktobe",
        Region.ATYRAU: "Atyrau",
        Region.MANGYSTAU: "Aktau",
        Region.KOSTANAY: "Kostanay",
    },
    "ru": {
        Region.ALMATY_CITY: "Алматы",
        Region.ASTANA: "Астане",
        Region.SHYMKENT: "Шымкенте",
        Region.KARAGANDA: "Караганде",
        Region.PAVLODAR: "Павлодаре",
        Region.AKTOBE: "Актобе",
        Region.ATYRAU: "Атырау",
        Region.MANGYSTAU: "Актау",
        Region.KOSTANAY: "Костанае",
    },
    "kk": {
        Region.ALMATY_CITY: "Алматы",
        Region.ASTANA: "Астана",
        Region.SHYMKENT: "Шымкент",
        Region.KARAGANDA: "Қарағанды",
        Region.PAVLODAR: "Павлодар",
        Region.AKTOBE: "Ақтөбе",
        Region.ATYRAU: "Атырау",
        Region.MANGYSTAU: "Ақтау",
        Region.KOSTANAY: "Қостанай",
    },
}
# Where no city is named, the texts say "in our region".
REGION_FALLBACK = {"en": "in our region", "ru": "в нашем регионе", "kk": "өз өңірімізде"}
# The other CIS cities in Cyrillic, for the Russian and Kazakh texts.
CIS_CITIES_CYRILLIC = {
    "Tashkent": "Ташкент",
    "Samarkand": "Самарканд",
    "Bukhara": "Бухара",
    "Bishkek": "Бишкек",
    "Osh": "Ош",
    "Dushanbe": "Душанбе",
    "Khujand": "Худжанд",
    "Yerevan": "Ереван",
    "Gyumri": "Гюмри",
    "Baku": "Баку",
    "Ganja": "Гянджа",
    "Minsk": "Минск",
    "Grodno": "Гродно",
    "Chisinau": "Кишинёв",
    "Novosibirsk": "Новосибирск",
    "Kazan": "Казань",
    "Omsk": "Омск",
    "Ashgabat": "Ашхабад",
}

# Startup names: a prefix in the founder's language and a word for the sector.
NAME_PREFIXES = {
    "en": ["Steppe", "Nomad", "Silk Road", "Caspian", "Altai", "Tien Shan", "Open", "Bright"],
    "ru": ["Степь", "Кочевник", "Шёлковый путь", "Каспий", "Алтай", "Вектор", "Смарт", "Точка"],
    "kk": ["Дала", "Көшпелі", "Тұлпар", "Алтын", "Көкжиек", "Ақ Жол", "Самға", "Жасыл"],
}
NAME_SECTOR_WORDS = {
    Sector.INDUSTRY_40: ["Robotics", "Factory", "Sensors", "Automation"],
    Sector.NEW_MATERIALS: ["Materials", "Composites", "Polymers", "Ceramics"],
    Sector.FINTECH: ["Pay", "Ledger", "Credit", "Wallet"],
    Sector.SMART_CITY: ["Mobility", "Transit", "City", "Parking"],
    Sector.AGRITECH: ["Agro", "Harvest", "Farm", "Irrigation"],
    Sector.EDTECH: ["Learn", "Bilim", "Academy", "Tutor"],
    Sector.HEALTHTECH: ["Health", "Med", "Care", "Diagnostics"],
    Sector.GREENTECH: ["Energy", "Solar", "Grid", "Recycling"],
    Sector.AI: ["Data", "Vision", "Analytics", "AI"],
    Sector.OTHER: ["Labs", "Works", "Studio", "Hub"],
}
# Cyrillic brand words for Russian and Kazakh names (loanwords read the same in both).
NAME_SECTOR_WORDS_CYRILLIC = {
    Sector.INDUSTRY_40: ["Роботикс", "Автоматика", "Сенсор"],
    Sector.NEW_MATERIALS: ["Композит", "Полимер", "Базальт"],
    Sector.FINTECH: ["Пэй", "Касса", "Финанс"],
    Sector.SMART_CITY: ["Транзит", "Сити", "Мобилити"],
    Sector.AGRITECH: ["Агро", "Фарм", "Агротех"],
    Sector.EDTECH: ["Білім", "Академия", "Мектеп"],
    Sector.HEALTHTECH: ["Мед", "Клиник", "Диагностика"],
    Sector.GREENTECH: ["Энерго", "Солар", "Грид"],
    Sector.AI: ["Дата", "Аналитика", "Вижн"],
    Sector.OTHER: ["Лаб", "Хаб", "Студио"],
}
NAME_SUFFIXES_CYRILLIC = ["", "", "", " Тех", " Лаб", " KZ", " Про", " Групп"]
NAME_SUFFIXES = ["", "", "", " Tech", " Lab", " Systems", " KZ", " Pro", " Group", " One"]

# Generated reviewers come from universities, funds and industry.
REVIEWER_AFFILIATIONS = ["kbtu", "nu", "satbayev", "iqanat", "qazinnovations", "techpark"]


def person_name(rng: Random, country: str, language: str) -> str:
    """A full name as the person writes it in the portal (Latin letters)."""
    if country != Country.KAZAKHSTAN and country in CIS_PEOPLE:
        firsts, families = CIS_PEOPLE[country]
        return f"{rng.choice(firsts)} {rng.choice(families)}"
    woman = rng.random() < 0.45
    if language == "ru" and rng.random() < 0.4:
        first = rng.choice(RUSSIAN_WOMEN if woman else RUSSIAN_MEN)
        family = rng.choice(RUSSIAN_FAMILIES)[1 if woman else 0]
    else:
        first = rng.choice(KAZAKH_WOMEN if woman else KAZAKH_MEN)
        family = rng.choice(KAZAKH_FAMILIES)[1 if woman else 0]
    return f"{first} {family}"


def startup_name(rng: Random, sector: str, language: str, used: set[str]) -> str:
    """A startup name not used before in this call (a city or a number makes it so)."""
    # Half of the Russian- and Kazakh-speaking teams still pick a Latin brand.
    if language == "en" or rng.random() < 0.5:
        prefix = rng.choice(NAME_PREFIXES["en"])
        word = rng.choice(NAME_SECTOR_WORDS[Sector(sector)])
        suffix = rng.choice(NAME_SUFFIXES)
    else:
        prefix = rng.choice(NAME_PREFIXES[language])
        word = rng.choice(NAME_SECTOR_WORDS_CYRILLIC[Sector(sector)])
        suffix = rng.choice(NAME_SUFFIXES_CYRILLIC)
    base = f"{prefix} {word}{suffix}"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base} {n}"
    used.add(name)
    return name


def place_in(region: str, city: str, language: str) -> str:
    """Where the team works, as a text says it: "in Almaty", "в Астане", "Ақтау қаласында"."""
    if city:
        if language == "en":
            return f"in {city}"
        local = CIS_CITIES_CYRILLIC.get(city, city)
        return f"в г. {local}" if language == "ru" else f"{local} қаласында"
    known = REGION_PLACES[language].get(Region(region)) if region else None
    if known is None:
        return REGION_FALLBACK[language]
    return {"en": f"in {known}", "ru": f"в {known}", "kk": f"{known} қаласында"}[language]
