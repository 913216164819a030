"""The guided EU AI Act screening questionnaire, as plain data.

The web form renders `STEPS` in order; each question's `key` is a key of the screening contract
(`eu-ai-act-screening/1`) or a dotted path into one of its objects (`transparency.deep_fake`,
`annex_i.legislation`, `gpai.training_flops`). Two questions have the key of a whole object
(`annex_i`, `gpai`) and kind `bool`: they ask whether the object is there at all, and gate the
questions about its contents.

Answers are a flat dict keyed by question key (`{"role": "deployer", "annex_i": True,
"annex_i.legislation": "lifts"}`); `answers_to_screening` turns them into a screening and
`screening_to_answers` back. Every visible question needs an explicit answer before a screening
is saved from the web: "None of these" for a list (an empty list), "Not known" for the training
compute (null). `missing_required` names the visible questions still unanswered;
`explicit_keys` names the questions a screening answered (the others took the contract's
neutral value). Pure data and functions, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import codes
from .rules import SCHEMA_IN

BOOL = "bool"
CHOICE = "choice"
MULTI_CHOICE = "multi_choice"
NUMBER = "number"
KINDS = frozenset({BOOL, CHOICE, MULTI_CHOICE, NUMBER})

# Keys whose value in the screening is an object or null; a bool answer says which.
OBJECT_KEYS = ("annex_i", "transparency", "gpai")
NULLABLE_OBJECT_KEYS = frozenset({"annex_i", "gpai"})


@dataclass(frozen=True, slots=True)
class ShowIf:
    """Show a question or step only when another answer meets a simple condition.

    `op` is one of: "equals" (answer == value), "in" (answer in value), "any_of" (the list
    answer shares a code with value), "not_empty" (the list answer has at least one code).
    """

    key: str
    op: str
    value: object = None

    def holds(self, answers: dict) -> bool:
        """Return True when the condition holds for these answers."""
        answer = get_answer(answers, self.key)
        if self.op == "equals":
            return answer == self.value
        if self.op == "in":
            return answer in self.value
        if self.op == "any_of":
            return bool(answer) and any(code in self.value for code in answer)
        if self.op == "not_empty":
            return bool(answer)
        raise ValueError(f"unknown show_if operator {self.op!r}")

    def as_dict(self) -> dict:
        """Return the condition as JSON-ready data for the browser."""
        value = list(self.value) if isinstance(self.value, (tuple, frozenset)) else self.value
        return {"key": self.key, "op": self.op, "value": value}


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the screening."""

    key: str
    kind: str
    label: str
    help: str
    required: bool = True
    choices: tuple[tuple[str | None, str], ...] = ()
    show_if: ShowIf | None = None
    # The explicit "nothing" answer of a list or number question: an empty list or null.
    none_label: str = ""

    def visible(self, answers: dict) -> bool:
        """Return True when the question applies given the other answers.

        A question gated by a hidden question is hidden too, whatever that question's stored
        answer (e.g. `public_authority` once the role is no longer deployer).
        """
        if self.show_if is None:
            return True
        gate = QUESTIONS.get(self.show_if.key)
        if gate is not None and not gate.visible(answers):
            return False
        return self.show_if.holds(answers)

    def as_dict(self) -> dict:
        """Return the question as JSON-ready data for the browser."""
        return {
            "key": self.key,
            "kind": self.kind,
            "label": self.label,
            "help": self.help,
            "required": self.required,
            "choices": [list(c) for c in self.choices],
            "show_if": self.show_if.as_dict() if self.show_if else None,
            "none_label": self.none_label,
        }


@dataclass(frozen=True, slots=True)
class Step:
    """One page of the questionnaire."""

    slug: str
    title: str
    intro: str
    questions: tuple[Question, ...] = field(default_factory=tuple)
    show_if: ShowIf | None = None

    def visible(self, answers: dict) -> bool:
        """Return True when the step applies given the answers so far."""
        return self.show_if is None or self.show_if.holds(answers)

    def as_dict(self) -> dict:
        """Return the step as JSON-ready data for the browser."""
        return {
            "slug": self.slug,
            "title": self.title,
            "intro": self.intro,
            "questions": [q.as_dict() for q in self.questions],
            "show_if": self.show_if.as_dict() if self.show_if else None,
        }


def _choices(table: dict) -> tuple[tuple[str, str], ...]:
    return tuple((code, entry.label) for code, entry in table.items())


_NONE = (None, "None of these")

_ANNEX_III_CHOICES = tuple(
    (p.code, f"{codes.ANNEX_III_AREAS[p.area]}: {p.label} ({p.citation})")
    for p in codes.ANNEX_III.values()
)
_ANNEX_I_CHOICES = tuple(
    (x.code, f"{x.label} ({x.act}, Section {x.section})") for x in codes.ANNEX_I.values()
)
_PRACTICE_CHOICES = tuple(
    (p.code, f"{p.label} ({p.citation})") for p in codes.PROHIBITED_PRACTICES.values()
)
_EXCEPTION_CHOICES = (_NONE,) + tuple(
    (x.code, f"{x.label}: for {codes.PROHIBITED_PRACTICES[x.practice].citation}")
    for x in codes.PROHIBITED_EXCEPTIONS.values()
)
_EXCLUSION_CHOICES = (_NONE,) + tuple(
    (x.code, f"{x.label} ({x.citation})") for x in codes.SCOPE_EXCLUSIONS.values()
)
_CONDITION_CHOICES = tuple(
    (x.code, f"{x.label} ({x.citation})") for x in codes.ART_6_3_CONDITIONS.values()
)

STEPS: tuple[Step, ...] = (
    Step(
        "organisation",
        "Your organisation and its role",
        "Start with who you are for this AI system: your duties under the AI Act depend on "
        "your role.",
        (
            Question(
                "role",
                CHOICE,
                "What is your organisation's role for this AI system?",
                "Art. 3(3)-(7): a provider develops the system (or has it developed) and offers "
                "it under its own name; a deployer uses it; an importer or distributor brings "
                "it to the EU market; an authorised representative acts for a provider outside "
                "the EU; a product manufacturer sells it inside its own product (Art. 25(3)).",
                choices=tuple(
                    (r.code, f"{r.label}: {r.description}") for r in codes.ROLES.values()
                ),
            ),
            Question(
                "established_in_eu",
                BOOL,
                "Is your organisation established in the EU?",
                "Art. 22(1) and Art. 54(1): a provider based outside the EU must appoint an "
                "authorised representative in the EU for a high-risk system or a "
                "general-purpose AI model.",
            ),
            Question(
                "public_service_deployer",
                BOOL,
                "Is your organisation a public body, or a private company providing public "
                "services?",
                "Art. 27(1): such deployers must assess the impact on fundamental rights before "
                "using most high-risk systems. Examples: a ministry, a city, a hospital, a "
                "school, a public-transport operator.",
                show_if=ShowIf("role", "equals", "deployer"),
            ),
            Question(
                "public_authority",
                BOOL,
                "Is your organisation a public authority or an EU institution, body, office or "
                "agency, or does it act on behalf of one?",
                "Art. 26(8) and Art. 49(3): such deployers must register their use of a high-risk "
                "system in the EU database before using it (not for critical infrastructure, "
                "Annex III point 2). A private company providing public services is not one.",
                show_if=ShowIf("public_service_deployer", "equals", True),
            ),
            Question(
                "art_25_trigger",
                BOOL,
                "Have you put your own name or trademark on the system, changed it "
                "substantially, or used it for a new purpose that makes it high-risk?",
                "Art. 25(1): if so, you become the provider of the high-risk system and take on "
                "all the provider's obligations.",
                show_if=ShowIf(
                    "role",
                    "in",
                    ("deployer", "importer", "distributor", "authorised_representative"),
                ),
            ),
            Question(
                "gpai",
                BOOL,
                "Does your organisation also provide a general-purpose AI model, such as a "
                "large language model that others build on?",
                "Art. 3(63) and Art. 53: a general-purpose AI model can perform a wide range of "
                "tasks and be built into many systems. Its provider has its own duties, "
                "whatever the system's risk.",
            ),
        ),
    ),
    Step(
        "scope",
        "Does the AI Act apply?",
        "The Act covers AI systems that reach the EU market or the people in it, with a few "
        "exclusions.",
        (
            Question(
                "is_ai_system",
                BOOL,
                "Does the system work out from its inputs how to produce outputs such as "
                "predictions, content, recommendations or decisions?",
                "Art. 3(1): an AI system runs with some autonomy and infers how to produce its "
                "outputs. Software that only follows rules written entirely by people is not an "
                "AI system (Recital 12).",
            ),
            Question(
                "eu_nexus",
                BOOL,
                "Is the system offered or used in the EU, or is its output used in the EU?",
                "Art. 2(1): the Act applies to systems placed on the EU market or put into "
                "service in the EU, and to systems outside the EU whose output is used in the "
                "EU.",
            ),
            Question(
                "scope_exclusion",
                CHOICE,
                "Does one of these exclusions apply?",
                "Art. 2(3)-(12): military and national-security systems, non-EU authorities in "
                "international cooperation, research-only systems, testing before market, "
                "personal use and open-source systems are excluded. Art. 2(12): the open-source "
                "exclusion does not cover prohibited, high-risk or Art. 50 systems.",
                choices=_EXCLUSION_CHOICES,
            ),
        ),
    ),
    Step(
        "prohibited",
        "Prohibited practices",
        "Some uses of AI are banned outright in the EU. Tick any the system performs.",
        (
            Question(
                "prohibited_practices",
                MULTI_CHOICE,
                "Does the system do any of these?",
                "Art. 5(1): these practices may not be placed on the market, put into service "
                "or used. Points (ba) and (bb) were added by Regulation (EU) 2026/1744 and apply "
                "from 2 December 2026.",
                choices=_PRACTICE_CHOICES,
                none_label="None of these",
            ),
            Question(
                "prohibited_exception",
                CHOICE,
                "Does one of these narrow exceptions apply?",
                "Art. 5(1)(f): emotion recognition for medical or safety reasons; Art. 5(1)(g): "
                "labelling lawfully acquired biometric data; Art. 5(1)(h)(i)-(iii): authorised, "
                "strictly necessary law-enforcement use. Each covers only its own practice.",
                choices=_EXCEPTION_CHOICES,
                show_if=ShowIf(
                    "prohibited_practices",
                    "any_of",
                    tuple(x.practice for x in codes.PROHIBITED_EXCEPTIONS.values()),
                ),
            ),
        ),
    ),
    Step(
        "product_safety",
        "Product safety (Annex I)",
        "AI that keeps a regulated product safe, or is such a product, can be high-risk through "
        "the product legislation.",
        (
            Question(
                "annex_i",
                BOOL,
                "Is the system a safety component of a product covered by EU product-safety "
                "law listed in Annex I, or such a product itself?",
                "Art. 6(1) and Art. 6(1a)-(1b): a safety component protects health or safety, "
                "or endangers it if it fails; AI used only for convenience, efficiency or "
                "quality control is not one. Examples: medical devices, toys, lifts, machinery, "
                "vehicles.",
            ),
            Question(
                "annex_i.legislation",
                CHOICE,
                "Which product legislation covers it?",
                "Annex I: Section A acts bring the full AI Act duties through the product's "
                "conformity assessment; for Section B acts (vehicles, aviation, rail, marine, "
                "machinery) Art. 2(2) leaves the AI requirements to the sectoral law.",
                choices=_ANNEX_I_CHOICES,
                show_if=ShowIf("annex_i", "equals", True),
            ),
            Question(
                "annex_i.third_party_conformity_assessment",
                BOOL,
                "Must the product be assessed by a third party (a notified body) under that "
                "legislation?",
                "Art. 6(1)(b) and Art. 6(1c): only then is the AI system high-risk. An "
                "assessment required solely for non-safety aspects, such as radio spectrum or "
                "electromagnetic compatibility, does not count.",
                show_if=ShowIf("annex_i", "equals", True),
            ),
        ),
    ),
    Step(
        "annex_iii",
        "High-risk uses (Annex III)",
        "Some purposes make an AI system high-risk wherever it is used. Tick every purpose the "
        "system is intended for.",
        (
            Question(
                "annex_iii",
                MULTI_CHOICE,
                "Is the system intended for any of these purposes?",
                "Art. 6(2) and Annex III: the eight areas are biometrics, critical "
                "infrastructure, education, employment, essential services, law enforcement, "
                "migration and borders, and justice and democracy.",
                choices=_ANNEX_III_CHOICES,
                none_label="None of these",
            ),
        ),
    ),
    Step(
        "derogation",
        "Is it really high-risk? (Art. 6(3))",
        "An Annex III system is not high-risk if it does not materially influence decisions, "
        "unless it profiles people.",
        (
            Question(
                "profiling",
                BOOL,
                "Does the system profile people, that is evaluate personal aspects such as work "
                "performance, finances, health, preferences, behaviour or location?",
                "Art. 6(3), third subparagraph, with GDPR Art. 4(4): an Annex III system that "
                "profiles natural persons is always high-risk.",
            ),
            Question(
                "art_6_3_conditions",
                MULTI_CHOICE,
                "Do any of these describe what the system does?",
                "Art. 6(3)(a)-(d): if one holds and the system does not profile people, it is "
                "not high-risk. You must then document that assessment (Art. 6(4)) and register "
                "the system (Art. 49(2)).",
                choices=_CONDITION_CHOICES,
                none_label="None of these",
            ),
        ),
        show_if=ShowIf("annex_iii", "not_empty"),
    ),
    Step(
        "transparency",
        "Transparency",
        "People must know when they deal with AI or with content made by AI.",
        (
            Question(
                "transparency.interacts_with_persons",
                BOOL,
                "Does the system talk or otherwise interact directly with people, like a "
                "chatbot or voice assistant?",
                "Art. 50(1): the provider must make sure people are told they are interacting "
                "with an AI system, unless it is obvious.",
            ),
            Question(
                "transparency.synthetic_content",
                BOOL,
                "Does the system generate audio, images, video or text?",
                "Art. 50(2): the provider must mark such output in a machine-readable way so it "
                "can be detected as AI-generated. A system that makes deep fakes generates "
                "content too.",
            ),
            Question(
                "transparency.emotion_recognition_or_biometric_categorisation",
                BOOL,
                "Does the system recognise emotions or sort people into categories from "
                "biometric data?",
                "Art. 50(3): the deployer must inform the people exposed to it.",
            ),
            Question(
                "transparency.deep_fake",
                BOOL,
                "Does the system create or alter images, audio or video that look like real "
                "people, places or events and could pass as authentic?",
                "Art. 50(4), first subparagraph, and Art. 3(60): the deployer must disclose "
                "that such deep fakes are AI-made; for evidently artistic or satirical work a "
                "light-touch disclosure suffices.",
            ),
            Question(
                "transparency.public_interest_text",
                BOOL,
                "Does the system write or alter text published to inform the public on matters "
                "of public interest, such as news?",
                "Art. 50(4), second subparagraph: the deployer must disclose that the text is "
                "AI-generated, unless a person reviews it and holds editorial responsibility.",
            ),
            Question(
                "transparency.human_editorial_control",
                BOOL,
                "Does a person review that text and hold editorial responsibility for "
                "publishing it?",
                "Art. 50(4), second subparagraph: human review with editorial responsibility "
                "lifts the duty to disclose AI-generated text.",
                show_if=ShowIf("transparency.public_interest_text", "equals", True),
            ),
        ),
    ),
    Step(
        "gpai",
        "General-purpose AI model",
        "Providers of general-purpose AI models have their own duties; the largest models carry "
        "more.",
        (
            Question(
                "gpai.training_flops",
                NUMBER,
                "How much compute was used to train the model, in floating-point operations "
                "(FLOP)?",
                "Art. 51(2): a model trained with more than 10^25 FLOP is presumed to have "
                'high-impact capabilities and systemic risk. Tick "Not known" if you do not '
                "know it.",
                none_label="Not known",
            ),
            Question(
                "gpai.commission_designated",
                BOOL,
                "Has the European Commission designated the model as having systemic risk?",
                "Art. 51(1)(b) and Art. 52: the Commission can designate a model on the Annex "
                "XIII criteria, such as reach or capabilities.",
            ),
            Question(
                "gpai.open_source",
                BOOL,
                "Is the model released under a free and open-source licence with its weights, "
                "architecture and usage information public?",
                "Art. 53(2): such a model without systemic risk is spared the technical "
                "documentation and downstream information duties (Art. 53(1)(a)-(b)), not the "
                "copyright policy or training-content summary.",
            ),
        ),
        show_if=ShowIf("gpai", "equals", True),
    ),
)

QUESTIONS: dict[str, Question] = {q.key: q for step in STEPS for q in step.questions}
_STEP_OF: dict[str, Step] = {q.key: step for step in STEPS for q in step.questions}


def _nested(answers: dict, key: str) -> object:
    head, _, tail = key.partition(".")
    value = answers.get(head)
    if not tail:
        return value
    return value.get(tail) if isinstance(value, dict) else None


def get_answer(answers: dict, key: str) -> object:
    """Return the answer to a question key from flat or nested answers (None when absent).

    Flat answers use the question key itself (`"annex_i.legislation"`); a screening-shaped dict
    nests it (`{"annex_i": {"legislation": ...}}`). For the object keys `annex_i` and `gpai`,
    an object counts as the answer True and null as False, as in a screening.
    """
    if key in answers:
        value = answers[key]
        if key in NULLABLE_OBJECT_KEYS and (value is None or isinstance(value, dict)):
            return value is not None
        return value
    if "." in key:
        return _nested(answers, key)
    return None


def _has_answer(answers: dict, question: Question) -> bool:
    key = question.key
    if "." in key:
        head, _, tail = key.partition(".")
        present = key in answers or (isinstance(answers.get(head), dict) and tail in answers[head])
    else:
        present = key in answers
    if not present:
        return False
    value = get_answer(answers, key)
    if question.kind == MULTI_CHOICE:
        # An empty list is the explicit "None of these".
        return isinstance(value, list) and (bool(value) or bool(question.none_label))
    # A choice whose choices include null ("None of these"), or a number that may be "Not
    # known", is answered by null.
    return (
        value is not None
        or bool(question.none_label)
        or any(code is None for code, _ in question.choices)
    )


def has_answer(answers: dict, question: Question) -> bool:
    """Return whether the answers hold an explicit answer to the question."""
    return _has_answer(answers, question)


def visible_questions(answers: dict) -> list[Question]:
    """Return the questions that apply given the answers, in order."""
    return [
        q for step in STEPS if step.visible(answers) for q in step.questions if q.visible(answers)
    ]


def missing_required(answers: dict) -> list[str]:
    """Return the keys of visible required questions that have no answer yet, in order."""
    return [q.key for q in visible_questions(answers) if q.required and not _has_answer(answers, q)]


def explicit_keys(screening: dict) -> list[str]:
    """Return the question keys a screening (or flat answers) answers explicitly, in order.

    A key left out of a screening takes the contract's neutral value; this tells the two
    apart, so a saved classification can say which answers rest on defaults.
    """
    return [key for key, q in QUESTIONS.items() if _has_answer(screening, q)]


def defaulted_keys(screening: dict, answered: list[str] | None) -> list[str]:
    """Return the visible questions of a screening that took their neutral value.

    `answered` is what `explicit_keys` recorded when the screening was saved; None (a record
    older than that) gives no list.
    """
    if answered is None:
        return []
    given = set(answered)
    answers = screening_to_answers(screening)
    return [q.key for q in visible_questions(answers) if q.key not in given]


def only_keys(answers: dict, keys: list[str] | None) -> dict:
    """Keep only the answers to these question keys (all of them when `keys` is None)."""
    if keys is None:
        return dict(answers)
    wanted = set(keys)
    return {k: v for k, v in answers.items() if k in wanted}


def answers_to_screening(answers: dict) -> dict:
    """Build a screening (schema `eu-ai-act-screening/1`) from flat answers.

    Hidden questions are left out, so their neutral value applies; the result still has to pass
    `rules.validate_screening`.
    """
    screening: dict = {"schema": SCHEMA_IN}
    for question in visible_questions(answers):
        if not _has_answer(answers, question):
            continue
        value = get_answer(answers, question.key)
        head, _, tail = question.key.partition(".")
        if tail:
            # annex_i and gpai exist only once their gate question said yes.
            if head in NULLABLE_OBJECT_KEYS:
                target = screening.get(head)
            else:
                target = screening.setdefault(head, {})
            if isinstance(target, dict):
                target[tail] = value
        elif head in NULLABLE_OBJECT_KEYS:
            screening[head] = {} if value is True else None
        else:
            screening[head] = value
    return screening


def screening_to_answers(screening: dict) -> dict:
    """Flatten a screening into answers keyed by question key, e.g. to prefill the form."""
    answers: dict = {}
    for key, question in QUESTIONS.items():
        head, _, tail = key.partition(".")
        if head not in screening:
            continue
        value = screening[head]
        if tail:
            if isinstance(value, dict) and tail in value:
                answers[key] = value[tail]
        elif head in NULLABLE_OBJECT_KEYS:
            answers[key] = isinstance(value, dict)
        elif question.kind != BOOL or value is not None:
            answers[key] = value
    return answers


def step_of(key: str) -> Step:
    """Return the step that holds a question key."""
    return _STEP_OF[key]
