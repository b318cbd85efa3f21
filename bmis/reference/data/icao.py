"""The codes ICAO Doc 9303 Part 3 §5 adds to ISO 3166-1 alpha-3, named in fr, ht, en and es."""

from bmis.reference.data.types import IcaoCode, Names

# ICAO Doc 9303 Part 3 (8th edition, 2021) §5, "Codes for nationality, place of birth, location
# of issuing State/authority and other purposes": the codes that are not ISO 3166-1 alpha-3.
_UK = "Doc 9303 Part 3 §5: United Kingdom nationality categories"
_UN = "Doc 9303 Part 3 §5: United Nations travel documents"
_ORG = "Doc 9303 Part 3 §5: other organisations issuing travel documents"
_NONE = "Doc 9303 Part 3 §5: persons without a defined nationality"

ICAO_CODES: tuple[IcaoCode, ...] = (
    IcaoCode(
        "D",
        "icao",
        "Doc 9303 Part 3 §5: Germany, written D<< in a machine readable zone",
        Names("Allemagne", "Almay", "Germany", "Alemania"),
        iso_alpha2="DE",
        iso_alpha3="DEU",
    ),
    IcaoCode(
        "GBD",
        "icao",
        _UK,
        Names(
            "Citoyen des territoires britanniques d'outre-mer",
            "Sitwayen teritwa britanik lòt bò dlo",
            "British Overseas Territories Citizen",
            "Ciudadano de los territorios británicos de ultramar",
        ),
    ),
    IcaoCode(
        "GBN",
        "icao",
        _UK,
        Names(
            "Ressortissant britannique (outre-mer)",
            "Nasyonal britanik (lòt bò dlo)",
            "British National (Overseas)",
            "Nacional británico (de ultramar)",
        ),
    ),
    IcaoCode(
        "GBO",
        "icao",
        _UK,
        Names(
            "Citoyen britannique d'outre-mer",
            "Sitwayen britanik lòt bò dlo",
            "British Overseas Citizen",
            "Ciudadano británico de ultramar",
        ),
    ),
    IcaoCode(
        "GBP",
        "icao",
        _UK,
        Names(
            "Personne sous protection britannique",
            "Moun ki anba pwoteksyon britanik",
            "British Protected Person",
            "Persona protegida británica",
        ),
    ),
    IcaoCode(
        "GBS",
        "icao",
        _UK,
        Names("Sujet britannique", "Sijè britanik", "British Subject", "Súbdito británico"),
    ),
    IcaoCode(
        "UNO",
        "organisation",
        _UN,
        Names(
            "Organisation des Nations unies ou l'un de ses fonctionnaires",
            "Òganizasyon Nasyonzini oswa youn nan fonksyonè li yo",
            "United Nations Organization or one of its officials",
            "Organización de las Naciones Unidas o uno de sus funcionarios",
        ),
    ),
    IcaoCode(
        "UNA",
        "organisation",
        _UN,
        Names(
            "Institution spécialisée des Nations unies ou l'un de ses fonctionnaires",
            "Ajans espesyalize Nasyonzini oswa youn nan fonksyonè li yo",
            "Specialized agency of the United Nations or one of its officials",
            "Organismo especializado de las Naciones Unidas o uno de sus funcionarios",
        ),
    ),
    # A nationality designation, not an organisation: the holder is a resident of Kosovo.
    IcaoCode(
        "UNK",
        "icao",
        _UN,
        Names(
            "Résident du Kosovo muni d'un document de voyage délivré par la MINUK",
            "Rezidan Kosovo ki gen yon dokiman vwayaj UNMIK bay",
            "Resident of Kosovo with a travel document issued by UNMIK",
            "Residente de Kosovo con un documento de viaje expedido por la UNMIK",
        ),
    ),
    IcaoCode(
        "EUE",
        "organisation",
        "Doc 9303 Part 3 §5: European Union (laissez-passer)",
        Names("Union européenne", "Inyon Ewopeyen", "European Union", "Unión Europea"),
    ),
    IcaoCode(
        "XBA",
        "organisation",
        _ORG,
        Names(
            "Banque africaine de développement",
            "Bank Afriken pou Devlopman",
            "African Development Bank",
            "Banco Africano de Desarrollo",
        ),
    ),
    IcaoCode(
        "XIM",
        "organisation",
        _ORG,
        Names(
            "Banque africaine d'import-export",
            "Bank Afriken pou Enpòtasyon ak Ekspòtasyon",
            "African Export-Import Bank",
            "Banco Africano de Exportación e Importación",
        ),
    ),
    IcaoCode(
        "XCC",
        "organisation",
        _ORG,
        Names(
            "Communauté caribéenne (CARICOM)",
            "Kominote Karayib la (CARICOM)",
            "Caribbean Community (CARICOM)",
            "Comunidad del Caribe (CARICOM)",
        ),
    ),
    IcaoCode(
        "XCE",
        "organisation",
        _ORG,
        Names("Conseil de l'Europe", "Konsèy Ewòp", "Council of Europe", "Consejo de Europa"),
    ),
    IcaoCode(
        "XCO",
        "organisation",
        _ORG,
        Names(
            "Marché commun de l'Afrique orientale et australe (COMESA)",
            "Mache komen Afrik de Lès ak Afrik Ostral (COMESA)",
            "Common Market for Eastern and Southern Africa (COMESA)",
            "Mercado Común para África Oriental y Austral (COMESA)",
        ),
    ),
    IcaoCode(
        "XEC",
        "organisation",
        _ORG,
        Names(
            "Communauté économique des États de l'Afrique de l'Ouest (CEDEAO)",
            "Kominote Ekonomik Eta Afrik de Lwès yo (CEDEAO)",
            "Economic Community of West African States (ECOWAS)",
            "Comunidad Económica de los Estados de África Occidental (CEDEAO)",
        ),
    ),
    IcaoCode(
        "XPO",
        "organisation",
        _ORG,
        Names(
            "Organisation internationale de police criminelle (INTERPOL)",
            "Òganizasyon Entènasyonal Polis Kriminèl (INTERPOL)",
            "International Criminal Police Organization (INTERPOL)",
            "Organización Internacional de Policía Criminal (INTERPOL)",
        ),
    ),
    IcaoCode(
        "XES",
        "organisation",
        _ORG,
        Names(
            "Organisation des États de la Caraïbe orientale (OECO)",
            "Òganizasyon Eta Karayib de Lès yo (OECS)",
            "Organisation of Eastern Caribbean States (OECS)",
            "Organización de Estados del Caribe Oriental (OECO)",
        ),
    ),
    IcaoCode(
        "XMP",
        "organisation",
        _ORG,
        Names(
            "Assemblée parlementaire de la Méditerranée (APM)",
            "Asanble Palmantè Mediterane a (APM)",
            "Parliamentary Assembly of the Mediterranean (PAM)",
            "Asamblea Parlamentaria del Mediterráneo (APM)",
        ),
    ),
    IcaoCode(
        "XOM",
        "organisation",
        _ORG,
        Names(
            "Ordre souverain militaire de Malte",
            "Lòd Souveren Militè Malt",
            "Sovereign Military Order of Malta",
            "Soberana Orden Militar de Malta",
        ),
    ),
    IcaoCode(
        "XDC",
        "organisation",
        _ORG,
        Names(
            "Communauté de développement de l'Afrique australe (SADC)",
            "Kominote pou Devlopman Afrik Ostral (SADC)",
            "Southern African Development Community (SADC)",
            "Comunidad de Desarrollo de África Austral (SADC)",
        ),
    ),
    IcaoCode(
        "XXA",
        "special",
        _NONE + " (Article 1 of the 1954 Convention relating to the Status of Stateless Persons)",
        Names(
            "Apatride (Convention de 1954)",
            "Moun san nasyonalite (Konvansyon 1954)",
            "Stateless person (1954 Convention)",
            "Apátrida (Convención de 1954)",
        ),
    ),
    IcaoCode(
        "XXB",
        "special",
        _NONE + " (Article 1 of the 1951 Refugee Convention, as amended by its 1967 Protocol)",
        Names(
            "Réfugié (Convention de 1951)",
            "Refijye (Konvansyon 1951)",
            "Refugee (1951 Convention)",
            "Refugiado (Convención de 1951)",
        ),
    ),
    IcaoCode(
        "XXC",
        "special",
        _NONE + " (a refugee other than under XXB)",
        Names(
            "Réfugié (autre que XXB)",
            "Refijye (lòt pase XXB)",
            "Refugee (other than XXB)",
            "Refugiado (distinto de XXB)",
        ),
    ),
    IcaoCode(
        "XXX",
        "special",
        _NONE + " (unspecified: none of XXA, XXB or XXC is stated)",
        Names(
            "Personne de nationalité non précisée",
            "Moun ki gen yon nasyonalite ki pa presize",
            "Person of unspecified nationality",
            "Persona de nacionalidad no especificada",
        ),
    ),
    # Not in Doc 9303 nor in ISO 3166-1, but the code Kosovo's own passports carry.
    IcaoCode(
        "RKS",
        "icao",
        "Practice: printed in the passports of the Republic of Kosovo",
        Names("Kosovo", "Kosovo", "Kosovo", "Kosovo"),
    ),
    IcaoCode(
        "UTO",
        "specimen",
        "Doc 9303 Part 3 §5: Utopia, the fictitious State of the specimens",
        Names("Utopie", "Itopi", "Utopia", "Utopía"),
    ),
)
