"""The words of a Dutch municipal landscape shared by the sample generators: departments, a
GEMMA-style capability map, suppliers and technology release cycles from endoflife.date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from snoei.shared.contracts.landscape import CapabilityRecord, TechnologyRecord, TechnologyUse

REFERENCE_DATE = date(2026, 11, 23)
"""The day the samples describe: technology risk and contract ends are chosen relative to it."""


@dataclass(frozen=True, slots=True)
class Component:
    """A GEMMA-style reference component: a leaf of the capability map."""

    id: str
    name: str
    function: str  # short noun used to name applications, e.g. "Parkeervergunningen"
    department: str
    data_objects: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Domain:
    id: str
    name: str
    components: tuple[Component, ...]


PUBLIEKSZAKEN = "Publiekszaken"
BELASTINGEN = "Belastingen"
SOCIAAL_DOMEIN = "Sociaal Domein"
RUIMTE = "Ruimtelijke Ontwikkeling"
OPENBARE_RUIMTE = "Openbare Ruimte"
FINANCIEN = "Financiën"
HRM = "HRM"
IA = "Informatievoorziening en Automatisering"
KCC = "Klantcontactcentrum"
DIV = "Documentaire Informatievoorziening"
BESTUUR = "Bestuur en Griffie"
VEILIGHEID = "Veiligheid en Handhaving"
COMMUNICATIE = "Communicatie"
ECONOMIE = "Economie en Vastgoed"
FACILITAIR = "Facilitaire Zaken"

DEPARTMENTS: tuple[str, ...] = (
    PUBLIEKSZAKEN, BELASTINGEN, SOCIAAL_DOMEIN, RUIMTE, OPENBARE_RUIMTE, FINANCIEN, HRM, IA,
    KCC, DIV, BESTUUR, VEILIGHEID, COMMUNICATIE, ECONOMIE, FACILITAIR,
)


def _c(slug: str, name: str, function: str, department: str, *data: str) -> Component:
    return Component(f"gemma-{slug}", name, function, department, data or (function,))


DOMAINS: tuple[Domain, ...] = (
    Domain("domein-zaakgericht-werken", "Zaakgericht werken", (
        _c("zaakafhandelcomponent", "Zaakafhandelcomponent", "Zaakafhandeling", DIV,
           "Zaken", "Zaakstatussen"),
        _c("zaakregistratiecomponent", "Zaakregistratiecomponent", "Zaakregistratie", DIV,
           "Zaken", "Zaaktypen"),
        _c("documentregistratiecomponent", "Documentregistratiecomponent",
           "Documentregistratie", DIV, "Documenten", "Documentmetadata"),
        _c("documentmanagementcomponent", "Documentmanagementcomponent", "Documentbeheer", DIV,
           "Documenten"),
        _c("documentcreatiecomponent", "Documentcreatiecomponent", "Documentcreatie", DIV,
           "Brieven", "Sjablonen"),
        _c("e-depot", "E-depot", "E-depot", DIV, "Archiefbescheiden"),
        _c("postregistratiecomponent", "Postregistratiecomponent", "Postregistratie", DIV,
           "Poststukken"),
        _c("scan-en-herkenningscomponent", "Scan- en herkenningscomponent", "Scannen", DIV,
           "Gescande documenten"),
    )),
    Domain("domein-dienstverlening", "Dienstverlening en klantinteractie", (
        _c("klantinteractiecomponent", "Klantinteractiecomponent", "Klantcontacten", KCC,
           "Klantcontacten", "Klantbeelden"),
        _c("contactcentercomponent", "Contactcentercomponent (telefonie)", "Telefonie", KCC,
           "Gespreksgegevens"),
        _c("websitecomponent", "Website (contentmanagement)", "Website", COMMUNICATIE,
           "Webcontent"),
        _c("e-formulierencomponent", "E-formulierencomponent", "E-formulieren", KCC,
           "Aanvragen", "Formulierinzendingen"),
        _c("persoonlijke-internetpagina", "Persoonlijke internetpagina (Mijn Gemeente)",
           "Mijn Gemeente", KCC, "Lopende zaken burger"),
        _c("afsprakencomponent", "Afsprakencomponent", "Afspraken", KCC, "Afspraken"),
        _c("betaalcomponent", "Betaalcomponent (internetkassa)", "Internetkassa", FINANCIEN,
           "Betalingen"),
        _c("producten-en-dienstencatalogus", "Producten- en dienstencatalogus",
           "Productencatalogus", KCC, "Producten en diensten"),
        _c("klachtenregistratiecomponent", "Klachtenregistratiecomponent", "Klachten", KCC,
           "Klachten"),
        _c("enquetecomponent", "Enquêtecomponent", "Enquêtes", COMMUNICATIE,
           "Enquêteresultaten"),
        _c("chatcomponent", "Chatcomponent", "Webchat", KCC, "Chatgesprekken"),
        _c("notificatiecomponent", "Notificatiecomponent", "Notificaties", KCC,
           "Notificaties"),
    )),
    Domain("domein-burgerzaken", "Burgerzaken", (
        _c("burgerzakensysteem", "Burgerzakensysteem", "Burgerzaken", PUBLIEKSZAKEN,
           "Burgerzakenmutaties", "Aktes"),
        _c("basisregistratie-personen", "Basisregistratie Personen (BRP)", "BRP",
           PUBLIEKSZAKEN, "BRP personen", "BRP verhuizingen"),
        _c("reisdocumentencomponent", "Reisdocumentencomponent", "Reisdocumenten",
           PUBLIEKSZAKEN, "Reisdocumentaanvragen"),
        _c("rijbewijzencomponent", "Rijbewijzencomponent", "Rijbewijzen", PUBLIEKSZAKEN,
           "Rijbewijsaanvragen"),
        _c("verkiezingencomponent", "Verkiezingencomponent", "Verkiezingen", PUBLIEKSZAKEN,
           "Kiezersregister", "Uitslagen"),
        _c("burgerlijke-stand", "Burgerlijke-standcomponent", "Burgerlijke stand",
           PUBLIEKSZAKEN, "Aktes burgerlijke stand"),
        _c("baliekassacomponent", "Baliekassacomponent", "Baliekassa", PUBLIEKSZAKEN,
           "Kassatransacties"),
        _c("begraafplaatsadministratiecomponent", "Begraafplaatsadministratiecomponent",
           "Begraafplaatsadministratie", PUBLIEKSZAKEN, "Grafrechten"),
        _c("naturalisatiecomponent", "Naturalisatiecomponent", "Naturalisatie", PUBLIEKSZAKEN,
           "Naturalisatieverzoeken"),
    )),
    Domain("domein-belastingen", "Belastingen en WOZ", (
        _c("belastingsysteem", "Belastingsysteem (heffen en innen)", "Heffen en innen",
           BELASTINGEN, "Aanslagen", "Debiteuren belastingen"),
        _c("woz-component", "WOZ-component", "WOZ", BELASTINGEN, "WOZ-objecten",
           "WOZ-waarden"),
        _c("taxatiecomponent", "Taxatiecomponent", "Taxaties", BELASTINGEN, "Taxatieverslagen"),
        _c("invorderingscomponent", "Invorderingscomponent", "Invordering", BELASTINGEN,
           "Invorderingsdossiers"),
        _c("kwijtscheldingscomponent", "Kwijtscheldingscomponent", "Kwijtschelding",
           BELASTINGEN, "Kwijtscheldingsverzoeken"),
        _c("parkeervergunningencomponent", "Parkeervergunningencomponent",
           "Parkeervergunningen", BELASTINGEN, "Parkeervergunningen"),
        _c("parkeerbelastingcomponent", "Parkeerbelasting- en naheffingscomponent",
           "Naheffingen parkeren", BELASTINGEN, "Naheffingsaanslagen"),
    )),
    Domain("domein-sociaal", "Sociaal domein", (
        _c("wmo-component", "Wmo-component", "Wmo", SOCIAAL_DOMEIN, "Wmo-beschikkingen",
           "Cliënten"),
        _c("jeugdcomponent", "Jeugdcomponent", "Jeugdhulp", SOCIAAL_DOMEIN,
           "Jeugdbeschikkingen", "Cliënten"),
        _c("participatiecomponent", "Participatiecomponent (uitkeringen)", "Uitkeringen",
           SOCIAAL_DOMEIN, "Uitkeringen", "Betaalbestanden"),
        _c("schuldhulpverleningscomponent", "Schuldhulpverleningscomponent", "Schuldhulp",
           SOCIAAL_DOMEIN, "Schuldhulptrajecten"),
        _c("leerlingenvervoercomponent", "Leerlingenvervoercomponent", "Leerlingenvervoer",
           SOCIAAL_DOMEIN, "Vervoersindicaties"),
        _c("leerplichtcomponent", "Leerplichtcomponent", "Leerplicht", SOCIAAL_DOMEIN,
           "Verzuimmeldingen"),
        _c("inburgeringscomponent", "Inburgeringscomponent", "Inburgering", SOCIAAL_DOMEIN,
           "Inburgeringstrajecten"),
        _c("minimaregelingencomponent", "Minimaregelingencomponent", "Minimaregelingen",
           SOCIAAL_DOMEIN, "Minimaregelingen"),
        _c("berichtenverkeer-zorg", "Berichtenverkeer zorg (iWmo/iJw)", "Zorgberichten",
           SOCIAAL_DOMEIN, "iWmo-berichten", "iJw-berichten"),
        _c("wijkteamdossiercomponent", "Wijkteamdossiercomponent", "Wijkteamdossiers",
           SOCIAAL_DOMEIN, "Wijkteamdossiers"),
        _c("suwinet-inkijk", "Suwinet-inkijkcomponent", "Suwinet", SOCIAAL_DOMEIN,
           "Suwinet-gegevens"),
    )),
    Domain("domein-ruimtelijk", "Ruimtelijk domein en Omgevingswet", (
        _c("omgevingsloket", "Omgevingsloket (DSO-koppeling)", "Omgevingsloket", RUIMTE,
           "Omgevingsvergunningaanvragen"),
        _c("vth-component", "VTH-component (vergunningen, toezicht, handhaving)", "VTH", RUIMTE,
           "Vergunningen", "Toezichtsbevindingen"),
        _c("omgevingsplancomponent", "Omgevingsplancomponent", "Omgevingsplan", RUIMTE,
           "Regels omgevingsplan"),
        _c("basisregistratie-adressen-en-gebouwen", "Basisregistratie Adressen en Gebouwen "
           "(BAG)", "BAG", RUIMTE, "BAG adressen", "BAG panden"),
        _c("basisregistratie-grootschalige-topografie", "Basisregistratie Grootschalige "
           "Topografie (BGT)", "BGT", RUIMTE, "BGT objecten"),
        _c("gis-component", "GIS-component (geo-informatie)", "GIS", RUIMTE, "Kaartlagen"),
        _c("kadastrale-informatie", "Basisregistratie Kadaster (BRK)", "BRK", RUIMTE,
           "Kadastrale percelen"),
        _c("grondexploitatiecomponent", "Grondexploitatiecomponent", "Grondexploitatie",
           ECONOMIE, "Grondexploitaties"),
        _c("bouwdossiercomponent", "Bouwdossiercomponent", "Bouwdossiers", RUIMTE,
           "Bouwtekeningen"),
        _c("monumentenregister", "Monumentenregister", "Monumenten", RUIMTE, "Monumenten"),
    )),
    Domain("domein-openbare-ruimte", "Beheer openbare ruimte", (
        _c("beheer-openbare-ruimte", "Beheer openbare ruimte (BOR)", "Beheer openbare ruimte",
           OPENBARE_RUIMTE, "Beheerobjecten", "Onderhoudsplanningen"),
        _c("meldingen-openbare-ruimte", "Meldingen openbare ruimte (MOR)", "Meldingen",
           OPENBARE_RUIMTE, "Meldingen openbare ruimte"),
        _c("afvalbeheercomponent", "Afvalbeheercomponent", "Afvalinzameling",
           OPENBARE_RUIMTE, "Containerledigingen"),
        _c("verkeersbesluitencomponent", "Verkeersbesluitencomponent", "Verkeersbesluiten",
           OPENBARE_RUIMTE, "Verkeersbesluiten"),
        _c("bomenbeheercomponent", "Bomenbeheercomponent", "Bomenbeheer", OPENBARE_RUIMTE,
           "Boomgegevens"),
        _c("rioleringsbeheercomponent", "Rioleringsbeheercomponent", "Rioolbeheer",
           OPENBARE_RUIMTE, "Rioolstrengen"),
        _c("wagenparkbeheercomponent", "Wagenparkbeheercomponent", "Wagenpark",
           FACILITAIR, "Voertuigen"),
    )),
    Domain("domein-bedrijfsvoering", "Bedrijfsvoering", (
        _c("financieel-systeem", "Financieel systeem", "Financiën", FINANCIEN,
           "Journaalposten", "Crediteuren"),
        _c("inkoopcomponent", "Inkoop- en e-factureringscomponent", "Inkoop", FINANCIEN,
           "Inkooporders", "Facturen"),
        _c("contractmanagementcomponent", "Contractmanagementcomponent", "Contractbeheer",
           FINANCIEN, "Contracten"),
        _c("subsidiecomponent", "Subsidiecomponent", "Subsidies", FINANCIEN,
           "Subsidiebeschikkingen"),
        _c("planning-en-control", "Planning- en controlcomponent", "Planning en control",
           FINANCIEN, "Begroting", "Tussenrapportages"),
        _c("hrm-component", "HRM-component", "Personeelszaken", HRM, "Medewerkers",
           "Formatie"),
        _c("salariscomponent", "Salarisadministratiecomponent", "Salarisadministratie", HRM,
           "Salarisstroken", "Loonjournaalposten"),
        _c("tijdregistratiecomponent", "Tijdregistratiecomponent", "Tijdregistratie", HRM,
           "Urenregistraties"),
        _c("vastgoedbeheercomponent", "Vastgoedbeheercomponent", "Vastgoedbeheer", ECONOMIE,
           "Vastgoedobjecten", "Huurcontracten"),
        _c("ruimtereservering", "Ruimte- en middelenreservering", "Zaalreservering",
           FACILITAIR, "Reserveringen"),
        _c("risicomanagementcomponent", "Risicomanagementcomponent", "Risicomanagement",
           FINANCIEN, "Risico's"),
    )),
    Domain("domein-informatievoorziening", "Informatievoorziening en basisregistraties", (
        _c("integratievoorziening", "Servicebus / integratievoorziening", "Integratie", IA,
           "Berichten"),
        _c("gegevensmagazijn", "Gegevensmagazijn", "Gegevensmagazijn", IA,
           "Historische gegevens"),
        _c("managementinformatiecomponent", "Managementinformatiecomponent",
           "Managementinformatie", IA, "Stuurinformatie"),
        _c("identity-en-access-management", "Identity & access management", "Identiteiten",
           IA, "Gebruikersaccounts", "Autorisaties"),
        _c("handelsregister", "Basisregistratie Handelsregister (NHR)", "Handelsregister",
           IA, "NHR inschrijvingen"),
        _c("kantoorautomatisering", "Kantoorautomatisering en samenwerking", "Kantoor", IA,
           "Agenda's", "Bestanden"),
        _c("e-mailcomponent", "E-mail en agenda", "E-mail", IA, "E-mailberichten"),
        _c("intranet", "Intranet", "Intranet", COMMUNICATIE, "Nieuwsberichten"),
        _c("zoekvoorziening", "Zoekvoorziening", "Zoeken", IA, "Zoekindex"),
        _c("servicemanagementcomponent", "Servicemanagementcomponent (ITSM)",
           "Servicemanagement", IA, "Incidenten", "Configuratie-items"),
        _c("monitoringcomponent", "Monitoringcomponent", "Monitoring", IA, "Meetwaarden"),
        _c("werkvoorraadcomponent", "Werkvoorraad- en registratietools", "Werkvoorraad", IA,
           "Werkvoorraden"),
        _c("mobiele-toepassingen", "Mobiele toepassingen (buitendienst)", "Mobiel werken", IA,
           "Veldwaarnemingen"),
        _c("printvoorziening", "Print- en verzendstraat", "Printstraat", IA,
           "Printopdrachten"),
    )),
    Domain("domein-veiligheid", "Veiligheid en handhaving", (
        _c("apv-vergunningencomponent", "APV- en evenementenvergunningencomponent",
           "Evenementenvergunningen", VEILIGHEID, "Evenementenvergunningen"),
        _c("handhavingscomponent", "Handhavingscomponent (boa)", "Handhaving", VEILIGHEID,
           "Processen-verbaal", "Waarschuwingen"),
        _c("drank-en-horecacomponent", "Drank- en horecacomponent", "Drank en horeca",
           VEILIGHEID, "Horecavergunningen"),
        _c("crisisbeheersingscomponent", "Crisisbeheersingscomponent", "Crisisbeheersing",
           VEILIGHEID, "Crisisplannen"),
        _c("cameratoezichtcomponent", "Cameratoezichtcomponent", "Cameratoezicht", VEILIGHEID,
           "Camerabeelden"),
    )),
    Domain("domein-bestuur", "Bestuur en besluitvorming", (
        _c("raadsinformatiesysteem", "Raadsinformatiesysteem", "Raadsinformatie", BESTUUR,
           "Raadsstukken"),
        _c("besluitvormingscomponent", "Besluitvormingscomponent (collegevoorstellen)",
           "Collegevoorstellen", BESTUUR, "Collegebesluiten"),
        _c("bezwaar-en-beroepcomponent", "Bezwaar- en beroepcomponent", "Bezwaarschriften",
           BESTUUR, "Bezwaarschriften"),
        _c("woo-verzoekencomponent", "Woo-verzoekencomponent", "Woo-verzoeken", BESTUUR,
           "Woo-verzoeken"),
    )),
)

COMPONENTS: dict[str, Component] = {c.id: c for d in DOMAINS for c in d.components}
DOMAIN_OF: dict[str, Domain] = {c.id: d for d in DOMAINS for c in d.components}


def capability_records() -> list[CapabilityRecord]:
    """The capability tree: one node per domain, reference components beneath."""
    records: list[CapabilityRecord] = []
    for domain in DOMAINS:
        records.append(CapabilityRecord(id=domain.id, name=domain.name))
        records.extend(
            CapabilityRecord(id=c.id, name=c.name, parent_id=domain.id)
            for c in domain.components
        )
    return records


SUPPLIERS: tuple[str, ...] = (
    "Raadhuis Digitaal BV", "Polderlogic", "Civitas Systemen", "Gemeentewerk ICT",
    "Waterland Software", "DeltaGeo", "Nedersoft Publiek", "Omnia Overheidsoplossingen",
    "Sociaal Digitaal BV", "Lokaal Data Services", "Kantoorwolk BV", "OpenGem Coöperatie",
    "Veluwe Informatica", "Stadhuis Systems", "Burgerwerk Software", "Grachtengordel IT",
)
IN_HOUSE = "Eigen beheer (I&A)"
BRANDS: dict[str, str] = {
    "Raadhuis Digitaal BV": "Raadhuis", "Polderlogic": "Polderlogic", "Civitas Systemen": "Civitas",
    "Gemeentewerk ICT": "Gemeentewerk", "Waterland Software": "Waterland", "DeltaGeo": "DeltaGeo",
    "Nedersoft Publiek": "Nedersoft", "Omnia Overheidsoplossingen": "Omnia",
    "Sociaal Digitaal BV": "SoDi", "Lokaal Data Services": "LDS", "Kantoorwolk BV": "Wolk",
    "OpenGem Coöperatie": "OpenGem", "Veluwe Informatica": "Veluwe",
    "Stadhuis Systems": "Stadhuis", "Burgerwerk Software": "Burgerwerk",
    "Grachtengordel IT": "Gracht",
}
"""Product-name prefix of each supplier."""


@dataclass(frozen=True, slots=True)
class ReleaseCycle:
    """One release cycle as endoflife.date lists it (release_cycles.csv)."""

    product: str
    version: str
    end_of_support: date | None
    end_of_life: date

    @property
    def use(self) -> TechnologyUse:
        return TechnologyUse(product=self.product, version=self.version)

    @property
    def record(self) -> TechnologyRecord:
        return TechnologyRecord(
            id=f"{self.product}:{self.version}",
            product=self.product,
            version=self.version,
            end_of_support=self.end_of_support,
            end_of_life=self.end_of_life,
        )

    def ended(self, on: date = REFERENCE_DATE) -> bool:
        return self.end_of_life < on or (
            self.end_of_support is not None and self.end_of_support < on
        )


def _cycle(product: str, version: str, eos: str | None, eol: str) -> ReleaseCycle:
    return ReleaseCycle(
        product, version, date.fromisoformat(eos) if eos else None, date.fromisoformat(eol)
    )


# Copied from release_cycles.csv (columns eoas and eol); supported well past REFERENCE_DATE.
SUPPORTED_PLATFORMS: tuple[ReleaseCycle, ...] = (
    _cycle("windows-server", "2025", "2029-11-13", "2034-11-14"),
    _cycle("rhel", "10", "2030-05-31", "2035-05-31"),
    _cycle("ubuntu", "24.04", "2029-05-31", "2029-05-31"),
)
SUPPORTED_DATABASES: tuple[ReleaseCycle, ...] = (
    _cycle("postgresql", "17", None, "2029-11-08"),
    _cycle("postgresql", "16", None, "2028-11-09"),
    _cycle("mssqlserver", "16.0", "2028-01-11", "2033-01-11"),
    _cycle("oracle-database", "19", None, "2029-12-31"),
    _cycle("mariadb", "11.8", None, "2028-06-04"),
    _cycle("mysql", "8.4", "2029-04-30", "2032-04-30"),
)
SUPPORTED_RUNTIMES: tuple[ReleaseCycle, ...] = (
    _cycle("eclipse-temurin", "21", None, "2029-12-31"),
    _cycle("eclipse-temurin", "25", None, "2031-09-30"),
    _cycle("dotnet", "10", None, "2028-11-14"),
    _cycle("php", "8.5", "2027-12-31", "2029-12-31"),
)
# Past end of life (or of active support) on REFERENCE_DATE.
END_OF_LIFE_PLATFORMS: tuple[ReleaseCycle, ...] = (
    _cycle("windows-server", "2012-r2", "2018-10-09", "2023-10-10"),
    _cycle("windows-server", "2016", "2022-01-11", "2027-01-12"),
    _cycle("rhel", "7", "2019-08-06", "2024-06-30"),
    _cycle("ubuntu", "20.04", "2022-10-01", "2025-05-31"),
)
END_OF_LIFE_DATABASES: tuple[ReleaseCycle, ...] = (
    _cycle("oracle-database", "12.2", None, "2022-03-31"),
    _cycle("mssqlserver", "12.0-sp3", "2019-07-09", "2024-07-09"),
    _cycle("postgresql", "11", None, "2023-11-09"),
    _cycle("postgresql", "13", None, "2025-11-13"),
)
END_OF_LIFE_RUNTIMES: tuple[ReleaseCycle, ...] = (
    _cycle("php", "7.4", "2021-11-28", "2022-11-28"),
    _cycle("dotnet", "6", None, "2024-11-12"),
    _cycle("python", "3.9", "2022-05-17", "2025-10-31"),
    _cycle("nodejs", "18", "2023-10-18", "2025-04-30"),
    _cycle("sharepoint", "2019", "2024-01-09", "2026-07-14"),
)
RELEASE_CYCLES: dict[tuple[str, str], ReleaseCycle] = {
    (c.product, c.version): c
    for c in (
        *SUPPORTED_PLATFORMS, *SUPPORTED_DATABASES, *SUPPORTED_RUNTIMES,
        *END_OF_LIFE_PLATFORMS, *END_OF_LIFE_DATABASES, *END_OF_LIFE_RUNTIMES,
    )
}


def cycle(product: str, version: str) -> ReleaseCycle:
    return RELEASE_CYCLES[(product, version)]


PROTOCOLS: dict[str, tuple[str, ...]] = {
    "api": ("REST (ZGW API)", "REST (Haal Centraal)", "StUF-ZKN", "StUF-BG", "REST", "SOAP"),
    "message": ("StUF-BG", "AMQP", "Digikoppeling ebMS", "Kafka"),
    "file": ("SFTP (CSV)", "SFTP (XML)", "Digikoppeling grote berichten"),
    "database-link": ("ODBC", "JDBC", "Oracle DB-link"),
    "manual": ("Handmatige export (Excel)",),
}
