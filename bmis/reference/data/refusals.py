"""The reasons for refusing entry: the Schengen Borders Code's standard form, A to I."""

from bmis.reference.data.types import Coded, Names

# The Schengen Borders Code (Regulation (EU) 2016/399), Annex V Part B, the standard form for
# refusal of entry, reasons A to I, after the official French, English and Spanish texts. The
# clauses that name the territory or the registers of the EU's Member States are left out: Haiti
# uses the list of reasons, not the Schengen territory.
REFUSAL_REASONS: tuple[Coded, ...] = (
    Coded(
        "A",
        Names(
            "N'est pas en possession d'un document de voyage valable",
            "Pa gen yon dokiman vwayaj ki valab",
            "Has no valid travel document",
            "No posee un documento de viaje válido",
        ),
    ),
    Coded(
        "B",
        Names(
            "Est en possession d'un document de voyage faux, falsifié ou contrefait",
            "Gen yon dokiman vwayaj ki fo, ki falsifye oswa ki kontrefè",
            "Has a false, counterfeit or forged travel document",
            "Posee un documento de viaje falso o falsificado",
        ),
    ),
    Coded(
        "C",
        Names(
            "N'est pas en possession d'un visa ou d'un titre de séjour valable",
            "Pa gen yon viza oswa yon pèmi sejou ki valab",
            "Has no valid visa or residence permit",
            "No posee un visado o permiso de residencia válido",
        ),
    ),
    Coded(
        "D",
        Names(
            "Est en possession d'un visa ou d'un titre de séjour faux, falsifié ou contrefait",
            "Gen yon viza oswa yon pèmi sejou ki fo, ki falsifye oswa ki kontrefè",
            "Has a false, counterfeit or forged visa or residence permit",
            "Posee un visado o permiso de residencia falso o falsificado",
        ),
    ),
    Coded(
        "E",
        Names(
            "N'est pas en possession des documents appropriés justifiant l'objet et les "
            "conditions du séjour",
            "Pa gen dokiman ki apwopriye pou jistifye rezon ak kondisyon sejou a",
            "Has no appropriate documentation justifying the purpose and conditions of stay",
            "No posee la documentación adecuada que justifique el motivo y las condiciones de "
            "la estancia",
        ),
    ),
    Coded(
        "F",
        Names(
            "A déjà séjourné 90 jours au cours d'une période de 180 jours",
            "Deja rete 90 jou nan yon peryòd 180 jou",
            "Has already stayed for 90 days during a 180-day period",
            "Ya ha permanecido 90 días en un período de 180 días",
        ),
    ),
    Coded(
        "G",
        Names(
            "Ne dispose pas de moyens de subsistance suffisants pour la durée et les modalités "
            "du séjour, ou pour le retour dans le pays d'origine ou de transit",
            "Pa gen ase mwayen pou l viv pandan sejou a, oswa pou l retounen nan peyi "
            "orijin li oswa nan peyi tranzit la",
            "Does not have sufficient means of subsistence for the period and form of stay, "
            "or to return to the country of origin or transit",
            "No dispone de medios de subsistencia suficientes para el período y las "
            "modalidades de estancia, o para regresar al país de origen o de tránsito",
        ),
    ),
    Coded(
        "H",
        Names(
            "Est une personne signalée aux fins de non-admission",
            "Se yon moun ki gen yon alèt sou li pou yo refize l antre",
            "Is a person for whom an alert has been issued for the purposes of refusing entry",
            "Es una persona sobre la que existe una descripción a efectos de denegación de entrada",
        ),
    ),
    Coded(
        "I",
        Names(
            "Est considéré comme constituant une menace pour l'ordre public, la sécurité "
            "intérieure, la santé publique ou les relations internationales",
            "Yo konsidere l kòm yon menas pou lòd piblik, sekirite enteryè, sante piblik "
            "oswa relasyon entènasyonal yo",
            "Is considered to be a threat to public policy, internal security, public health "
            "or international relations",
            "Se considera que representa una amenaza para el orden público, la seguridad "
            "interior, la salud pública o las relaciones internacionales",
        ),
    ),
)
