"""Code tables of the EU AI Act screening contract, with plain-language labels.

Pure data, no Django: the rules engine, the questionnaire and the web UI read the same tables, so a
code has one label everywhere. The obligations' titles, citations and summaries are not written
here: they are read from the EU AI Act catalogue (`fixtures/catalogues/eu-ai-act.yaml`), the one
home of legal text, through `compliance.catalogue.legal_text` (no database). Codes are the
stable strings of the contract (`governance/classification/schemas/README.md`); citations refer
to Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744 ("Digital Omnibus on AI").
"""

from __future__ import annotations

from dataclasses import dataclass

from compliance.catalogue import legal_text

# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Code:
    """A code with a short label (for badges), a longer description and its legal source."""

    code: str
    label: str
    citation: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class AnnexIIIPoint:
    """One use case listed in Annex III (Art. 6(2))."""

    code: str
    area: int
    letter: str  # "" for point 2, which has no letters
    label: str
    description: str

    @property
    def citation(self) -> str:
        """Return the citation, e.g. "Annex III point 4(a)"."""
        point = f"{self.area}({self.letter})" if self.letter else str(self.area)
        return f"Annex III point {point}"


@dataclass(frozen=True, slots=True)
class Practice:
    """A prohibited practice of Art. 5(1)."""

    code: str
    letter: str
    label: str
    description: str
    added_by_omnibus: bool = False

    @property
    def citation(self) -> str:
        """Return the citation, e.g. "Art. 5(1)(f)"."""
        return f"Art. 5(1)({self.letter})"


@dataclass(frozen=True, slots=True)
class PracticeException:
    """A narrow exception inside one point of Art. 5(1)."""

    code: str
    practice: str  # the Art. 5(1) code the exception belongs to
    label: str
    citation: str
    description: str


@dataclass(frozen=True, slots=True)
class Legislation:
    """A Union harmonisation act listed in Annex I."""

    code: str
    section: str  # "A" (New Legislative Framework) or "B" (other harmonisation legislation)
    point: int
    label: str
    act: str

    @property
    def citation(self) -> str:
        """Return the citation, e.g. "Annex I Section A point 11 (Regulation (EU) 2017/745)"."""
        return f"Annex I Section {self.section} point {self.point} ({self.act})"


@dataclass(frozen=True, slots=True)
class Obligation:
    """An obligation code the engine can emit, with a human title and a one-line summary."""

    code: str
    title: str
    citation: str
    summary: str


# ---------------------------------------------------------------------------------------------
# Roles (Art. 3(3)-(7); product manufacturer: Art. 2(1)(e), Art. 25(3))
# ---------------------------------------------------------------------------------------------

ROLES: dict[str, Code] = {
    r.code: r
    for r in (
        Code(
            "provider",
            "Provider",
            "Art. 3(3)",
            "Develops the AI system, or has it developed, and offers it under its own name or "
            "trademark.",
        ),
        Code(
            "deployer",
            "Deployer",
            "Art. 3(4)",
            "Uses the AI system under its own authority, other than for purely personal use.",
        ),
        Code(
            "importer",
            "Importer",
            "Art. 3(6)",
            "Based in the EU and first places on the EU market a system bearing the name of a "
            "company outside the EU.",
        ),
        Code(
            "distributor",
            "Distributor",
            "Art. 3(7)",
            "Makes the system available in the EU and is neither its provider nor its importer.",
        ),
        Code(
            "authorised_representative",
            "Authorised representative",
            "Art. 3(5)",
            "Based in the EU and holds a written mandate to act for a provider outside the EU.",
        ),
        Code(
            "product_manufacturer",
            "Product manufacturer",
            "Art. 2(1)(e); Art. 25(3)",
            "Places the AI system on the market together with its own product, under its own "
            "name or trademark; it acts as the provider only of a system high-risk under "
            "Annex I.",
        ),
    )
}

# ---------------------------------------------------------------------------------------------
# Scope exclusions (Art. 2)
# ---------------------------------------------------------------------------------------------

SCOPE_EXCLUSIONS: dict[str, Code] = {
    e.code: e
    for e in (
        Code(
            "military_defence_national_security",
            "Military, defence or national security only",
            "Art. 2(3)",
            "Used exclusively for military, defence or national-security purposes.",
        ),
        Code(
            "third_country_public_authority",
            "Non-EU public authority in international cooperation",
            "Art. 2(4)",
            "Used by a public authority of a non-EU country or an international organisation "
            "under an agreement for law-enforcement or judicial cooperation with adequate "
            "safeguards.",
        ),
        Code(
            "scientific_research",
            "Scientific research only",
            "Art. 2(6)",
            "Developed and put into service solely for scientific research and development.",
        ),
        Code(
            "pre_market_research_testing",
            "Research and testing before market",
            "Art. 2(8)",
            "Research, testing or development before the system is placed on the market or put "
            "into service (testing in real-world conditions is not excluded).",
        ),
        Code(
            "personal_non_professional",
            "Purely personal, non-professional use",
            "Art. 2(10)",
            "Used by a natural person in a purely personal, non-professional activity.",
        ),
        Code(
            "free_open_source",
            "Free and open-source licence",
            "Art. 2(12)",
            "Released under a free and open-source licence. Does not hold for prohibited, "
            "high-risk or Art. 50 systems.",
        ),
    )
}

# ---------------------------------------------------------------------------------------------
# Prohibited practices (Art. 5(1)) and their narrow exceptions
# ---------------------------------------------------------------------------------------------

PROHIBITED_PRACTICES: dict[str, Practice] = {
    p.code: p
    for p in (
        Practice(
            "art_5_1_a",
            "a",
            "Manipulative or deceptive techniques",
            "Subliminal, manipulative or deceptive techniques that materially distort a person's "
            "behaviour and cause, or are likely to cause, significant harm.",
        ),
        Practice(
            "art_5_1_b",
            "b",
            "Exploiting vulnerabilities",
            "Exploiting vulnerabilities due to age, disability or a social or economic situation "
            "to materially distort behaviour, causing or likely to cause significant harm.",
        ),
        Practice(
            "art_5_1_ba",
            "ba",
            "Non-consensual intimate imagery",
            "Generating or manipulating realistic images, video or audio of an identifiable "
            "person's intimate parts or of them in sexually explicit activities, without their "
            "freely given, specific, informed and unambiguous consent.",
            added_by_omnibus=True,
        ),
        Practice(
            "art_5_1_bb",
            "bb",
            "Child sexual abuse material",
            "Generating or manipulating child sexual abuse material.",
            added_by_omnibus=True,
        ),
        Practice(
            "art_5_1_c",
            "c",
            "Social scoring",
            "Scoring people on their social behaviour or personal traits where the score leads "
            "to unjustified or unrelated detrimental treatment.",
        ),
        Practice(
            "art_5_1_d",
            "d",
            "Predicting crime from profiling alone",
            "Assessing the risk that a person will commit a crime based solely on profiling or "
            "personality traits.",
        ),
        Practice(
            "art_5_1_e",
            "e",
            "Scraping faces for recognition databases",
            "Building or expanding facial-recognition databases by untargeted scraping of facial "
            "images from the internet or CCTV footage.",
        ),
        Practice(
            "art_5_1_f",
            "f",
            "Emotion recognition at work or in education",
            "Inferring the emotions of people in the workplace or in education institutions.",
        ),
        Practice(
            "art_5_1_g",
            "g",
            "Biometric categorisation of sensitive traits",
            "Categorising people from biometric data to deduce race, political opinions, "
            "trade-union membership, religious or philosophical beliefs, sex life or sexual "
            "orientation.",
        ),
        Practice(
            "art_5_1_h",
            "h",
            "Real-time remote biometric identification for law enforcement",
            "Using real-time remote biometric identification in publicly accessible spaces for "
            "law enforcement.",
        ),
    )
}

PROHIBITED_EXCEPTIONS: dict[str, PracticeException] = {
    x.code: x
    for x in (
        PracticeException(
            "medical_or_safety",
            "art_5_1_f",
            "Medical or safety reasons",
            "Art. 5(1)(f)",
            "The emotion recognition is intended for medical or safety reasons.",
        ),
        PracticeException(
            "lawful_dataset_labelling",
            "art_5_1_g",
            "Labelling lawfully acquired biometric data",
            "Art. 5(1)(g)",
            "Labelling or filtering lawfully acquired biometric datasets, or categorising "
            "biometric data in law enforcement.",
        ),
        PracticeException(
            "authorised_law_enforcement_use",
            "art_5_1_h",
            "Authorised, strictly necessary law-enforcement use",
            "Art. 5(1)(h)(i)-(iii); Art. 5(2)-(7)",
            "Strictly necessary to search for specific victims, prevent an imminent threat to "
            "life or a terrorist attack, or locate a suspect of a serious Annex II offence, "
            "with national-law authorisation and prior approval.",
        ),
    )
}

# ---------------------------------------------------------------------------------------------
# Annex I: Union harmonisation legislation (Art. 6(1)); machinery moved to Section B by
# Regulation (EU) 2026/1744
# ---------------------------------------------------------------------------------------------

ANNEX_I: dict[str, Legislation] = {
    x.code: x
    for x in (
        Legislation("toys", "A", 2, "Toys", "Directive 2009/48/EC"),
        Legislation(
            "recreational_craft",
            "A",
            3,
            "Recreational craft and watercraft",
            "Directive 2013/53/EU",
        ),
        Legislation("lifts", "A", 4, "Lifts", "Directive 2014/33/EU"),
        Legislation(
            "atex", "A", 5, "Equipment for explosive atmospheres (ATEX)", "Directive 2014/34/EU"
        ),
        Legislation("radio_equipment", "A", 6, "Radio equipment", "Directive 2014/53/EU"),
        Legislation("pressure_equipment", "A", 7, "Pressure equipment", "Directive 2014/68/EU"),
        Legislation("cableways", "A", 8, "Cableway installations", "Regulation (EU) 2016/424"),
        Legislation("ppe", "A", 9, "Personal protective equipment", "Regulation (EU) 2016/425"),
        Legislation(
            "gas_appliances",
            "A",
            10,
            "Appliances burning gaseous fuels",
            "Regulation (EU) 2016/426",
        ),
        Legislation("medical_devices", "A", 11, "Medical devices", "Regulation (EU) 2017/745"),
        Legislation(
            "ivd_medical_devices",
            "A",
            12,
            "In vitro diagnostic medical devices",
            "Regulation (EU) 2017/746",
        ),
        Legislation(
            "civil_aviation_security",
            "B",
            13,
            "Civil aviation security",
            "Regulation (EC) No 300/2008",
        ),
        Legislation(
            "two_three_wheel_vehicles",
            "B",
            14,
            "Two- or three-wheel vehicles and quadricycles",
            "Regulation (EU) No 168/2013",
        ),
        Legislation(
            "agricultural_vehicles",
            "B",
            15,
            "Agricultural and forestry vehicles",
            "Regulation (EU) No 167/2013",
        ),
        Legislation("marine_equipment", "B", 16, "Marine equipment", "Directive 2014/90/EU"),
        Legislation("rail", "B", 17, "Rail system interoperability", "Directive (EU) 2016/797"),
        Legislation(
            "motor_vehicles", "B", 18, "Motor vehicles and trailers", "Regulation (EU) 2018/858"
        ),
        Legislation(
            "vehicle_general_safety",
            "B",
            19,
            "Vehicle general safety",
            "Regulation (EU) 2019/2144",
        ),
        Legislation(
            "unmanned_aircraft",
            "B",
            20,
            "Unmanned aircraft (drones)",
            "Regulation (EU) 2018/1139",
        ),
        Legislation("machinery", "B", 21, "Machinery", "Regulation (EU) 2023/1230"),
    )
}

# ---------------------------------------------------------------------------------------------
# Annex III: high-risk use cases (Art. 6(2)); unchanged by Regulation (EU) 2026/1744
# ---------------------------------------------------------------------------------------------

ANNEX_III_AREAS: dict[int, str] = {
    1: "Biometrics",
    2: "Critical infrastructure",
    3: "Education and vocational training",
    4: "Employment and workers' management",
    5: "Essential private and public services",
    6: "Law enforcement",
    7: "Migration, asylum and border control",
    8: "Justice and democratic processes",
}

ANNEX_III: dict[str, AnnexIIIPoint] = {
    p.code: p
    for p in (
        AnnexIIIPoint(
            "annex_iii_1_a",
            1,
            "a",
            "Remote biometric identification",
            "Identifying people at a distance against a reference database; not verification "
            "that only confirms a person is who they claim to be.",
        ),
        AnnexIIIPoint(
            "annex_iii_1_b",
            1,
            "b",
            "Biometric categorisation by sensitive traits",
            "Categorising people by sensitive or protected attributes inferred from biometric "
            "data.",
        ),
        AnnexIIIPoint(
            "annex_iii_1_c",
            1,
            "c",
            "Emotion recognition",
            "Recognising people's emotions or intentions from biometric data.",
        ),
        AnnexIIIPoint(
            "annex_iii_2",
            2,
            "",
            "Critical infrastructure safety component",
            "Safety component in managing or operating critical digital infrastructure, road "
            "traffic, or the supply of water, gas, heating or electricity.",
        ),
        AnnexIIIPoint(
            "annex_iii_3_a",
            3,
            "a",
            "Admission to education",
            "Deciding access or admission to, or assigning people to, education and training "
            "institutions.",
        ),
        AnnexIIIPoint(
            "annex_iii_3_b",
            3,
            "b",
            "Evaluating learning outcomes",
            "Evaluating learning outcomes, including to steer a person's learning process.",
        ),
        AnnexIIIPoint(
            "annex_iii_3_c",
            3,
            "c",
            "Deciding the level of education",
            "Assessing the level of education a person will receive or can access.",
        ),
        AnnexIIIPoint(
            "annex_iii_3_d",
            3,
            "d",
            "Proctoring tests",
            "Monitoring and detecting prohibited behaviour of students during tests.",
        ),
        AnnexIIIPoint(
            "annex_iii_4_a",
            4,
            "a",
            "Recruitment and candidate selection",
            "Placing targeted job ads, analysing and filtering applications, evaluating "
            "candidates.",
        ),
        AnnexIIIPoint(
            "annex_iii_4_b",
            4,
            "b",
            "Decisions about workers",
            "Deciding on work terms, promotion or termination, allocating tasks from behaviour or "
            "traits, monitoring and evaluating performance and behaviour.",
        ),
        AnnexIIIPoint(
            "annex_iii_5_a",
            5,
            "a",
            "Eligibility for public benefits",
            "Evaluating eligibility for essential public assistance benefits and services, "
            "including healthcare, and granting, reducing or revoking them.",
        ),
        AnnexIIIPoint(
            "annex_iii_5_b",
            5,
            "b",
            "Credit scoring",
            "Evaluating the creditworthiness of people or establishing their credit score; not "
            "fraud detection.",
        ),
        AnnexIIIPoint(
            "annex_iii_5_c",
            5,
            "c",
            "Life and health insurance pricing",
            "Risk assessment and pricing for people in life and health insurance.",
        ),
        AnnexIIIPoint(
            "annex_iii_5_d",
            5,
            "d",
            "Emergency calls and triage",
            "Evaluating emergency calls, dispatching or prioritising first responders, and "
            "emergency patient triage.",
        ),
        AnnexIIIPoint(
            "annex_iii_6_a",
            6,
            "a",
            "Risk of becoming a crime victim",
            "Used by or for law enforcement to assess a person's risk of becoming a victim of "
            "crime.",
        ),
        AnnexIIIPoint(
            "annex_iii_6_b",
            6,
            "b",
            "Polygraphs in law enforcement",
            "Polygraphs or similar tools used by or for law enforcement.",
        ),
        AnnexIIIPoint(
            "annex_iii_6_c",
            6,
            "c",
            "Reliability of evidence",
            "Evaluating the reliability of evidence when investigating or prosecuting crime.",
        ),
        AnnexIIIPoint(
            "annex_iii_6_d",
            6,
            "d",
            "Risk of offending",
            "Assessing a person's risk of offending or re-offending not solely on profiling, or "
            "assessing personality traits or past criminal behaviour.",
        ),
        AnnexIIIPoint(
            "annex_iii_6_e",
            6,
            "e",
            "Profiling in criminal investigations",
            "Profiling people when detecting, investigating or prosecuting crime.",
        ),
        AnnexIIIPoint(
            "annex_iii_7_a",
            7,
            "a",
            "Polygraphs at borders",
            "Polygraphs or similar tools used by or for migration, asylum or border authorities.",
        ),
        AnnexIIIPoint(
            "annex_iii_7_b",
            7,
            "b",
            "Risk assessment of people entering the EU",
            "Assessing a security, irregular-migration or health risk posed by a person who "
            "intends to enter or has entered a Member State.",
        ),
        AnnexIIIPoint(
            "annex_iii_7_c",
            7,
            "c",
            "Asylum, visa and residence applications",
            "Assisting the examination of asylum, visa and residence-permit applications and "
            "related complaints.",
        ),
        AnnexIIIPoint(
            "annex_iii_7_d",
            7,
            "d",
            "Identifying people at borders",
            "Detecting, recognising or identifying people in migration, asylum or border "
            "control; not checking travel documents.",
        ),
        AnnexIIIPoint(
            "annex_iii_8_a",
            8,
            "a",
            "Assisting judges",
            "Assisting a judicial authority or alternative dispute resolution in researching and "
            "interpreting facts and law and applying the law.",
        ),
        AnnexIIIPoint(
            "annex_iii_8_b",
            8,
            "b",
            "Influencing elections",
            "Influencing the outcome of an election or referendum or people's voting behaviour; "
            "not purely administrative campaign tools.",
        ),
    )
}

# ---------------------------------------------------------------------------------------------
# Art. 6(3) conditions
# ---------------------------------------------------------------------------------------------

ART_6_3_CONDITIONS: dict[str, Code] = {
    x.code: x
    for x in (
        Code(
            "a",
            "Narrow procedural task",
            "Art. 6(3)(a)",
            "The system performs a narrow procedural task.",
        ),
        Code(
            "b",
            "Improves a completed human activity",
            "Art. 6(3)(b)",
            "The system improves the result of an activity a person has already completed.",
        ),
        Code(
            "c",
            "Detects patterns without replacing human assessment",
            "Art. 6(3)(c)",
            "The system detects decision-making patterns or deviations from them, and does not "
            "replace or influence the completed human assessment without proper human review.",
        ),
        Code(
            "d",
            "Preparatory task",
            "Art. 6(3)(d)",
            "The system performs a task that only prepares an assessment relevant to an Annex "
            "III use case.",
        ),
    )
}

# ---------------------------------------------------------------------------------------------
# Art. 50 facts (keys of the `transparency` object)
# ---------------------------------------------------------------------------------------------

TRANSPARENCY_FACTS: dict[str, Code] = {
    x.code: x
    for x in (
        Code(
            "interacts_with_persons",
            "Interacts with people",
            "Art. 50(1)",
            "The system interacts directly with people, for example a chatbot or voice assistant.",
        ),
        Code(
            "synthetic_content",
            "Generates synthetic content",
            "Art. 50(2)",
            "The system generates synthetic audio, images, video or text.",
        ),
        Code(
            "emotion_recognition_or_biometric_categorisation",
            "Emotion recognition or biometric categorisation",
            "Art. 50(3)",
            "The system recognises emotions or sorts people into categories from biometric data.",
        ),
        Code(
            "deep_fake",
            "Makes deep fakes",
            "Art. 50(4)",
            "The system generates or manipulates images, audio or video that resemble real "
            "people, places or events and would falsely appear authentic.",
        ),
        Code(
            "public_interest_text",
            "Writes text on matters of public interest",
            "Art. 50(4)",
            "The system generates or manipulates text published to inform the public on matters "
            "of public interest.",
        ),
        Code(
            "human_editorial_control",
            "Under human editorial control",
            "Art. 50(4)",
            "The AI-generated text is reviewed by a person who holds editorial responsibility "
            "for its publication.",
        ),
    )
}

# The facts that make a system an "Art. 50 system" (spec precedence 5); editorial control only
# qualifies the public-interest text duty.
ART_50_FACT_KEYS: tuple[str, ...] = (
    "interacts_with_persons",
    "synthetic_content",
    "emotion_recognition_or_biometric_categorisation",
    "deep_fake",
    "public_interest_text",
)

# ---------------------------------------------------------------------------------------------
# Output values
# ---------------------------------------------------------------------------------------------

TIERS: dict[str, Code] = {
    x.code: x
    for x in (
        Code(
            "out_of_scope",
            "Out of scope",
            "Art. 2; Art. 3(1)",
            "The AI Act does not apply to this system.",
        ),
        Code(
            "prohibited",
            "Prohibited",
            "Art. 5",
            "The system may not be placed on the market, put into service or used in the EU.",
        ),
        Code(
            "high_risk",
            "High-risk",
            "Art. 6",
            "The system must meet the high-risk requirements before it is placed on the market "
            "or used.",
        ),
        Code(
            "limited_risk",
            "Limited risk",
            "Art. 50",
            "The system carries transparency duties towards the people it affects.",
        ),
        Code(
            "minimal_risk",
            "Minimal risk",
            "Art. 4; Art. 95",
            "No specific duties beyond AI literacy; voluntary codes of conduct are encouraged.",
        ),
    )
}

GPAI_CLASSES: dict[str, Code] = {
    x.code: x
    for x in (
        Code("none", "No general-purpose AI model", "Art. 3(63)", ""),
        Code(
            "gpai",
            "General-purpose AI model",
            "Art. 53",
            "The organisation provides a general-purpose AI model.",
        ),
        Code(
            "gpai_systemic_risk",
            "General-purpose AI model with systemic risk",
            "Art. 51; Art. 55",
            "The model has high-impact capabilities (over 10^25 training FLOP) or is designated "
            "by the Commission.",
        ),
    )
}

CONFORMITY_ROUTES: dict[str, Code] = {
    x.code: x
    for x in (
        Code(
            "internal_control",
            "Internal control (Annex VI)",
            "Art. 43(2); Annex VI",
            "The provider checks its own quality management system and technical documentation; "
            "no notified body.",
        ),
        Code(
            "notified_body",
            "Notified body (Annex VII)",
            "Art. 43(1); Annex VII",
            "A notified body assesses the quality management system and technical documentation.",
        ),
        Code(
            "internal_control_or_notified_body",
            "Internal control or notified body",
            "Art. 43(1); Annex VI; Annex VII",
            "Internal control is allowed only where harmonised standards or common "
            "specifications are applied in full; otherwise a notified body is required.",
        ),
        Code(
            "product_legislation",
            "Procedure of the product legislation",
            "Art. 43(3)",
            "The conformity assessment of the Annex I product legislation applies, with the AI "
            "requirements added to it.",
        ),
    )
}

# ---------------------------------------------------------------------------------------------
# Obligations the engine can emit (each has a timeline entry: fixtures/eu_ai_act/timeline.json)
# ---------------------------------------------------------------------------------------------

# The obligation codes the engine can emit, in the contract's order. Their titles, citations and
# summaries live in the catalogue (fixtures/catalogues/eu-ai-act.yaml), the one home of legal
# text; they are read once per process, without the database (compliance.catalogue.legal_text).
OBLIGATION_CODES: tuple[str, ...] = (
    "art_4",
    "art_5",
    "art_6_4",
    "art_9",
    "art_10",
    "art_11",
    "art_12",
    "art_13",
    "art_14",
    "art_15",
    "art_16",
    "art_17",
    "art_18",
    "art_19",
    "art_20",
    "art_21",
    "art_22",
    "art_23",
    "art_24",
    "art_26",
    "art_27",
    "art_43",
    "art_47",
    "art_48",
    "art_49",
    "art_49_2",
    "art_49_3",
    "art_50_1",
    "art_50_2",
    "art_50_3",
    "art_50_4",
    "art_53",
    "art_54",
    "art_55",
    "art_72",
    "art_73",
)


def _obligations() -> dict[str, Obligation]:
    out = {}
    for code in OBLIGATION_CODES:
        text = legal_text.obligation_text(code)
        if text is None:
            raise LookupError(f"{code}: no group in {legal_text.EU_AI_ACT_FILE.name}")
        out[code] = Obligation(code, text.title, text.citation, text.summary)
    return out


OBLIGATIONS: dict[str, Obligation] = _obligations()


def article_sort_key(code: str) -> tuple:
    """Return a key that orders article codes by number: art_4 < art_9 < art_10 < art_50_1.

    The contract's lists are sorted by plain string order; use this key where people read
    them in article order (the web UI, documents).
    """
    parts = code.split("_")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts[1:])
