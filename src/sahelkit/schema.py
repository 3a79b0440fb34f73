"""The tables of a case: one definition used by the generator, the loader, check-data and the
data dictionary (datasets/README.md in English, datasets/LISEZMOI.md in French), so the four can
never disagree.

Each column has a kind (str, int, float, date, datetime), a meaning in English and in French (a
pair, side by side), an example, and optionally the values it may take (a closed list, or a
standard code list read from Babel: any country, any currency), whether it may be empty, which
table column it refers to, whether it holds an IMEI, and whether it names a town of the country
profile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .codes import COUNTRY_CODES, CURRENCY_CODES
from .i18n import N_


class Words(NamedTuple):
    """A description in the kit's two languages, side by side so that neither is forgotten: the data
    dictionary writes the English in datasets/README.md and the French in datasets/LISEZMOI.md."""

    en: str
    fr: str

    def in_(self, lang: str) -> str:
        """The text in `lang` ("en" or "fr")."""
        return self.fr if lang == "fr" else self.en


def _words(owner: str, says: tuple[str, str]) -> Words:
    """`says` as Words, refused unless it holds two texts (English, French)."""
    if not (isinstance(says, tuple) and len(says) == 2 and all(isinstance(s, str) and s.strip() for s in says)):
        raise ValueError(f"{owner}: the meaning must be a pair of texts (English, French), got {says!r}")
    return Words(*says)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # str | int | float | date | datetime
    says: Words  # what the column means, (English, French); `meaning` is the English
    example: str
    values: tuple[str, ...] | None = None  # allowed values (for str columns)
    nullable: bool = False
    ref: str | None = None  # "table.column" each value (or each ;-separated part) must exist in
    multi: bool = False  # ;-separated list
    lo: float | None = None  # numeric range
    hi: float | None = None
    imei: bool = False  # IMEI_DIGITS digits, the last a Luhn check digit
    town: str | None = None  # TOWN_EXACT or TOWN_ANY_SPELLING: a town of the profile's `towns`
    codes: str | None = None  # a standard code list the values belong to: codes.COUNTRY_CODES or CURRENCY_CODES
    e164: bool = False  # a phone number in E.164 (+ and 8 to 15 digits)
    accepted: str | None = None  # how a value may be written (English, marked N_, shown with _()), when check-data's
    # message must say more than the kind

    def __post_init__(self) -> None:
        object.__setattr__(self, "says", _words(f"column {self.name}", self.says))

    @property
    def meaning(self) -> str:
        """What the column means, in English."""
        return self.says.en


@dataclass(frozen=True)
class Table:
    name: str  # file stem, relative to the country folder: "calls", "truth/members"
    says: Words  # what the table holds, (English, French); `meaning` is the English
    columns: tuple[Column, ...]
    key: str | None = None  # unique id column
    truth: bool = False
    extra_keys: tuple[str, ...] = field(default=())  # other unique columns

    def __post_init__(self) -> None:
        object.__setattr__(self, "says", _words(f"table {self.name}", self.says))

    @property
    def meaning(self) -> str:
        """What the table holds, in English."""
        return self.says.en

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


IMEI_DIGITS = 15
"""An IMEI: 8-digit TAC, 6-digit serial, Luhn check digit."""

TOWN_EXACT = "exact"
"""The town's name exactly as the profile writes it (tables the generator writes)."""
TOWN_ANY_SPELLING = "any_spelling"
"""The town in the service's own habits: any case, with or without accents (raw extracts)."""

C = Column

TABLES: tuple[Table, ...] = (
    Table("persons", ("People known in the case: suspects and the innocent background around them.",
                     "Les personnes connues dans le cas : les suspects et le bruit de fond innocent autour d'eux."), (
        C("person_id", "str", ("person identifier", "identifiant de la personne"), "P00042"),
        C("full_name", "str", ("name as in the civil register, in the country's usual order",
                               "nom comme à l'état civil, dans l'ordre habituel du pays"), "Moussa Traoré"),
        C("given_name", "str", ("given name(s)", "prénom(s)"), "Moussa"),
        C("family_name", "str", ("family name", "nom de famille"), "Traoré"),
        C("sex", "str", ("M or F", "M ou F"), "M", values=("M", "F")),
        C("birth_date", "date", ("date of birth", "date de naissance"), "1987-05-21"),
        C("nationality", "str", ("country code", "code du pays"), "ML", codes=COUNTRY_CODES),
        C("id_number", "str", ("national identity card number (fictitious format)",
                               "numéro de carte nationale d'identité (format fictif)"), "ML-CNI-4821937"),
        C("home_town", "str", ("town of residence", "ville de résidence"), "Sikasso", town=TOWN_EXACT),
        C("occupation", "str", ("declared occupation", "profession déclarée"), "commerçant"),
        C("aliases", "str", ("spelling variants already recorded in files, ;-separated",
                             "graphies déjà enregistrées dans des fichiers, séparées par des ;"),
          "Moussa Traore;Musa Traoré",
          nullable=True, multi=True),
    ), key="person_id"),
    Table("organisations", ("Companies and shops, some of them fronts.",
                           "Entreprises et boutiques, dont certaines sont des façades."), (
        C("org_id", "str", ("organisation identifier", "identifiant de l'organisation"), "O0007"),
        C("name", "str", ("trading name", "nom commercial"), "Pharmacie du Progrès"),
        C("kind", "str", ("kind of business", "type d'activité"), "pharmacy",
          values=("transport", "pharmacy", "depot", "exchange", "shop", "other")),
        C("town", "str", ("town", "ville"), "Bamako", town=TOWN_EXACT),
        C("owner_id", "str", ("owner (person_id)", "propriétaire (person_id)"), "P00042", ref="persons.person_id"),
        C("registration_number", "str", ("trade register number (fictitious)",
                                         "numéro au registre du commerce (fictif)"), "RCCM-ML-2019-B-1234"),
    ), key="org_id"),
    Table("phones", ("Mobile lines: one row per SIM (MSISDN) as registered with the operator.",
                    "Lignes mobiles : une ligne par SIM (MSISDN) telle qu'enregistrée chez l'opérateur."), (
        C("msisdn", "str", ("number in E.164 (FICTITIOUS range)", "numéro en E.164 (tranche FICTIVE)"), "+22310482931"),
        C("imsi", "str", ("SIM identity, test MCC 001 (never a real network)",
                          "identité de la SIM, MCC de test 001 (jamais un vrai réseau)"), "001010000123456"),
        C("imei", "str", ("first handset seen with the SIM; TAC 00xxxxxx is a test range",
                          "premier appareil vu avec la SIM ; le TAC 00xxxxxx est une tranche de test"),
          "004400001234567",
          imei=True),
        C("operator", "str", ("operator", "opérateur"), "Orange Mali"),
        C("holder_id", "str", ("registered holder; straw holders exist (see truth/phones)",
                               "titulaire enregistré ; il existe des prête-noms (voir truth/phones)"), "P00042",
          ref="persons.person_id"),
        C("activated", "date", ("activation date", "date d'activation"), "2025-11-03"),
        C("deactivated", "date", ("deactivation date, empty if still active",
                                  "date de désactivation, vide si la ligne est encore active"),
          "2026-03-30", nullable=True),
    ), key="msisdn"),
    Table("cell_sites", ("Antennas: where a phone was when it called.",
                        "Antennes : où se trouvait un téléphone quand il a appelé."), (
        C("cell_id", "str", ("cell identifier", "identifiant de la cellule"), "ML-C0012"),
        C("operator", "str", ("operator", "opérateur"), "Orange Mali"),
        C("town", "str", ("town", "ville"), "Bamako", town=TOWN_EXACT),
        C("lat", "float", ("latitude (WGS84)", "latitude (WGS84)"), "12.64213", lo=-90, hi=90),
        C("lon", "float", ("longitude (WGS84)", "longitude (WGS84)"), "-8.00112", lo=-180, hi=180),
    ), key="cell_id"),
    Table("calls", ("Call detail records (CDR): calls and SMS during the workshop period.",
                   "Relevés détaillés d'appels (CDR) : appels et SMS pendant la période de l'atelier."), (
        C("call_id", "str", ("record identifier", "identifiant de l'enregistrement"), "C000123"),
        C("caller", "str", ("calling number (E.164)", "numéro appelant (E.164)"), "+22310482931", ref="phones.msisdn"),
        C("callee", "str", ("called number (E.164)", "numéro appelé (E.164)"), "+22313900217", ref="phones.msisdn"),
        C("start", "datetime", ("start time, local", "heure de début, locale"), "2026-03-14T08:05:00"),
        C("duration_s", "int", ("duration in seconds; 0 for an SMS",
                                "durée en secondes ; 0 pour un SMS"), "74", lo=0, hi=86400),
        C("type", "str", ("call or sms", "appel (call) ou SMS (sms)"), "call", values=("call", "sms")),
        C("cell_id", "str", ("caller's cell", "cellule de l'appelant"), "ML-C0012", ref="cell_sites.cell_id"),
        C("imei", "str", ("caller's handset at the time",
                          "appareil de l'appelant à ce moment"), "004400001234567", imei=True),
    ), key="call_id"),
    Table("transfers", ("Mobile-money transfers.", "Transferts de mobile money."), (
        C("transfer_id", "str", ("transaction identifier", "identifiant de la transaction"), "T00042"),
        C("sender", "str", ("sending number (E.164)",
                            "numéro qui envoie (E.164)"), "+22310482931", ref="phones.msisdn"),
        C("receiver", "str", ("receiving number (E.164)",
                              "numéro qui reçoit (E.164)"), "+22313900217", ref="phones.msisdn"),
        C("amount", "int", ("amount in the local currency", "montant dans la monnaie locale"), "950000", lo=1, hi=1e10),
        C("currency", "str", ("currency of the profile", "monnaie du profil"), "XOF", codes=CURRENCY_CODES),
        C("time", "datetime", ("time of the transfer", "heure du transfert"), "2026-03-14T10:22:00"),
        C("agent_id", "str", ("mobile-money agent who served the transfer",
                              "agent de mobile money qui a servi le transfert"), "AG-0031"),
        C("agent_town", "str", ("town of the agent", "ville de l'agent"), "Sikasso", town=TOWN_EXACT),
    ), key="transfer_id"),
    Table("vehicles", ("Registered vehicles.", "Véhicules immatriculés."), (
        C("plate", "str", ("registration plate (fictitious)", "plaque d'immatriculation (fictive)"), "KD-4821-MD"),
        C("make", "str", ("make", "marque"), "Toyota"),
        C("model", "str", ("model", "modèle"), "Hilux"),
        C("colour", "str", ("colour", "couleur"), "blanc"),
        C("owner_id", "str", ("owner: a person_id or an org_id", "propriétaire : un person_id ou un org_id"), "P00042",
          ref="persons.person_id|organisations.org_id"),
    ), key="plate"),
    Table("posts", ("Checkpoints and border posts.", "Postes de contrôle et postes frontières."), (
        C("post_id", "str", ("post identifier", "identifiant du poste"), "PO03"),
        C("name", "str", ("name", "nom"), "Poste de contrôle de Kati"),
        C("town", "str", ("town", "ville"), "Kati", town=TOWN_EXACT),
        C("kind", "str", ("checkpoint or border",
                          "poste de contrôle (checkpoint) ou poste frontière (border)"),
          "checkpoint", values=("checkpoint", "border")),
        C("lat", "float", ("latitude", "latitude"), "12.74410", lo=-90, hi=90),
        C("lon", "float", ("longitude", "longitude"), "-8.07260", lo=-180, hi=180),
        C("leads_to", "str", ("country a border post leads to; empty for a checkpoint",
                              "pays vers lequel mène un poste frontière ; vide pour un poste de contrôle"), "CI",
          nullable=True, codes=COUNTRY_CODES),
    ), key="post_id"),
    Table("passages", ("Vehicles recorded passing a post (plate readers and registers).",
                      "Véhicules enregistrés au passage d'un poste (lecteurs de plaques et registres)."), (
        C("passage_id", "str", ("record identifier", "identifiant de l'enregistrement"), "V000123"),
        C("plate", "str", ("plate", "plaque"), "KD-4821-MD", ref="vehicles.plate"),
        C("post_id", "str", ("post", "poste"), "PO03", ref="posts.post_id"),
        C("time", "datetime", ("time of passage", "heure du passage"), "2026-03-14T06:41:00"),
        C("direction", "str", ("in or out (towards / away from the capital)",
                               "in ou out (vers la capitale / en s'en éloignant)"), "in", values=("in", "out")),
    ), key="passage_id"),
    Table("crossings", ("People crossing a border post (passport and ID scans).",
                       "Personnes qui franchissent un poste frontière (lecture des passeports et des "
                       "cartes d'identité)."), (
        C("crossing_id", "str", ("record identifier", "identifiant de l'enregistrement"), "X00042"),
        C("person_id", "str", ("person", "personne"), "P00042", ref="persons.person_id"),
        C("post_id", "str", ("border post", "poste frontière"), "PO01", ref="posts.post_id"),
        C("time", "datetime", ("time", "heure"), "2026-03-02T11:15:00"),
        C("direction", "str", ("entry or exit", "entrée (entry) ou sortie (exit)"), "entry", values=("entry", "exit")),
        C("document_number", "str", ("document shown", "document présenté"), "ML-CNI-4821937"),
    ), key="crossing_id"),
    Table("seizures", ("Seizures by the services.", "Saisies des services."), (
        C("seizure_id", "str", ("seizure identifier", "identifiant de la saisie"), "S0012"),
        C("date", "date", ("date", "date"), "2026-03-14"),
        C("town", "str", ("town", "ville"), "Sikasso", town=TOWN_EXACT),
        C("service", "str", ("seizing service code", "code du service qui a saisi"), "DGD", ref="services.code"),
        C("commodity", "str", ("what was seized", "ce qui a été saisi"), "tramadol 225 mg"),
        C("quantity", "float", ("quantity", "quantité"), "12000.0", lo=0, hi=1e9),
        C("unit", "str", ("unit", "unité"), "comprimés"),
        C("person_ids", "str", ("persons arrested or named, ;-separated",
                                "personnes arrêtées ou nommées, séparées par des ;"), "P00042;P00107",
          nullable=True, multi=True, ref="persons.person_id"),
        C("plates", "str", ("vehicles involved, ;-separated",
                            "véhicules en cause, séparés par des ;"), "KD-4821-MD", nullable=True, multi=True,
          ref="vehicles.plate"),
    ), key="seizure_id"),
    Table("purchases", ("Test purchases of medicines and pills in markets, with laboratory results.",
                       "Achats tests de médicaments et de comprimés sur les marchés, avec les "
                       "résultats du laboratoire."), (
        C("purchase_id", "str", ("purchase identifier", "identifiant de l'achat"), "A0042"),
        C("date", "date", ("date", "date"), "2026-03-14"),
        C("town", "str", ("town", "ville"), "Bamako", town=TOWN_EXACT),
        C("market", "str", ("market", "marché"), "Marché de Médine"),
        C("product_as_sold", "str", ("what the seller called it", "le nom que lui donnait le vendeur"), "anti-fatigue"),
        C("price", "int", ("price of one unit in the local currency",
                           "prix d'une unité dans la monnaie locale"), "50", lo=0, hi=1e7),
        C("currency", "str", ("currency of the profile", "monnaie du profil"), "XOF", codes=CURRENCY_CODES),
        C("lab_result", "str", ("what the laboratory found", "ce que le laboratoire a trouvé"), "amphetamine",
          values=("amphetamine", "tramadol", "paracetamol", "inert", "compliant")),
        C("lab_ref", "str", ("laboratory reference", "référence du laboratoire"), "LNS-2026-0042"),
    ), key="purchase_id"),
    Table("services", ("The services whose records appear in the case, with their recording habits.",
                      "Les services dont les enregistrements figurent dans le cas, avec leurs "
                      "habitudes d'enregistrement."), (
        C("code", "str", ("service code", "code du service"), "BIS"),
        C("name", "str", ("name", "nom"), "Brigade d'Investigations Spécialisées"),
        C("kind", "str", ("kind of service", "type de service"), "counter_terrorism"),
        C("country", "str", ("the service's country", "le pays du service"), "ML", codes=COUNTRY_CODES),
        C("date_format", "str", ("how the service writes dates (strftime)",
                                 "comment le service écrit les dates (strftime)"), "%d/%m/%Y"),
        C("phone_format", "str", ("how the service writes phone numbers",
                                  "comment le service écrit les numéros de téléphone"), "e164_spaced"),
    ), key="code"),
    Table("sources", ("Sources that produce intelligence reports, with their track record.",
                     "Les sources qui produisent des rapports de renseignement, avec leurs antécédents."), (
        C("source_id", "str", ("source identifier", "identifiant de la source"), "SRC-007"),
        C("service", "str", ("handling service", "service traitant"), "OCS", ref="services.code"),
        C("kind", "str", ("human, technical, open or liaison",
                          "humaine (human), technique (technical), ouverte (open) ou de liaison (liaison)"), "human",
          values=("human", "technical", "open", "liaison")),
        C("recruited", "date", ("date of recruitment or first use",
                                "date du recrutement ou de la première utilisation"), "2023-06-01"),
        C("reports_total", "int", ("reports assessed so far", "rapports évalués jusqu'ici"), "24", lo=0, hi=100000),
        C("reports_confirmed", "int", ("of which confirmed", "dont confirmés"), "19", lo=0, hi=100000),
        C("reports_false", "int", ("of which shown false", "dont révélés faux"), "1", lo=0, hi=100000),
    ), key="source_id"),
    Table("requirements", ("Intelligence requirements issued to the services.",
                          "Besoins en renseignement adressés aux services."), (
        C("requirement_id", "str", ("requirement identifier", "identifiant du besoin"), "IR-003"),
        C("issued", "date", ("date issued", "date d'émission"), "2026-02-10"),
        C("issued_by", "str", ("issuing service", "service émetteur"), "BIS", ref="services.code"),
        C("priority", "int", ("1 (highest) to 3", "de 1 (la plus haute) à 3"), "1", lo=1, hi=3),
        C("question", "str", ("the question, in French",
                              "la question, en français"), "Qui approvisionne les vendeurs de comprimés ... ?"),
        C("subject_ids", "str", ("persons, phones, plates or organisations concerned, ;-separated",
                                 "personnes, téléphones, plaques ou organisations concernés, séparés par des ;"),
          "P00042;+22310482931", nullable=True, multi=True),
    ), key="requirement_id"),
    Table("reports", ("Intelligence reports, graded with the 4x4 system.",
                     "Rapports de renseignement, cotés avec le système 4x4."), (
        C("report_id", "str", ("report identifier", "identifiant du rapport"), "R0042"),
        C("service", "str", ("service that wrote it", "service qui l'a rédigé"), "OCS", ref="services.code"),
        C("date", "date", ("date", "date"), "2026-03-14"),
        C("source_id", "str", ("source", "source"), "SRC-007", ref="sources.source_id"),
        C("source_grade", "str", ("source reliability: A always reliable, B mostly, C not reliable, X untested",
                                  "fiabilité de la source : A toujours fiable, B le plus souvent, C pas fiable, "
                                  "X non éprouvée"),
          "B", values=("A", "B", "C", "X")),
        C("info_grade", "str", ("information: 1 known true, 2 known personally to the source, 3 not known "
                                "personally but corroborated, 4 cannot be judged",
                                "information : 1 avérée, 2 connue personnellement de la source, 3 pas connue "
                                "personnellement mais corroborée, 4 ne peut être jugée"),
          "2", values=("1", "2", "3", "4")),
        C("handling_code", "str", ("dissemination, in the workshop's own H1-H3 codes (not Europol's handling "
                                   "codes): H1 any partner service, foreign ones included; H2 national services "
                                   "only; H3 not without the originator's consent",
                                   "diffusion, dans les codes H1-H3 propres à l'atelier (pas les codes de "
                                   "traitement d'Europol) : H1 tout service partenaire, étrangers compris ; H2 "
                                   "services nationaux seulement ; H3 pas sans l'accord de l'auteur"),
          "H2", values=("H1", "H2", "H3")),
        C("text", "str", ("report text in French, as the service wrote it",
                          "texte du rapport en français, tel que le service l'a écrit"), "La source signale que ..."),
        C("entity_ids", "str", ("persons, phones, plates, organisations the report names, ;-separated",
                                "personnes, téléphones, plaques, organisations que le rapport nomme, "
                                "séparés par des ;"),
          "P00042;+22310482931", nullable=True, multi=True),
        C("requirement_id", "str", ("requirement it answers, empty if none",
                                    "besoin auquel il répond, vide s'il n'y en a aucun"), "IR-003", nullable=True,
          ref="requirements.requirement_id"),
    ), key="report_id"),
    Table("verified_records", (
        "Verified sample (échantillon vérifié): identities confirmed by earlier joint "
        "investigations. For a random sample of about 27 % of the people who appear in the extracts, all "
        "their records in every extract (none left out), with the person each is about. Two listed records are "
        "the same person when they have the same person_id; a listed record and an unlisted one never are. "
        "Used to estimate the precision and recall of record matching.",
        "Échantillon vérifié : des identités confirmées par des enquêtes communes antérieures. Pour un "
        "échantillon aléatoire d'environ 27 % des personnes qui figurent dans les extraits, tous leurs "
        "enregistrements dans chaque extrait (aucun n'est omis), avec la personne que concerne chacun. Deux "
        "enregistrements listés sont la même personne quand ils ont le même person_id ; un enregistrement listé "
        "et un autre non listé ne le sont jamais. Sert à estimer la précision et le rappel du rapprochement des "
        "enregistrements."), (
        C("service", "str", ("service code", "code du service"), "OCS", ref="services.code"),
        C("record_id", "str", ("record in extracts/<service>.csv",
                               "enregistrement de extracts/<service>.csv"), "OCS-00042"),
        C("person_id", "str", ("person confirmed by the investigation",
                               "personne confirmée par l'enquête"), "P00042", ref="persons.person_id"),
    ), key="record_id"),
)

EXTRACT = Table("extracts/<CODE>", (
    "One file per service: the service's own records, in its own habits "
    "(name order and spelling, phone and date formats), duplicates included. Raw text.",
    "Un fichier par service : les enregistrements propres au service, selon ses habitudes (ordre et graphie "
    "des noms, formats des téléphones et des dates), doublons compris. Texte brut."), (
    C("record_id", "str", ("record identifier within the service",
                           "identifiant de l'enregistrement dans le service"), "OCS-00042"),
    C("name", "str", ("name as the service wrote it", "nom tel que le service l'a écrit"), "TRAORE Moussa"),
    C("birth_date", "str", ("date of birth in the service's date format",
                            "date de naissance dans le format de date du service"), "21/05/1987", nullable=True),
    C("phone", "str", ("phone in the service's format, with or without country code",
                       "téléphone dans le format du service, avec ou sans indicatif du pays"), "+223 10 48 29 31",
      nullable=True),
    C("town", "str", ("town", "ville"), "Sikasso", nullable=True, town=TOWN_ANY_SPELLING),
    C("recorded", "str", ("date recorded, in the service's date format",
                          "date d'enregistrement, dans le format de date du service"), "14-03-26"),
    C("offence", "str", ("offence or reason for the record",
                         "infraction ou motif de l'enregistrement"), "détention de tramadol"),
), key="record_id")

SERVICE_RECORDS = Table("service_records", (
    "A service's own extract in week 2 (the mentoring notebook), once the "
    "analyst has said which of its columns is the name, the phone, the date and the place, and "
    "the values are normalised. Checked under the service's own column names.",
    "L'extrait propre à un service en semaine 2 (le cahier du mentorat), une fois que l'analyste a dit "
    "laquelle de ses colonnes est le nom, le téléphone, la date et le lieu, et que les valeurs sont "
    "normalisées. Vérifié sous les noms de colonnes du service lui-même."), (
    C("nom", "str", ("name as the service wrote it", "nom tel que le service l'a écrit"), "TRAORE Moussa"),
    C("telephone", "str", ("phone in E.164, read with the profile's numbering when written without country code",
                           "téléphone en E.164, lu avec la numérotation du profil quand il est écrit sans "
                           "indicatif du pays"),
      "+22310482931", nullable=True, e164=True),
    C("date", "date", ("date of the record, read from JJ/MM/AAAA or AAAA-MM-JJ, with or without a time",
                       "date de l'enregistrement, lue depuis JJ/MM/AAAA ou AAAA-MM-JJ, avec ou sans heure"),
      "2026-03-14",
      accepted=N_("a readable date (DD/MM/YYYY or YYYY-MM-DD, with or without a time)")),
    C("lieu", "str", ("town, in any spelling of the profile's towns",
                      "ville, dans n'importe quelle graphie des villes du profil"),
      "Sikasso", nullable=True, town=TOWN_ANY_SPELLING),
))

TRUTH_TABLES: tuple[Table, ...] = (
    Table("truth/networks", ("Planted criminal networks.", "Réseaux criminels plantés."), (
        C("network_id", "str", ("network identifier", "identifiant du réseau"), "N1"),
        C("name", "str", ("name used by trainers",
                          "nom utilisé par les formateurs"), "Réseau des pharmacies de Médine"),
        C("crime", "str", ("crime pattern", "forme de criminalité"), "falsified_medicine"),
        C("countries", "str", ("countries where it has members, ;-separated",
                               "pays où il a des membres, séparés par des ;"), "ML;BF", multi=True),
        C("description", "str", ("what it does", "ce qu'il fait"), "Importe des médicaments falsifiés ..."),
    ), key="network_id", truth=True),
    Table("truth/members", ("Who belongs to which network, with what role.",
                           "Qui appartient à quel réseau, avec quel rôle."), (
        C("person_id", "str", ("person", "personne"), "P00042", ref="persons.person_id"),
        C("network_id", "str", ("network", "réseau"), "N1", ref="truth/networks.network_id"),
        C("role", "str", ("role", "rôle"), "broker",
          values=("leader", "broker", "courier", "supplier", "financier", "corrupt_official")),
    ), truth=True),
    Table("truth/aliases", ("Nicknames used in report texts and who they are.",
                           "Surnoms employés dans les textes des rapports, et qui ils désignent."), (
        C("alias", "str", ("nickname", "surnom"), "le Vieux"),
        C("person_id", "str", ("person", "personne"), "P00042", ref="persons.person_id"),
    ), truth=True),
    Table("truth/phones", ("Who actually uses each planted or straw-held phone.",
                          "Qui utilise réellement chaque téléphone planté ou tenu par un prête-nom."), (
        C("msisdn", "str", ("number", "numéro"), "+22310482931", ref="phones.msisdn"),
        C("user_id", "str", ("actual user", "utilisateur réel"), "P00042", ref="persons.person_id"),
        C("note", "str", ("why it matters", "pourquoi c'est important"), "straw holder"),
    ), truth=True),
    Table("truth/records", ("Which person each extract record is about.",
                           "La personne que concerne chaque enregistrement des extraits."), (
        C("service", "str", ("service code", "code du service"), "OCS", ref="services.code"),
        C("record_id", "str", ("record in extracts/<service>.csv",
                               "enregistrement de extracts/<service>.csv"), "OCS-00042"),
        C("person_id", "str", ("person", "personne"), "P00042", ref="persons.person_id"),
    ), truth=True),
    Table("truth/links", ("Cross-border cells: members living in a neighbouring country.",
                         "Cellules transfrontalières : membres qui vivent dans un pays voisin."), (
        C("network_id", "str", ("network", "réseau"), "N1", ref="truth/networks.network_id"),
        C("person_id", "str", ("person", "personne"), "P00042", ref="persons.person_id"),
        C("country", "str", ("country of the cell", "pays de la cellule"), "BF", codes=COUNTRY_CODES),
        C("link", "str", ("what ties the cell to the network",
                          "ce qui lie la cellule au réseau"), "cellule transfrontalière: fournisseur"),
    ), truth=True),
    Table("truth/signals", ("Every planted signal and the ids that show it.",
                           "Chaque signal planté et les identifiants qui le montrent."), (
        C("signal", "str", ("kind of signal", "type de signal"), "broker"),
        C("network_id", "str", ("network, empty for background signals",
                                "réseau, vide pour les signaux du bruit de fond"), "N1", nullable=True),
        C("ids", "str", ("ids involved, ;-separated",
                         "identifiants en cause, séparés par des ;"), "+22310482931", multi=True),
        C("detail", "str", ("what a participant should find",
                            "ce qu'un participant doit trouver"), "betweenness top 3, degree not top 5"),
    ), truth=True),
)

ALL_TABLES: tuple[Table, ...] = TABLES + TRUTH_TABLES
BY_NAME: dict[str, Table] = {t.name: t for t in ALL_TABLES}

SIGNAL_KINDS = ("broker", "sim_swap", "handset_change", "structuring", "co_location", "convoy",
                "falsified_medicine", "inconsistent_grading", "unanswered_requirement", "answered_requirement",
                "cross_border_cell", "straw_holder")
