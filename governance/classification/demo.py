"""Demo screenings for the register's demo systems, written from the law, spanning every tier.

Each screening is what a careful compliance officer would answer for that system (see
/work/shared/reference/eu-ai-act-and-iso-42001.md, A.2-A.6). Two systems have two versions, so
the comparison has something to show, and one system is edited after its classification, so it
is flagged for re-screening. Idempotent: a system that already has a classification is skipped.
"""

from governance.classification import rules, services
from governance.classification.models import Classification
from governance.register import services as register_services
from governance.register.models import AISystem

OFFICER = "officer@northwind.example"
SCHEMA = "eu-ai-act-screening/1"


def _screening(role: str, **answers) -> dict:
    """Return a screening of an AI system in the EU, established in the EU, with these answers."""
    return {
        "schema": SCHEMA,
        "role": role,
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
        **answers,
    }


# System name → its screenings, oldest first, each with the officer's note. The names are those
# of governance.register.demo; "Deepfake detection for ID checks" is left unscreened on purpose.
SCREENINGS: dict[str, list[tuple[dict, str]]] = {
    # Art. 5(1)(f): inferring the emotions of call-centre agents is emotion recognition in the
    # workplace; coaching is not a medical or safety reason, so the exception does not apply.
    "Call-centre emotion analytics": [
        (
            _screening(
                "deployer",
                prohibited_practices=["art_5_1_f"],
                annex_iii=["annex_iii_1_c"],
                profiling=True,
                transparency={"emotion_recognition_or_biometric_categorisation": True},
            ),
            "VoiceBridge pilot infers agents' emotions from their voices to coach them. Not for "
            "medical or safety reasons, so Art. 5(1)(f) applies: pilot stopped.",
        ),
    ],
    # Annex III 4(a): recruitment. First read as a preparatory tool (Art. 6(3)(d)); TalentRank's
    # instructions for use then showed it scores candidates' traits: profiling, so high-risk.
    "CV screening assistant": [
        (
            _screening("deployer", annex_iii=["annex_iii_4_a"], art_6_3_conditions=["d"]),
            "HR describes the tool as only sorting CVs before a recruiter reads them "
            "(preparatory task, Art. 6(3)(d)).",
        ),
        (
            _screening("deployer", annex_iii=["annex_iii_4_a"], profiling=True),
            "TalentRank's instructions for use (v5) show it scores candidates on predicted "
            "performance and traits: profiling, so Art. 6(3) cannot apply.",
        ),
    ],
    # Annex III 5(b): creditworthiness of natural persons; built in-house, so provider duties.
    "Payment-plan credit scoring": [
        (
            _screening("provider", annex_iii=["annex_iii_5_b"], profiling=True),
            "Built by the finance data team; decides which patients may pay in instalments.",
        ),
    ],
    # Annex III 3(d): monitoring students during tests in our nursing school.
    "Nursing exam proctoring": [
        (
            _screening("deployer", annex_iii=["annex_iii_3_d"]),
            "ProctorPoint flags possible cheating in online exams. No emotion inference in the "
            "configuration we bought.",
        ),
    ],
    # Annex III 5(a): eligibility for public healthcare allowances. Northwind runs the scheme
    # as a public service and deploys a vendor's system, so it owes the Art. 27 fundamental
    # rights impact assessment besides Art. 26.
    "Social-benefit eligibility assistant": [
        (
            _screening(
                "deployer",
                annex_iii=["annex_iii_5_a"],
                profiling=True,
                public_service_deployer=True,
            ),
            "Assesses residents' eligibility for healthcare allowances; Northwind deploys it as "
            "a provider of public services.",
        ),
    ],
    # Annex I, medical devices (Regulation (EU) 2017/745): a class IIb device needs a notified body.
    "Radiology triage (ChestScan)": [
        (
            _screening(
                "product_manufacturer",
                annex_i={
                    "legislation": "medical_devices",
                    "third_party_conformity_assessment": True,
                },
            ),
            "Safety component of our PACS, a class IIb medical device: CE marking through a "
            "notified body under the MDR.",
        ),
    ],
    # Annex III 4(b) (task allocation from traits), but only a proposal ward managers rework:
    # a preparatory task without profiling, so not high-risk under Art. 6(3)(d).
    "Staff rota optimiser": [
        (
            _screening("deployer", annex_iii=["annex_iii_4_b"], art_6_3_conditions=["d"]),
            "Proposes draft rotas from availability and declared skills; ward managers build the "
            "final rota. No evaluation of performance or behaviour.",
        ),
    ],
    # Art. 50(1): first screened from the project plan (an FAQ search box), then as a chatbot.
    "Patient support chatbot": [
        (
            _screening("provider"),
            "Screened from the project plan, when it was a search box over the FAQ pages.",
        ),
        (
            _screening(
                "provider",
                transparency={"interacts_with_persons": True, "synthetic_content": True},
            ),
            "Now answers patients in a chat window under the Northwind name, with generated "
            "text: Art. 50(1) and (2).",
        ),
    ],
    # Art. 50(2): the tool generates images; its provider must mark them as AI-generated.
    "Marketing image generator": [
        (
            _screening("provider", transparency={"synthetic_content": True}),
            "Our own tool around Stable Diffusion XL, put into service under our name, so we are "
            "its provider (Art. 3(3)). Generated images are marked (Art. 50(2)).",
        ),
    ],
    # Art. 53: Northwind fine-tunes and offers a general-purpose model; the compute comes from
    # the model in the register (Art. 51(2): over 10^25 FLOP means systemic risk).
    "Northwind Assist LLM platform": [
        (
            _screening(
                "provider",
                gpai={"training_flops": 3e25, "commission_designated": False, "open_source": False},
                transparency={"interacts_with_persons": True, "synthetic_content": True},
            ),
            "General-purpose assistant model offered to all staff and the group's companies.",
        ),
    ],
    # Annex III 5(b) excludes fraud detection; no other Annex III purpose.
    "Claims fraud detection": [
        (
            _screening("provider"),
            "Fraud detection is excluded from Annex III point 5(b); investigators decide.",
        ),
    ],
    "Email spam filter": [
        (_screening("deployer"), "Standard mail-gateway filtering; no Art. 50 facts."),
    ],
    "Pharmacy warehouse robot vision": [
        (
            _screening("deployer"),
            "Guides picking only; separate certified safety scanners stop the robots, so it is "
            "not a safety component of the machinery (Art. 6(1a)).",
        ),
    ],
    "Clinical note transcription": [
        (
            _screening("deployer"),
            "Transcribes dictation; doctors check and sign every note. Transcription is not "
            "synthetic content.",
        ),
    ],
    # Art. 3(1) and Recital 12: fixed thresholds written by engineers do not infer.
    "MRI predictive maintenance": [
        (
            _screening("provider", is_ai_system=False),
            "Reviewed with the engineers: it applies the manufacturer's fixed temperature and "
            "pressure thresholds. Not an AI system.",
        ),
    ],
}

# The officer found that Northwind is the provider of these systems: corrected in the register
# before the first screening.
# Edited after its classification, so the register flags it for re-screening.
RESCREEN = (
    "Patient support chatbot",
    {
        "intended_purpose": "Answer patients' questions about appointments, billing and opening "
        "hours on the website, and book, move or cancel their appointments."
    },
)


# Saved through the API with only the keys that matter: the system page says which answers rest
# on the contract's neutral values.
PARTIAL = {"Email spam filter"}


def _with_model_compute(system, screening: dict) -> dict:
    """Take the training compute of the system's general-purpose model from the register."""
    if not screening.get("gpai"):
        return screening
    flops = [
        m.training_compute_flops
        for m in system.ai_models.filter(organization_id=system.organization_id)
        if m.is_general_purpose and m.training_compute_flops
    ]
    if not flops:
        return screening
    return {**screening, "gpai": {**screening["gpai"], "training_flops": max(flops)}}


def populate(organization, members) -> None:
    """Save the demo screenings as the compliance officer; skip systems already classified."""
    officer = members.get(OFFICER)
    if officer is None:
        return
    systems = {
        s.name: s for s in AISystem.objects.filter(organization=organization, name__in=SCREENINGS)
    }
    classified = set(
        Classification.objects.filter(organization=organization, system__in=systems.values())
        .values_list("system_id", flat=True)
        .distinct()
    )
    for name, versions in SCREENINGS.items():
        system = systems.get(name)
        if system is None or system.archived_at or system.pk in classified:
            continue
        for screening, note in versions:
            screening = _with_model_compute(system, screening)
            if name not in PARTIAL:
                # The officer answered every question: "no" and "none of these" included.
                screening = rules.validate_screening(screening)
            services.classify_system(system=system, acting=officer, screening=screening, note=note)
        if name == RESCREEN[0]:
            system.refresh_from_db()
            register_services.update_system(system=system, acting=officer, data=RESCREEN[1])
