"""The tables synthetic traffic is drawn from: posts, travellers, names, documents, carriers.

Weights are relative; figures are plausible for Haiti, not statistics.
"""

WINDOW_DAYS = 365  # the traffic covers the year ending today

# --- Posts: counters, days and hours -------------------------------------------------------------

# (code, name, direction it serves or "" for both)
AIR_COUNTERS = [("A1", "Arrivées 1", "entry"), ("A2", "Arrivées 2", "entry")]
AIR_COUNTERS += [("D1", "Départs 1", "exit"), ("D2", "Départs 2", "exit")]
COUNTERS = {
    "PAP": [*AIR_COUNTERS, ("A3", "Arrivées 3", "entry")],
    "air": AIR_COUNTERS,
    "land": [("1", "Guichet 1", ""), ("2", "Guichet 2", "")],
    "sea": [("1", "Guichet 1", "")],
}
# Monday to Sunday. Dajabón's binational market (Monday and Friday) draws Ouanaminthe across the
# border; the other border markets are smaller.
WEEKDAYS = {
    "air": (0.85, 0.8, 0.8, 0.9, 1.1, 1.3, 1.35),
    "OUA": (3.0, 0.6, 0.6, 0.6, 3.0, 0.5, 0.2),
    "BEL": (1.8, 0.8, 0.8, 0.8, 1.8, 0.6, 0.3),
    "AAP": (1.8, 0.8, 0.8, 0.8, 1.8, 0.6, 0.3),
    "land": (1.1, 1.0, 1.0, 1.0, 1.1, 0.9, 0.6),
    "sea": (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5),
}
MONTHS = {  # January to December: the diaspora comes home in summer and for the holidays
    "air": (1.15, 0.85, 0.9, 0.95, 0.85, 0.95, 1.45, 1.4, 0.85, 0.8, 0.9, 1.6),
    "land": (1.0, 0.95, 1.0, 1.05, 1.0, 0.95, 1.05, 1.05, 0.95, 0.95, 1.0, 1.25),
    "sea": (1.0, 0.9, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 0.9, 0.9, 1.0, 1.1),
}
# (kind, direction, weekend): the first hour and the weights of the hours from it on.
HOURS = {
    ("air", "entry", False): (10, (0.3, 0.8, 1, 1.2, 1.3, 1.3, 1.1, 0.9, 0.5, 0.2)),
    ("air", "entry", True): (10, (0.2, 0.5, 0.8, 1.5, 1.8, 1.8, 1.5, 1.1, 0.6, 0.3)),
    ("air", "exit", False): (7, (0.3, 0.7, 1, 1.1, 1.1, 1, 0.9, 0.8, 0.6, 0.4, 0.2)),
    ("air", "exit", True): (7, (0.2, 0.5, 0.8, 0.9, 1, 1.1, 1.3, 1.3, 1, 0.6, 0.3)),
    ("land", "entry", False): (8, (1.5, 1.8, 1.6, 1.2, 0.8, 0.6, 0.6, 0.5, 0.4, 0.2)),
    ("land", "exit", False): (8, (0.4, 0.5, 0.6, 0.8, 1.2, 1.5, 1.7, 1.6, 1.2, 0.5)),
    ("sea", "entry", False): (7, (1,) * 11),
    ("sea", "exit", False): (7, (1,) * 11),
}

# --- Who travels ---------------------------------------------------------------------------------

# Profiles of travellers: how many of them, and where they cross.
PROFILES = {
    "diaspora": 22,  # Haitians living abroad, home for a few weeks
    "resident": 10,  # Haitians living in Haiti, back from a trip and off again
    "visitor": 22,  # foreigners, mostly by air
    "border_card": 14,  # Dominican residents of the border zone, a border card typed by hand
    "dominican": 8,  # Dominicans with a passport or identity card
    "haitian_land": 19,  # Haitian traders and workers across the land border
    "sea": 5,  # crews and passengers by sea
}
POSTS = {
    "diaspora": {"PAP": 70, "CAP": 30},
    "resident": {"PAP": 80, "CAP": 20},
    "visitor": {"PAP": 80, "CAP": 20},
    "border_card": {"OUA": 60, "BEL": 15, "MAL": 10, "AAP": 15},
    "dominican": {"MAL": 40, "OUA": 30, "BEL": 10, "AAP": 5, "PAP": 15},
    "haitian_land": {"OUA": 45, "MAL": 30, "BEL": 13, "AAP": 12},
    "sea": {"PAPM": 35, "CAPM": 25, "PAXM": 10, "GVSM": 6, "SMCM": 6, "MIRM": 4, "JAKM": 5},
}
POSTS["sea"] |= {"CYAM": 4, "JEEM": 3, "FLBM": 2}
TRIPS = {  # trips in the year (for those who live in Haiti: 1 + trips abroad)
    "diaspora": {1: 60, 2: 30, 3: 10},
    "resident": {1: 30, 2: 50, 3: 20},
    "visitor": {1: 65, 2: 25, 3: 7, 4: 3},
    "border_card": {1: 45, 2: 25, 3: 12, 4: 8, 6: 6, 10: 4},
    "dominican": {1: 75, 2: 20, 3: 5},
    "haitian_land": {1: 35, 2: 35, 3: 18, 5: 12},
    "sea": {1: 85, 2: 15},
}
PURPOSES = {  # "" is no purpose given (Haitians need none)
    "diaspora": {"family": 60, "tourism": 12, "business": 12, "medical": 3, "": 13},
    "resident": {"resident_return": 30, "family": 20, "business": 20, "": 30},
    "visitor": {"tourism": 30, "business": 25, "family": 20, "humanitarian": 10, "official": 4},
    "border_card": {"border_trade": 80, "family": 15, "work": 5},
    "dominican": {"business": 35, "family": 25, "tourism": 20, "border_trade": 10, "work": 10},
    "haitian_land": {"border_trade": 50, "work": 30, "family": 20},
    "sea": {"crew": 50, "business": 25, "tourism": 15, "family": 10},
}
PURPOSES["visitor"] |= {"medical": 2, "study": 2, "work": 4, "transit": 1, "other": 2}
STAY_MEDIANS = {  # days
    "tourism": 7,
    "business": 4,
    "family": 12,
    "humanitarian": 30,
    "official": 5,
    "medical": 10,
    "study": 45,
    "work": 30,
    "transit": 1,
    "border_trade": 1,
    "crew": 2,
}
AGES = {0: 8, 10: 6, 18: 20, 28: 22, 38: 18, 48: 14, 58: 8, 68: 4}  # + 0 to 9 years
# Refusals, by the Schengen form's letters: mostly no proof of the purpose or no visa.
REASONS = {"A": 15, "B": 6, "C": 20, "D": 4, "E": 30, "F": 3, "G": 12, "H": 5, "I": 5}

# --- Names and documents -------------------------------------------------------------------------

# (given names of men | of women | surnames, surnames per person)
CULTURES = {
    "haitian": (
        "Jean|Pierre|Jean-Robert|Wilner|Frantz|Jean-Claude|Rodney|Stanley|Wisly|Mackenson|Evens|"
        "Fritz-Gérald|Dieudonné|Lesly|Ronald|Emmanuel|Jacques|Ricardo|Jean Ernst|Wilfrid",
        "Marie|Guerline|Nadège|Marie-Claude|Mirlande|Rose-Marie|Fabienne|Widline|Nathalie|"
        "Roseline|Esther|Sabine|Lovely|Dieula|Jessica|Yolène|Mikerline|Cassandre|Marie Carmelle",
        "Jean-Baptiste|Pierre|Joseph|Louis|Jean|Charles|Saint-Fleur|Étienne|Dorvil|Célestin|"
        "Augustin|Pierre-Louis|Désir|Alexis|Noël|Jean-Louis|Baptiste|Toussaint|Michel|François|"
        "Georges|Delva|Théodore|Casimir|Fils-Aimé|Désinor|Bien-Aimé|Saint-Louis|Exantus|Jeune|"
        "Dorsainvil|Mompremier|Lafontant|Paul|Guerrier|Cadet|Métellus|Jules|Vilsaint|Beauvoir",
        1,
    ),
    "hispanic": (
        "José|Juan Carlos|Luis Miguel|Rafael|Francisco|Ramón|Pedro|Manuel|Miguel Ángel|Wilson|"
        "Yunior|Ángel|Julio César|Félix|Héctor|Alejandro|Jesús|Carlos Eduardo",
        "María|Ana|Yokasta|Carmen|Rosa Elena|Yesenia|Altagracia|Dulce María|Mercedes|Yanelis|"
        "Luz Marina|Miguelina|Ana Mercedes|Daniela|Yamilé|María de los Ángeles",
        "Rodríguez|Pérez|Martínez|García|Fernández|Sánchez|Gómez|Díaz|Reyes|Peña|Jiménez|"
        "De la Cruz|Núñez|Santana|Almonte|Ureña|Batista|Féliz|Mejía|Báez|Cuevas|Taveras|"
        "Del Rosario|De los Santos|Polanco|Familia|Hernández|Castillo|Ortiz|Muñoz",
        2,  # Spanish compound surnames: the father's, then the mother's
    ),
    "english": (
        "Michael|David|John|James|Robert|Christopher|Daniel|Matthew|Kevin|Brian|Andrew|Ryan",
        "Emily|Sarah|Jennifer|Jessica|Ashley|Elizabeth|Megan|Lauren|Rachel|Amanda|Katherine",
        "Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Wilson|Anderson|Taylor|Thomas|Moore|"
        "Martin|Jackson|Thompson|White|Harris|Clark|Lewis|Robinson|O'Brien|O'Connor|McDonald",
        1,
    ),
    "french": (
        "Jean-Luc|François|Sébastien|Mathieu|Stéphane|Thomas|Nicolas|Jérôme|Benoît|Loïc|Gaël",
        "Hélène|Élodie|Camille|Amélie|Céline|Chloé|Inès|Léa|Margaux|Anaïs|Gaëlle|Maëlle",
        "Lefèvre|Dubois|Moreau|Laurent|Bonnet|Girard|Rousseau|Mercier|Faure|Chevalier|Lemaître|"
        "Gauthier|Perrin|Roussel|Lacroix|D'Almeida|Tremblay|Gagnon|Côté|Bouchard|Pelletier",
        1,
    ),
    "chinese": (  # Hanyu Pinyin, as Chinese passports print names
        "Wei|Hao|Jun|Lei|Qiang|Zhiwei|Xiaoming|Yu|Jian|Bo",
        "Fang|Li Na|Jing|Mei|Xin|Yan|Xiu Ying|Ying|Hui|Min",
        "Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|Lin|He",
        1,
    ),
    "arabic": (  # transliterated as Lebanese and Syrian passports print them
        "Mohammed|Ahmad|Khalil|Elias|Fadi|Rami|Tarek|Walid|Samir|Karim|Youssef|Omar|Georges",
        "Nadia|Rania|Layla|Maya|Salma|Rima|Hana|Lina|Mariam|Zeina|Nour",
        "Haddad|Khoury|El Khoury|Nassar|Saleh|Al-Hassan|Abdel Rahman|Boulos|Acra|Handal|Bitar|"
        "Ghanem|Mansour|Abou Jaoude|Ben Ali|El-Sayed",
        1,
    ),
    "portuguese": (
        "João|José|Antônio|Francisco|Paulo|Lucas|Gabriel|Luiz Henrique|Thiago|Rafael",
        "Ana Paula|Maria José|Fernanda|Juliana|Camila|Letícia|Beatriz|Luana",
        "da Silva|dos Santos|Oliveira|Souza|Rodrigues|Ferreira|Alves|Pereira|Lima|Gomes|Costa|"
        "Ribeiro|Martins|Carvalho|Araújo|de Souza",
        2,
    ),
    "caribbean": (
        "Andre|Kemar|Rohan|Dwayne|Marlon|Damion|Orville|Shane|Delroy",
        "Shanice|Tashana|Kimberley|Sheryl|Nadine|Latoya|Simone|Kerry-Ann",
        "Campbell|Brown|Williams|Thompson|Grant|McKenzie|Reid|Stewart|Gordon|Bailey|Clarke|"
        "Morgan|Francis|Henry",
        1,
    ),
    "german": (  # umlauts and ß, which the zone spells AE, OE, UE and SS
        "Jürgen|Lukas|Björn|Sören|Maximilian|Stefan|Jörg",
        "Anna-Lena|Käthe|Sabine|Ursula|Lena|Jülide",
        "Müller|Schmidt|Schäfer|Weiß|Groß|Köhler|Böhm|Fischer|Krüger|Zimmermann",
        1,
    ),
}
# Visitors: nationality, weight, naming cultures by weight, share of TD1 identity cards.
VISITORS = [
    ("USA", 28, {"english": 55, "haitian": 30, "hispanic": 10, "chinese": 5}, 0),
    ("DOM", 12, {"hispanic": 100}, 0),
    ("CAN", 8, {"french": 45, "english": 25, "haitian": 30}, 0),
    ("FRA", 7, {"french": 70, "haitian": 20, "arabic": 10}, 0.15),
    ("BRA", 4, {"portuguese": 100}, 0),
    ("VEN", 3, {"hispanic": 100}, 0),
    ("CUB", 3, {"hispanic": 100}, 0),
    ("JAM", 2, {"caribbean": 100}, 0),
    ("CHN", 3, {"chinese": 100}, 0),
    ("LBN", 2, {"arabic": 100}, 0),
    ("SYR", 1, {"arabic": 100}, 0),
    ("ESP", 1.5, {"hispanic": 100}, 0.15),
    ("D", 1, {"german": 100}, 0.1),
    ("MEX", 1, {"hispanic": 100}, 0),
    ("COL", 1.5, {"hispanic": 100}, 0),
    ("PAN", 0.5, {"hispanic": 100}, 0),
    ("BHS", 1, {"caribbean": 100}, 0),
    ("TCA", 0.5, {"caribbean": 100}, 0),
    ("GBR", 1, {"english": 100}, 0),
    ("BEL", 1, {"french": 100}, 0.15),
]
DIASPORA = {"USA": 45, "CAN": 15, "FRA": 10, "DOM": 10, "CHL": 8, "BRA": 5, "BHS": 4, "TCA": 3}
# Document numbers by issuing state and document: L a letter, D a digit, A either; others as is.
NUMBERS = {
    ("HTI", "P"): "LLDDDDDDD",
    ("HTI", "I"): "DDDDDDDDDD",  # over 9 characters: runs on into the TD1 optional data
    ("USA", "P"): "DDDDDDDDD",
    ("CAN", "P"): "LLDDDDDD",
    ("FRA", "P"): "DDLLDDDDD",
    ("FRA", "I"): "AAAAAAAAA",
    ("DOM", "I"): "DDDDDDDDDDD",
    ("CHN", "P"): "EDDDDDDDD",
    ("DOM", "border_card"): "CFDDDDDDD",
}
SYMBOLS = {
    "L": "ABCDEFGHJKLMNPRSTUVWXYZ",
    "D": "0123456789",
    "A": "ABCDEFGHJKLMNPRSTUVWXYZ0123456789",
}

# --- Travel details ------------------------------------------------------------------------------

# Airlines at Haiti's airports: carrier, prefix, town, country, flight in, flight out, weight.
ROUTES = {
    "PAP": [
        ("American Airlines", "AA", "Miami", "USA", 1331, 1332, 30),
        ("JetBlue", "B6", "New York", "USA", 815, 816, 15),
        ("JetBlue", "B6", "Fort Lauderdale", "USA", 935, 936, 10),
        ("Spirit Airlines", "NK", "Fort Lauderdale", "USA", 607, 608, 10),
        ("Air Caraïbes", "TX", "Pointe-à-Pitre", "GLP", 512, 513, 6),
        ("Air France", "AF", "Pointe-à-Pitre", "GLP", 858, 859, 4),
        ("Copa Airlines", "CM", "Panamá", "PAN", 438, 439, 8),
        ("Arajet", "DM", "Santo Domingo", "DOM", 421, 422, 6),
        ("Air Canada", "AC", "Montréal", "CAN", 1856, 1857, 6),
        ("interCaribbean", "JY", "Providenciales", "TCA", 341, 342, 3),
        ("Sunrise Airways", "2S", "Santiago de Cuba", "CUB", 215, 216, 2),
    ],
    "air": [
        ("American Airlines", "AA", "Miami", "USA", 2287, 2288, 40),
        ("Spirit Airlines", "NK", "Fort Lauderdale", "USA", 641, 642, 25),
        ("interCaribbean", "JY", "Providenciales", "TCA", 371, 372, 15),
        ("Sunrise Airways", "2S", "Santo Domingo", "DOM", 315, 316, 10),
        ("Sunrise Airways", "2S", "Nassau", "BHS", 331, 332, 10),
    ],
}
SHIPS = [  # vessel, port, country
    ("Caribbean Express", "Miami", "USA"),
    ("Tropical Trader", "Miami", "USA"),
    ("Seaboard Pride", "Miami", "USA"),
    ("Crowley Caribe", "Jacksonville", "USA"),
    ("Island Star", "Nassau", "BHS"),
    ("Turks Islander", "Providenciales", "TCA"),
    ("Kingston Bay", "Kingston", "JAM"),
]
COACHES = ["Caribe Tours", "Capital Coach Line", "Terra Bus", ""]  # Port-au-Prince to Santo Domingo
ADDRESSES = [
    "Hôtel Montana, Pétion-Ville",
    "Royal Oasis, Pétion-Ville",
    "Best Western Premier, Pétion-Ville",
    "Marriott, Turgeau, Port-au-Prince",
    "Hôtel Karibe, Juvenat",
    "Delmas 33, Port-au-Prince",
    "Rue Capois, Port-au-Prince",
    "Habitation Jouissant, Cap-Haïtien",
    "Hôtel Roi Christophe, Cap-Haïtien",
    "Rue du Commerce, Jacmel",
    "Rue Principale, Ouanaminthe",
    "Route de Kenscoff, Pétion-Ville",
]
