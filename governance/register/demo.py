"""Demo register for Northwind Health: vendors, models and AI systems across roles and stages.

Runs as a step of `manage.py demo` (see governance.core.demo.DEMO_STEPS), inside the
organisation's scope. Systems are left unscreened: the classification step comes after this one.
"""

from datetime import date

from governance.register import selectors, services
from governance.register.models import AIModel

OWNER = "owner@northwind.example"
ADMIN = "admin@northwind.example"
OFFICER = "officer@northwind.example"
CONTRIBUTOR = "contributor@northwind.example"

VENDORS = [
    {
        "name": "TalentRank GmbH",
        "website": "https://talentrank.example",
        "country": "Germany",
        "contact_email": "compliance@talentrank.example",
        "notes": "Instructions for use v5 received March 2025. Art. 26 deployer duties apply.",
    },
    {
        "name": "Lumen AI Inc.",
        "website": "https://lumen-ai.example",
        "country": "United States",
        "contact_email": "eu-rep@lumen-ai.example",
        "notes": "GPAI provider; authorised representative in Ireland (Art. 54).",
    },
    {
        "name": "VoiceBridge Ltd",
        "website": "https://voicebridge.example",
        "country": "Ireland",
        "contact_email": "dpo@voicebridge.example",
        "notes": "Call-centre speech analytics.",
    },
    {
        "name": "ProctorPoint B.V.",
        "website": "https://proctorpoint.example",
        "country": "Netherlands",
        "contact_email": "legal@proctorpoint.example",
        "notes": "",
    },
]

T = AIModel.ModelType
MODEL_FLAGS_NO = {"is_general_purpose": False, "is_open_source": False}
MODELS = [
    {
        "name": "Payment-plan credit GBM",
        "version": "3.2",
        "provider": "Northwind Health",
        "model_type": T.REGRESSION,
        "licence": "Proprietary",
        "intended_use": "Estimate the probability that a patient repays an instalment plan.",
        "limitations": "Trained on Dutch and German patients only; not for other markets.",
        "training_data": "Instalment plans 2016-2024 (412,000 plans), pseudonymised.",
        "evaluations": [
            {
                "task": "Default prediction",
                "dataset": "2024 hold-out",
                "metric": "AUC",
                "value": 0.87,
            },
            {
                "task": "Default prediction",
                "dataset": "2024 hold-out",
                "metric": "Gini",
                "value": 0.74,
            },
        ],
        "languages": [],
    },
    {
        "name": "TalentRank Ranker",
        "version": "5.0",
        "provider": "TalentRank GmbH",
        "vendor": "TalentRank GmbH",
        "model_type": T.RECOMMENDATION,
        "licence": "Commercial",
        "intended_use": "Rank applicants against a job profile.",
        "limitations": "Provider reports lower precision for career changers.",
        "languages": ["en", "de", "nl"],
    },
    {
        "name": "Lumen-4",
        "version": "2025-06",
        "provider": "Lumen AI Inc.",
        "vendor": "Lumen AI Inc.",
        "model_type": T.GENERATIVE_TEXT,
        "licence": "Proprietary",
        "is_general_purpose": True,
        "training_compute_flops": 3e25,
        "intended_use": "General-purpose text generation, reasoning and tool use.",
        "limitations": "May produce plausible but wrong statements; not for medical advice.",
        "evaluations": [
            {"task": "Knowledge", "dataset": "MMLU", "metric": "accuracy", "value": 0.88}
        ],
        "languages": ["en", "de", "fr", "nl", "es"],
    },
    {
        "name": "Stable Diffusion XL",
        "version": "1.0",
        "provider": "Stability AI",
        "model_type": T.GENERATIVE_IMAGE,
        "licence": "CreativeML Open RAIL++-M",
        "is_open_source": True,
        "intended_use": "Generate images from text prompts.",
        "limitations": "Can reproduce biases of web-scale training data.",
    },
    {
        "name": "ChestScan CNN",
        "version": "2.1",
        "provider": "Northwind Health",
        "model_type": T.CLASSIFICATION,
        "licence": "Proprietary",
        "intended_use": "Flag chest X-rays with suspected pneumothorax for priority reading.",
        "limitations": "Adults only; portable X-ray images lower sensitivity.",
        "training_data": "118,000 annotated chest X-rays from three hospitals.",
        "evaluations": [
            {
                "task": "Pneumothorax detection",
                "dataset": "External test site",
                "metric": "sensitivity",
                "value": 0.94,
            },
            {
                "task": "Pneumothorax detection",
                "dataset": "External test site",
                "metric": "specificity",
                "value": 0.89,
            },
        ],
    },
    {
        "name": "Whisper",
        "version": "large-v3",
        "provider": "OpenAI",
        "model_type": T.SPEECH_RECOGNITION,
        "licence": "MIT",
        "is_open_source": True,
        "intended_use": "Speech recognition and transcription.",
        "limitations": "Can hallucinate text during silence.",
        "languages": ["en", "de", "nl", "fr"],
    },
    {
        "name": "VoiceBridge Affect",
        # Imported from a vendor card that states neither flag.
        "unstated": True,
        "version": "1.4",
        "provider": "VoiceBridge Ltd",
        "vendor": "VoiceBridge Ltd",
        "model_type": T.CLASSIFICATION,
        "licence": "Commercial",
        "intended_use": "Infer caller and agent emotions from voice.",
    },
    {
        "name": "Northwind Assist",
        "version": "8B-ft2",
        "provider": "Northwind Health",
        "model_type": T.GENERATIVE_TEXT,
        "licence": "Llama 3.1 Community Licence",
        "is_general_purpose": True,
        "training_compute_flops": 3.1e25,
        # Before 2 August 2025: its provider duties apply from 2 August 2027 (Art. 111(3)).
        "placed_on_market_on": date(2025, 5, 12),
        "base_model": "Llama 3.1 8B",
        "intended_use": "Internal assistant for drafting, summarising and search.",
        "languages": ["en", "nl", "de"],
    },
    {
        "name": "Claims fraud forest",
        "version": "2024.11",
        "provider": "Northwind Health",
        "model_type": T.CLASSIFICATION,
        "licence": "Proprietary",
        "intended_use": "Score insurance claims for fraud review.",
    },
    {
        "name": "YOLOv8m",
        "version": "8.1",
        "provider": "Ultralytics",
        "model_type": T.OBJECT_DETECTION,
        "licence": "AGPL-3.0",
        "is_open_source": True,
        "intended_use": "Detect parcels and totes on conveyor belts.",
    },
]

# (name, owner email, technical owner email, data, model names, tags)
SYSTEMS = [
    (
        "CV screening assistant",
        OFFICER,
        ADMIN,
        {
            "reference": "HR-014",
            "operator_role": "deployer",
            "lifecycle_stage": "in_production",
            "deployment_context": "internal",
            "vendor": "TalentRank GmbH",
            "intended_purpose": "Rank job applicants for nursing and admin roles so recruiters "
            "review the best matches first.",
            "processes_personal_data": True,
            "affected_persons": ["employees"],
            "human_oversight": "Recruiters see every application; the ranking only orders them.",
            "put_into_service_on": date(2024, 9, 1),
            "dpia_done": True,
            # In service before its Annex III duties apply: caught only by a significant change.
            "intended_for_public_authorities": False,
            "annex_x_component": False,
        },
        ["TalentRank Ranker"],
        ["HR", "recruiting"],
    ),
    (
        "Payment-plan credit scoring",
        CONTRIBUTOR,
        ADMIN,
        {
            "reference": "FIN-003",
            "operator_role": "provider",
            "lifecycle_stage": "in_production",
            "deployment_context": "customer_facing",
            "intended_purpose": "Evaluate the creditworthiness of patients who ask to pay their "
            "bills in instalments.",
            "processes_personal_data": True,
            "affected_persons": ["patients", "customers"],
            "human_oversight": "Declines are reviewed by the billing team before they are sent.",
            "put_into_service_on": date(2023, 4, 17),
        },
        ["Payment-plan credit GBM"],
        ["finance", "credit"],
    ),
    (
        "Patient support chatbot",
        OFFICER,
        ADMIN,
        {
            "reference": "CX-021",
            "operator_role": "provider",
            "lifecycle_stage": "in_production",
            "deployment_context": "customer_facing",
            "vendor": "Lumen AI Inc.",
            "intended_purpose": "Answer patients' questions about appointments, billing and "
            "opening hours on the website.",
            "processes_personal_data": True,
            "affected_persons": ["patients", "customers"],
            "human_oversight": "Hand-over to a human agent on request or on medical topics.",
            # Offered under the Northwind name since February 2025: Art. 111(4) gives its
            # generated answers until 2 December 2026 to be marked (Art. 50(2)).
            "placed_on_market_on": date(2025, 2, 3),
            "put_into_service_on": date(2025, 2, 3),
        },
        ["Lumen-4"],
        ["customer service", "GenAI"],
    ),
    (
        "Marketing image generator",
        OWNER,
        ADMIN,
        {
            "reference": "MKT-002",
            "operator_role": "provider",
            "lifecycle_stage": "in_production",
            "deployment_context": "internal",
            "intended_purpose": "Generate illustrations for brochures and social media posts.",
            "human_oversight": "The communications team approves every published image.",
            "put_into_service_on": date(2024, 11, 12),
        },
        ["Stable Diffusion XL"],
        ["marketing", "GenAI"],
    ),
    (
        "Radiology triage (ChestScan)",
        OFFICER,
        ADMIN,
        {
            "reference": "MED-101",
            "operator_role": "product_manufacturer",
            "lifecycle_stage": "testing",
            "deployment_context": "embedded_product",
            "intended_purpose": "Prioritise chest X-rays with suspected pneumothorax in the "
            "radiologist's worklist; a safety component of our PACS device.",
            "processes_personal_data": True,
            "processes_special_categories": True,
            "affected_persons": ["patients"],
            "human_oversight": "Radiologists read every image; triage changes only the order.",
        },
        ["ChestScan CNN"],
        ["medical device", "MDR"],
    ),
    (
        "Northwind Assist LLM platform",
        ADMIN,
        OWNER,
        {
            "reference": "IT-050",
            "operator_role": "provider",
            "lifecycle_stage": "in_development",
            "deployment_context": "internal",
            "intended_purpose": "A general-purpose assistant offered to all staff for drafting, "
            "summarising and searching internal documents.",
            "processes_personal_data": True,
            "affected_persons": ["employees"],
            "human_oversight": "Users review all output; no automated decisions.",
        },
        ["Northwind Assist"],
        ["GenAI", "platform"],
    ),
    (
        "Claims fraud detection",
        CONTRIBUTOR,
        ADMIN,
        {
            "reference": "FIN-011",
            "operator_role": "provider",
            "lifecycle_stage": "in_production",
            "deployment_context": "internal",
            "intended_purpose": "Flag insurance claims with unusual patterns for manual fraud "
            "review.",
            "processes_personal_data": True,
            "processes_special_categories": True,
            "affected_persons": ["patients"],
            "human_oversight": "Investigators decide; a flag alone never rejects a claim.",
            "put_into_service_on": date(2024, 12, 2),
        },
        ["Claims fraud forest"],
        ["finance", "fraud"],
    ),
    (
        "Call-centre emotion analytics",
        OFFICER,
        ADMIN,
        {
            "reference": "CX-030",
            "operator_role": "deployer",
            "lifecycle_stage": "testing",
            "deployment_context": "internal",
            "vendor": "VoiceBridge Ltd",
            "intended_purpose": "Infer the emotions of call-centre agents and callers from their "
            "voices to coach agents.",
            "processes_personal_data": True,
            "processes_biometric_data": True,
            "affected_persons": ["employees", "customers"],
            "human_oversight": "Team leads review weekly dashboards.",
        },
        ["VoiceBridge Affect", "Whisper"],
        ["customer service", "biometrics"],
    ),
    (
        "Nursing exam proctoring",
        OFFICER,
        None,
        {
            "reference": "EDU-004",
            "operator_role": "deployer",
            "lifecycle_stage": "planned",
            "deployment_context": "internal",
            "vendor": "ProctorPoint B.V.",
            "intended_purpose": "Monitor students taking online nursing exams and flag possible "
            "cheating.",
            "processes_personal_data": True,
            "processes_biometric_data": True,
            "affected_persons": ["students"],
            "human_oversight": "Examiners review every flag before any consequence.",
        },
        [],
        ["education"],
    ),
    (
        "MRI predictive maintenance",
        ADMIN,
        ADMIN,
        {
            "reference": "OPS-007",
            "operator_role": "provider",
            "lifecycle_stage": "in_production",
            "deployment_context": "internal",
            "intended_purpose": "Predict failures of MRI scanner cooling systems from sensor data.",
            "human_oversight": "Maintenance engineers plan interventions.",
            "put_into_service_on": date(2022, 6, 1),
        },
        [],
        ["operations"],
    ),
    (
        "Email spam filter",
        ADMIN,
        ADMIN,
        {
            "reference": "IT-002",
            "operator_role": "deployer",
            "lifecycle_stage": "in_production",
            "deployment_context": "internal",
            "intended_purpose": "Filter unsolicited and phishing email for all staff mailboxes.",
            "processes_personal_data": True,
            "affected_persons": ["employees"],
            "put_into_service_on": date(2021, 1, 15),
        },
        [],
        ["IT"],
    ),
    (
        "Social-benefit eligibility assistant",
        OFFICER,
        ADMIN,
        {
            "reference": "PUB-001",
            "operator_role": "deployer",
            "lifecycle_stage": "in_development",
            "deployment_context": "public_service",
            "vendor": "Lumen AI Inc.",
            "intended_purpose": "Help caseworkers of the municipal health-insurance scheme, which "
            "Northwind runs as a public service, assess whether residents are eligible for "
            "healthcare allowances.",
            "processes_personal_data": True,
            "processes_special_categories": True,
            "affected_persons": ["citizens", "vulnerable"],
            "human_oversight": "Caseworkers take every decision and must record their reasons.",
            "intended_for_public_authorities": True,
            "annex_x_component": False,
            # What a public algorithm register publishes (NL standard, UK ATRS).
            # The first line is the title public registers show; the rest explains it.
            "legal_basis": "Municipal Health Insurance Scheme Regulation, Art. 12\nThe scheme "
            "decides on healthcare allowances for residents on low incomes.",
            "legal_basis_url": "https://regulations.northwind-health.example/mhis/art-12",
            "public_page_url": "https://www.northwind-health.example/algorithms/pub-001",
            "processing_register_url": "https://www.northwind-health.example/privacy/"
            "processing/allowances",
            "contact_point": "algorithms@northwind-health.example",
            "published_on": date(2026, 3, 2),
            "dpia_done": True,
            # Art. 27: due before first use; planned for the pilot.
            "fria_done": False,
        },
        ["Lumen-4"],
        ["public sector", "GenAI"],
    ),
    (
        "Deepfake detection for ID checks",
        OFFICER,
        ADMIN,
        {
            "reference": "SEC-009",
            "operator_role": "deployer",
            "lifecycle_stage": "testing",
            "deployment_context": "customer_facing",
            "intended_purpose": "Detect manipulated selfies and ID photos during online patient "
            "registration.",
            "processes_personal_data": True,
            "processes_biometric_data": True,
            "affected_persons": ["patients"],
            "human_oversight": "Suspected fakes go to the registration desk for a manual check.",
        },
        [],
        ["security", "biometrics"],
    ),
    (
        "Pharmacy warehouse robot vision",
        ADMIN,
        ADMIN,
        {
            "reference": "OPS-015",
            "operator_role": "deployer",
            "lifecycle_stage": "in_production",
            "deployment_context": "internal",
            "intended_purpose": "Guide picking robots in the central pharmacy warehouse.",
            # Its cameras also film the floor staff: whether that is personal (or biometric)
            # data is not settled yet, so the register leaves it not stated.
            "processes_personal_data": None,
            "processes_biometric_data": None,
            "human_oversight": "Floor staff can stop robots at any time.",
            "put_into_service_on": date(2024, 3, 4),
        },
        ["YOLOv8m"],
        ["operations", "logistics"],
    ),
    (
        "Clinical note transcription",
        OFFICER,
        ADMIN,
        {
            "reference": "MED-040",
            "operator_role": "deployer",
            "lifecycle_stage": "in_production",
            "deployment_context": "internal",
            "intended_purpose": "Transcribe doctors' dictated notes into the patient record.",
            "processes_personal_data": True,
            "processes_special_categories": True,
            "affected_persons": ["patients"],
            "human_oversight": "Doctors check and sign every transcribed note.",
            "put_into_service_on": date(2025, 5, 20),
        },
        ["Whisper"],
        ["clinical", "GenAI"],
    ),
    (
        "Staff rota optimiser",
        OWNER,
        ADMIN,
        {
            "reference": "HR-009",
            "operator_role": "deployer",
            "lifecycle_stage": "retired",
            "deployment_context": "internal",
            "intended_purpose": "Propose nurse shift rotas from availability and skills.",
            "processes_personal_data": True,
            "affected_persons": ["employees"],
            "human_oversight": "Ward managers approved every rota.",
        },
        [],
        ["HR"],
    ),
]
# Shown with "Show archived": replaced by the patient support chatbot.
ARCHIVED = (
    "Legacy symptom checker",
    OFFICER,
    None,
    {
        "reference": "CX-001",
        "operator_role": "deployer",
        "lifecycle_stage": "retired",
        "deployment_context": "customer_facing",
        "intended_purpose": "Suggest which department a patient should contact for their symptoms.",
        "processes_personal_data": True,
        "processes_special_categories": True,
        "affected_persons": ["patients"],
    },
    [],
    ["customer service"],
)


DATA_FLAGS_NO = {
    "processes_personal_data": False,
    "processes_biometric_data": False,
    "processes_special_categories": False,
}


def populate(organization, members) -> None:
    """Add the demo register to the organisation, unless it has AI systems already."""
    if selectors.systems_of(organization, include_archived=True).exists():
        return
    acting = members[OWNER]
    vendors = {v.name: v for v in selectors.vendors_of(organization, include_archived=True)}
    for data in VENDORS:
        if data["name"] not in vendors:
            vendors[data["name"]] = services.create_vendor(
                organization=organization, acting=acting, data=data
            )
    models = {m.name: m for m in selectors.models_of(organization, include_archived=True)}
    for data in MODELS:
        if data["name"] not in models:
            # The demo knows its models: a flag it does not list is a "No", except where a
            # model deliberately leaves it unstated, as imported cards often do.
            flags = {} if data.get("unstated") else MODEL_FLAGS_NO
            fields = {**flags, **data, "vendor": vendors.get(data.get("vendor", ""))}
            fields.pop("unstated", None)
            models[data["name"]] = services.create_model(
                organization=organization, acting=acting, data=fields
            )
    for name, owner, technical, data, model_names, tags in [*SYSTEMS, ARCHIVED]:
        fields = {
            # The demo knows its systems: a data flag it does not list is a "No".
            **DATA_FLAGS_NO,
            **data,
            "name": name,
            "vendor": vendors.get(data.get("vendor", "")),
            "business_owner": members[owner].user if owner in members else None,
            "technical_owner": members[technical].user if technical in members else None,
        }
        system = services.create_system(
            organization=organization,
            acting=acting,
            data=fields,
            ai_models=[models[n] for n in model_names],
            tags=tags,
        )
        if name == ARCHIVED[0]:
            services.archive_system(system=system, acting=acting)
