"""The purposes of travel a crossing records."""

from bmis.reference.data.types import Coded, Names

# The purposes of travel a crossing records, in the order an officer's list shows them.
TRAVEL_PURPOSES: tuple[Coded, ...] = (
    Coded("tourism", Names("Tourisme", "Touris", "Tourism", "Turismo")),
    Coded("business", Names("Affaires", "Afè", "Business", "Negocios")),
    Coded("family", Names("Visite familiale", "Vizit fanmi", "Family visit", "Visita familiar")),
    Coded("work", Names("Travail", "Travay", "Work", "Trabajo")),
    Coded("study", Names("Études", "Etid", "Study", "Estudios")),
    Coded("transit", Names("Transit", "Tranzit", "Transit", "Tránsito")),
    Coded(
        "official",
        Names(
            "Mission officielle ou diplomatique",
            "Misyon ofisyèl oswa diplomatik",
            "Official or diplomatic mission",
            "Misión oficial o diplomática",
        ),
    ),
    Coded(
        "medical",
        Names("Soins médicaux", "Swen medikal", "Medical treatment", "Tratamiento médico"),
    ),
    Coded("humanitarian", Names("Humanitaire", "Imanitè", "Humanitarian", "Humanitario")),
    Coded(
        "resident_return",
        Names(
            "Retour d'un résident",
            "Yon rezidan k ap retounen",
            "Return of a resident",
            "Regreso de un residente",
        ),
    ),
    Coded(
        "border_trade",
        Names(
            "Commerce frontalier (marché)",
            "Komès fwontyè (mache)",
            "Border trade (market)",
            "Comercio fronterizo (mercado)",
        ),
    ),
    Coded("crew", Names("Équipage", "Ekipaj", "Crew", "Tripulación")),
    Coded("other", Names("Autre", "Lòt", "Other", "Otro")),
)
