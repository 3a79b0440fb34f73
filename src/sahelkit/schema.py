"""The tables of a case: one definition used by the generator, the loader, check-data and the
data dictionary (datasets/README.md), so the four can never disagree.

Each column has a kind (str, int, float, date, datetime), a meaning, an example, and optionally
the values it may take (a closed list, or a standard code list read from Babel: any country, any
currency), whether it may be empty, which table column it refers to, whether it holds an IMEI,
and whether it names a town of the country profile.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .codes import COUNTRY_CODES, CURRENCY_CODES

N_ = str  # marks a message for the catalogue (pybabel extract); validation shows it with _()


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # str | int | float | date | datetime
    meaning: str
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


@dataclass(frozen=True)
class Table:
    name: str  # file stem, relative to the country folder: "calls", "truth/members"
    meaning: str
    columns: tuple[Column, ...]
    key: str | None = None  # unique id column
    truth: bool = False
    extra_keys: tuple[str, ...] = field(default=())  # other unique columns

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
    Table("persons", "People known in the case: suspects and the innocent background around them.", (
        C("person_id", "str", "person identifier", "P00042"),
        C("full_name", "str", "name as in the civil register, in the country's usual order", "Moussa Traoré"),
        C("given_name", "str", "given name(s)", "Moussa"),
        C("family_name", "str", "family name", "Traoré"),
        C("sex", "str", "M or F", "M", values=("M", "F")),
        C("birth_date", "date", "date of birth", "1987-05-21"),
        C("nationality", "str", "country code", "ML", codes=COUNTRY_CODES),
        C("id_number", "str", "national identity card number (fictitious format)", "ML-CNI-4821937"),
        C("home_town", "str", "town of residence", "Sikasso", town=TOWN_EXACT),
        C("occupation", "str", "declared occupation", "commerçant"),
        C("aliases", "str", "spelling variants already recorded in files, ;-separated", "Moussa Traore;Musa Traoré",
          nullable=True, multi=True),
    ), key="person_id"),
    Table("organisations", "Companies and shops, some of them fronts.", (
        C("org_id", "str", "organisation identifier", "O0007"),
        C("name", "str", "trading name", "Pharmacie du Progrès"),
        C("kind", "str", "kind of business", "pharmacy",
          values=("transport", "pharmacy", "depot", "exchange", "shop", "other")),
        C("town", "str", "town", "Bamako", town=TOWN_EXACT),
        C("owner_id", "str", "owner (person_id)", "P00042", ref="persons.person_id"),
        C("registration_number", "str", "trade register number (fictitious)", "RCCM-ML-2019-B-1234"),
    ), key="org_id"),
    Table("phones", "Mobile lines: one row per SIM (MSISDN) as registered with the operator.", (
        C("msisdn", "str", "number in E.164 (FICTITIOUS range)", "+22310482931"),
        C("imsi", "str", "SIM identity, test MCC 001 (never a real network)", "001010000123456"),
        C("imei", "str", "first handset seen with the SIM; TAC 00xxxxxx is a test range", "004400001234567",
          imei=True),
        C("operator", "str", "operator", "Orange Mali"),
        C("holder_id", "str", "registered holder; straw holders exist (see truth/phones)", "P00042",
          ref="persons.person_id"),
        C("activated", "date", "activation date", "2025-11-03"),
        C("deactivated", "date", "deactivation date, empty if still active", "2026-03-30", nullable=True),
    ), key="msisdn"),
    Table("cell_sites", "Antennas: where a phone was when it called.", (
        C("cell_id", "str", "cell identifier", "ML-C0012"),
        C("operator", "str", "operator", "Orange Mali"),
        C("town", "str", "town", "Bamako", town=TOWN_EXACT),
        C("lat", "float", "latitude (WGS84)", "12.64213", lo=-90, hi=90),
        C("lon", "float", "longitude (WGS84)", "-8.00112", lo=-180, hi=180),
    ), key="cell_id"),
    Table("calls", "Call detail records (CDR): calls and SMS during the workshop period.", (
        C("call_id", "str", "record identifier", "C000123"),
        C("caller", "str", "calling number (E.164)", "+22310482931", ref="phones.msisdn"),
        C("callee", "str", "called number (E.164)", "+22313900217", ref="phones.msisdn"),
        C("start", "datetime", "start time, local", "2026-03-14T08:05:00"),
        C("duration_s", "int", "duration in seconds; 0 for an SMS", "74", lo=0, hi=86400),
        C("type", "str", "call or sms", "call", values=("call", "sms")),
        C("cell_id", "str", "caller's cell", "ML-C0012", ref="cell_sites.cell_id"),
        C("imei", "str", "caller's handset at the time", "004400001234567", imei=True),
    ), key="call_id"),
    Table("transfers", "Mobile-money transfers.", (
        C("transfer_id", "str", "transaction identifier", "T00042"),
        C("sender", "str", "sending number (E.164)", "+22310482931", ref="phones.msisdn"),
        C("receiver", "str", "receiving number (E.164)", "+22313900217", ref="phones.msisdn"),
        C("amount", "int", "amount in the local currency", "950000", lo=1, hi=1e10),
        C("currency", "str", "currency of the profile", "XOF", codes=CURRENCY_CODES),
        C("time", "datetime", "time of the transfer", "2026-03-14T10:22:00"),
        C("agent_id", "str", "mobile-money agent who served the transfer", "AG-0031"),
        C("agent_town", "str", "town of the agent", "Sikasso", town=TOWN_EXACT),
    ), key="transfer_id"),
    Table("vehicles", "Registered vehicles.", (
        C("plate", "str", "registration plate (fictitious)", "KD-4821-MD"),
        C("make", "str", "make", "Toyota"),
        C("model", "str", "model", "Hilux"),
        C("colour", "str", "colour", "blanc"),
        C("owner_id", "str", "owner: a person_id or an org_id", "P00042",
          ref="persons.person_id|organisations.org_id"),
    ), key="plate"),
    Table("posts", "Checkpoints and border posts.", (
        C("post_id", "str", "post identifier", "PO03"),
        C("name", "str", "name", "Poste de contrôle de Kati"),
        C("town", "str", "town", "Kati", town=TOWN_EXACT),
        C("kind", "str", "checkpoint or border", "checkpoint", values=("checkpoint", "border")),
        C("lat", "float", "latitude", "12.74410", lo=-90, hi=90),
        C("lon", "float", "longitude", "-8.07260", lo=-180, hi=180),
        C("leads_to", "str", "country a border post leads to; empty for a checkpoint", "CI",
          nullable=True, codes=COUNTRY_CODES),
    ), key="post_id"),
    Table("passages", "Vehicles recorded passing a post (plate readers and registers).", (
        C("passage_id", "str", "record identifier", "V000123"),
        C("plate", "str", "plate", "KD-4821-MD", ref="vehicles.plate"),
        C("post_id", "str", "post", "PO03", ref="posts.post_id"),
        C("time", "datetime", "time of passage", "2026-03-14T06:41:00"),
        C("direction", "str", "in or out (towards / away from the capital)", "in", values=("in", "out")),
    ), key="passage_id"),
    Table("crossings", "People crossing a border post (passport and ID scans).", (
        C("crossing_id", "str", "record identifier", "X00042"),
        C("person_id", "str", "person", "P00042", ref="persons.person_id"),
        C("post_id", "str", "border post", "PO01", ref="posts.post_id"),
        C("time", "datetime", "time", "2026-03-02T11:15:00"),
        C("direction", "str", "entry or exit", "entry", values=("entry", "exit")),
        C("document_number", "str", "document shown", "ML-CNI-4821937"),
    ), key="crossing_id"),
    Table("seizures", "Seizures by the services.", (
        C("seizure_id", "str", "seizure identifier", "S0012"),
        C("date", "date", "date", "2026-03-14"),
        C("town", "str", "town", "Sikasso", town=TOWN_EXACT),
        C("service", "str", "seizing service code", "DGD", ref="services.code"),
        C("commodity", "str", "what was seized", "tramadol 225 mg"),
        C("quantity", "float", "quantity", "12000.0", lo=0, hi=1e9),
        C("unit", "str", "unit", "comprimés"),
        C("person_ids", "str", "persons arrested or named, ;-separated", "P00042;P00107",
          nullable=True, multi=True, ref="persons.person_id"),
        C("plates", "str", "vehicles involved, ;-separated", "KD-4821-MD", nullable=True, multi=True,
          ref="vehicles.plate"),
    ), key="seizure_id"),
    Table("purchases", "Test purchases of medicines and pills in markets, with laboratory results.", (
        C("purchase_id", "str", "purchase identifier", "A0042"),
        C("date", "date", "date", "2026-03-14"),
        C("town", "str", "town", "Bamako", town=TOWN_EXACT),
        C("market", "str", "market", "Marché de Médine"),
        C("product_as_sold", "str", "what the seller called it", "anti-fatigue"),
        C("price", "int", "price of one unit in the local currency", "50", lo=0, hi=1e7),
        C("currency", "str", "currency of the profile", "XOF", codes=CURRENCY_CODES),
        C("lab_result", "str", "what the laboratory found", "amphetamine",
          values=("amphetamine", "tramadol", "paracetamol", "inert", "compliant")),
        C("lab_ref", "str", "laboratory reference", "LNS-2026-0042"),
    ), key="purchase_id"),
    Table("services", "The services whose records appear in the case, with their recording habits.", (
        C("code", "str", "service code", "BIS"),
        C("name", "str", "name", "Brigade d'Investigations Spécialisées"),
        C("kind", "str", "kind of service", "counter_terrorism"),
        C("country", "str", "the service's country", "ML", codes=COUNTRY_CODES),
        C("date_format", "str", "how the service writes dates (strftime)", "%d/%m/%Y"),
        C("phone_format", "str", "how the service writes phone numbers", "e164_spaced"),
    ), key="code"),
    Table("sources", "Sources that produce intelligence reports, with their track record.", (
        C("source_id", "str", "source identifier", "SRC-007"),
        C("service", "str", "handling service", "OCS", ref="services.code"),
        C("kind", "str", "human, technical, open or liaison", "human",
          values=("human", "technical", "open", "liaison")),
        C("recruited", "date", "date of recruitment or first use", "2023-06-01"),
        C("reports_total", "int", "reports assessed so far", "24", lo=0, hi=100000),
        C("reports_confirmed", "int", "of which confirmed", "19", lo=0, hi=100000),
        C("reports_false", "int", "of which shown false", "1", lo=0, hi=100000),
    ), key="source_id"),
    Table("requirements", "Intelligence requirements issued to the services.", (
        C("requirement_id", "str", "requirement identifier", "IR-003"),
        C("issued", "date", "date issued", "2026-02-10"),
        C("issued_by", "str", "issuing service", "BIS", ref="services.code"),
        C("priority", "int", "1 (highest) to 3", "1", lo=1, hi=3),
        C("question", "str", "the question, in French", "Qui approvisionne les vendeurs de comprimés ... ?"),
        C("subject_ids", "str", "persons, phones, plates or organisations concerned, ;-separated",
          "P00042;+22310482931", nullable=True, multi=True),
    ), key="requirement_id"),
    Table("reports", "Intelligence reports, graded with the 4x4 system.", (
        C("report_id", "str", "report identifier", "R0042"),
        C("service", "str", "service that wrote it", "OCS", ref="services.code"),
        C("date", "date", "date", "2026-03-14"),
        C("source_id", "str", "source", "SRC-007", ref="sources.source_id"),
        C("source_grade", "str", "source reliability: A always reliable, B mostly, C not reliable, X untested",
          "B", values=("A", "B", "C", "X")),
        C("info_grade", "str", "information: 1 known true, 2 known personally to the source, 3 not known "
          "personally but corroborated, 4 cannot be judged", "2", values=("1", "2", "3", "4")),
        C("handling_code", "str", "dissemination, in the workshop's own H1-H3 codes (not Europol's handling "
          "codes): H1 any partner service, foreign ones included; H2 national services only; H3 not without the "
          "originator's consent", "H2", values=("H1", "H2", "H3")),
        C("text", "str", "report text in French, as the service wrote it", "La source signale que ..."),
        C("entity_ids", "str", "persons, phones, plates, organisations the report names, ;-separated",
          "P00042;+22310482931", nullable=True, multi=True),
        C("requirement_id", "str", "requirement it answers, empty if none", "IR-003", nullable=True,
          ref="requirements.requirement_id"),
    ), key="report_id"),
    Table("verified_records", "Verified sample (échantillon vérifié): identities confirmed by earlier joint "
          "investigations. For a random sample of about 27 % of the people who appear in the extracts, all "
          "their records in every extract (none left out), with the person each is about. Two listed records are "
          "the same person when they have the same person_id; a listed record and an unlisted one never are. "
          "Used to estimate the precision and recall of record matching.", (
        C("service", "str", "service code", "OCS", ref="services.code"),
        C("record_id", "str", "record in extracts/<service>.csv", "OCS-00042"),
        C("person_id", "str", "person confirmed by the investigation", "P00042", ref="persons.person_id"),
    ), key="record_id"),
)

EXTRACT = Table("extracts/<CODE>", "One file per service: the service's own records, in its own habits "
                "(name order and spelling, phone and date formats), duplicates included. Raw text.", (
    C("record_id", "str", "record identifier within the service", "OCS-00042"),
    C("name", "str", "name as the service wrote it", "TRAORE Moussa"),
    C("birth_date", "str", "date of birth in the service's date format", "21/05/1987", nullable=True),
    C("phone", "str", "phone in the service's format, with or without country code", "+223 10 48 29 31",
      nullable=True),
    C("town", "str", "town", "Sikasso", nullable=True, town=TOWN_ANY_SPELLING),
    C("recorded", "str", "date recorded, in the service's date format", "14-03-26"),
    C("offence", "str", "offence or reason for the record", "détention de tramadol"),
), key="record_id")

SERVICE_RECORDS = Table("service_records", "A service's own extract in week 2 (the mentoring notebook), once the "
                        "analyst has said which of its columns is the name, the phone, the date and the place, and "
                        "the values are normalised. Checked under the service's own column names.", (
    C("nom", "str", "name as the service wrote it", "TRAORE Moussa"),
    C("telephone", "str", "phone in E.164, read with the profile's numbering when written without country code",
      "+22310482931", nullable=True, e164=True),
    C("date", "date", "date of the record, read from JJ/MM/AAAA or AAAA-MM-JJ, with or without a time", "2026-03-14",
      accepted=N_("a readable date (DD/MM/YYYY or YYYY-MM-DD, with or without a time)")),
    C("lieu", "str", "town, in any spelling of the profile's towns", "Sikasso", nullable=True, town=TOWN_ANY_SPELLING),
))

TRUTH_TABLES: tuple[Table, ...] = (
    Table("truth/networks", "Planted criminal networks.", (
        C("network_id", "str", "network identifier", "N1"),
        C("name", "str", "name used by trainers", "Réseau des pharmacies de Médine"),
        C("crime", "str", "crime pattern", "falsified_medicine"),
        C("countries", "str", "countries where it has members, ;-separated", "ML;BF", multi=True),
        C("description", "str", "what it does", "Importe des médicaments falsifiés ..."),
    ), key="network_id", truth=True),
    Table("truth/members", "Who belongs to which network, with what role.", (
        C("person_id", "str", "person", "P00042", ref="persons.person_id"),
        C("network_id", "str", "network", "N1", ref="truth/networks.network_id"),
        C("role", "str", "role", "broker",
          values=("leader", "broker", "courier", "supplier", "financier", "corrupt_official")),
    ), truth=True),
    Table("truth/aliases", "Nicknames used in report texts and who they are.", (
        C("alias", "str", "nickname", "le Vieux"),
        C("person_id", "str", "person", "P00042", ref="persons.person_id"),
    ), truth=True),
    Table("truth/phones", "Who actually uses each planted or straw-held phone.", (
        C("msisdn", "str", "number", "+22310482931", ref="phones.msisdn"),
        C("user_id", "str", "actual user", "P00042", ref="persons.person_id"),
        C("note", "str", "why it matters", "straw holder"),
    ), truth=True),
    Table("truth/records", "Which person each extract record is about.", (
        C("service", "str", "service code", "OCS", ref="services.code"),
        C("record_id", "str", "record in extracts/<service>.csv", "OCS-00042"),
        C("person_id", "str", "person", "P00042", ref="persons.person_id"),
    ), truth=True),
    Table("truth/links", "Cross-border cells: members living in a neighbouring country.", (
        C("network_id", "str", "network", "N1", ref="truth/networks.network_id"),
        C("person_id", "str", "person", "P00042", ref="persons.person_id"),
        C("country", "str", "country of the cell", "BF", codes=COUNTRY_CODES),
        C("link", "str", "what ties the cell to the network", "cellule transfrontalière: fournisseur"),
    ), truth=True),
    Table("truth/signals", "Every planted signal and the ids that show it.", (
        C("signal", "str", "kind of signal", "broker"),
        C("network_id", "str", "network, empty for background signals", "N1", nullable=True),
        C("ids", "str", "ids involved, ;-separated", "+22310482931", multi=True),
        C("detail", "str", "what a participant should find", "betweenness top 3, degree not top 5"),
    ), truth=True),
)

ALL_TABLES: tuple[Table, ...] = TABLES + TRUTH_TABLES
BY_NAME: dict[str, Table] = {t.name: t for t in ALL_TABLES}

SIGNAL_KINDS = ("broker", "sim_swap", "handset_change", "structuring", "co_location", "convoy",
                "falsified_medicine", "inconsistent_grading", "unanswered_requirement", "answered_requirement",
                "cross_border_cell", "straw_holder")
