"""The contract's JSON Schemas: true to the code tables, agreeing with the engine, served by the
API and used for the screening and classification bodies in OpenAPI."""

import copy
import importlib.util
import itertools
import json
from pathlib import Path

import pytest
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator, FormatChecker

from governance.classification import codes, schemas
from governance.classification.demo import SCREENINGS as DEMO_SCREENINGS
from governance.classification.rules import SCHEMA_IN, ScreeningInvalid, classify
from governance.classification.schemas import build

ROOT = Path(__file__).resolve().parents[2]
SCREENING = Draft202012Validator(schemas.load("eu-ai-act-screening-1"))
CLASSIFICATION = Draft202012Validator(
    schemas.load("eu-ai-act-classification-1"), format_checker=FormatChecker()
)


def _bench_screenings():
    path = ROOT / "tests" / "benchmarks" / "bench_classification.py"
    spec = importlib.util.spec_from_file_location("bench_classification", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.screenings()


def _sweep():
    """Screenings over every role and the facts each precedence rule reads."""
    annex = [
        {},
        {"annex_iii": ["annex_iii_2"]},
        {"annex_iii": ["annex_iii_5_a"], "public_authority": True},
        {"annex_iii": ["annex_iii_4_a"], "art_6_3_conditions": ["a", "d"]},
        {"annex_i": {"legislation": "toys", "third_party_conformity_assessment": True}},
        {"annex_i": {"legislation": "rail"}, "annex_iii": ["annex_iii_1_a"]},
        {"prohibited_practices": ["art_5_1_ba"]},
        {
            "prohibited_practices": ["art_5_1_h"],
            "prohibited_exception": "authorised_law_enforcement_use",
        },
        {"scope_exclusion": "free_open_source", "transparency": None},
    ]
    extra = [
        {},
        {"transparency": dict.fromkeys(codes.TRANSPARENCY_FACTS, True)},
        {"gpai": {"training_flops": 2e25, "open_source": True}},
        {"gpai": {"training_flops": None, "commission_designated": False}},
        {"art_25_trigger": True, "profiling": True, "established_in_eu": False},
    ]
    for role, a, e in itertools.product(codes.ROLES, annex, extra):
        yield {"schema": SCHEMA_IN, "role": role, "is_ai_system": True, "eu_nexus": True, **a, **e}


def corpus():
    """Every screening the tests and the demo use, and the published examples."""
    found = list(_bench_screenings()) + list(_sweep()) + list(build.EXAMPLES)
    for versions in DEMO_SCREENINGS.values():
        found.extend(screening for screening, _note in versions)
    found.append({"schema": SCHEMA_IN, "role": "provider", "is_ai_system": False})
    return found


CORPUS = corpus()


def engine_accepts(data):
    try:
        classify(data)
    except ScreeningInvalid:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(schemas.NAMES))
def test_the_committed_file_is_what_the_builder_makes_from_the_code_tables(name):
    committed = schemas.path(name).read_text(encoding="utf-8")
    assert committed == build.render(build.BUILDERS[name]()), (
        "run: python -m governance.classification.schemas.build"
    )


@pytest.mark.parametrize("name", list(schemas.NAMES))
def test_each_file_is_a_valid_draft_2020_12_schema(name):
    schema = schemas.load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_screening_schema_lists_every_key_of_the_engine():
    from governance.classification.rules import validate_screening

    keys = list(validate_screening({"schema": SCHEMA_IN, "role": "provider", "is_ai_system": True}))
    assert list(schemas.load("eu-ai-act-screening-1")["properties"]) == keys


# ---------------------------------------------------------------------------------------------
# Schema and engine agree
# ---------------------------------------------------------------------------------------------


def test_the_corpus_is_large_and_covers_every_tier():
    tiers = {classify(s)["tier"] for s in CORPUS}
    assert len(CORPUS) > 2000
    assert tiers == set(codes.TIERS)


def test_every_screening_of_the_corpus_and_the_demo_is_valid_under_the_schema():
    for screening in CORPUS:
        errors = [e.message for e in SCREENING.iter_errors(screening)]
        assert errors == [], (screening, errors)


def test_every_classification_of_the_corpus_is_valid_under_the_classification_schema():
    for screening in CORPUS:
        result = classify(screening)
        errors = [e.message for e in CLASSIFICATION.iter_errors(result)]
        assert errors == [], (screening, errors)


MUTATIONS = [
    ("extra", 1),
    ("schema", "eu-ai-act-screening/2"),
    ("role", "vendor"),
    ("role", None),
    ("is_ai_system", "yes"),
    ("eu_nexus", None),
    ("eu_nexus", 1),
    ("scope_exclusion", "hobby"),
    ("scope_exclusion", None),
    ("prohibited_practices", ["art_5_1_z"]),
    ("prohibited_practices", "art_5_1_a"),
    ("prohibited_practices", ["art_5_1_c", "art_5_1_c"]),
    ("prohibited_exception", "medical_or_safety"),
    ("prohibited_exception", "nope"),
    ("annex_i", {"legislation": "cars"}),
    ("annex_i", {"third_party_conformity_assessment": True}),
    ("annex_i", {"legislation": "lifts", "x": 1}),
    ("annex_i", {"legislation": "lifts", "third_party_conformity_assessment": None}),
    ("annex_i", "lifts"),
    ("annex_iii", ["annex_iii_9_a"]),
    ("annex_iii", []),
    ("annex_iii", ["annex_iii_2", "annex_iii_2"]),
    ("art_6_3_conditions", ["a"]),
    ("art_6_3_conditions", ["e"]),
    ("profiling", None),
    ("art_25_trigger", "true"),
    ("public_service_deployer", False),
    ("public_service_deployer", True),
    ("public_authority", True),
    ("public_authority", 0),
    ("transparency", {"hologram": True}),
    ("transparency", {"deep_fake": 1}),
    ("transparency", []),
    ("gpai", {"training_flops": -1}),
    ("gpai", {"training_flops": "1e25"}),
    ("gpai", {"training_flops": True}),
    ("gpai", {"open_source": "yes"}),
    ("gpai", {"size": 1}),
    ("gpai", {"training_flops": 10**26}),
]
BASES = [
    {"schema": SCHEMA_IN, "role": "deployer", "is_ai_system": True},
    {"schema": SCHEMA_IN, "role": "provider", "is_ai_system": True, "annex_iii": ["annex_iii_4_a"]},
    {
        "schema": SCHEMA_IN,
        "role": "provider",
        "is_ai_system": True,
        "prohibited_practices": ["art_5_1_f"],
    },
    {"schema": SCHEMA_IN, "role": "deployer", "is_ai_system": True, "public_authority": True},
]


@pytest.mark.parametrize("base", BASES, ids=["plain", "annex_iii", "practice", "authority"])
@pytest.mark.parametrize("key, value", MUTATIONS, ids=[f"{k}={v!r}" for k, v in MUTATIONS])
def test_the_schema_and_the_engine_accept_and_refuse_the_same_screenings(base, key, value):
    data = copy.deepcopy(base)
    data[key] = copy.deepcopy(value)
    assert SCREENING.is_valid(data) == engine_accepts(data), data


@pytest.mark.parametrize("key", ["schema", "role", "is_ai_system"])
def test_both_refuse_a_screening_without_a_required_key(key):
    data = {"schema": SCHEMA_IN, "role": "provider", "is_ai_system": True}
    del data[key]
    assert not SCREENING.is_valid(data) and not engine_accepts(data)


# ---------------------------------------------------------------------------------------------
# Served by the API
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(schemas.NAMES))
def test_the_api_serves_each_schema_byte_for_byte_without_a_token(db, client, name):
    response = client.get(f"/api/v1/schemas/{name}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert response.content == schemas.path(name).read_bytes()
    assert "public" in response["Cache-Control"]


def test_the_api_lists_the_schemas(db, client):
    body = client.get("/api/v1/schemas/").json()
    assert [s["contract"] for s in body["schemas"]] == [
        "eu-ai-act-screening/1",
        "eu-ai-act-classification/1",
    ]
    for entry in body["schemas"]:
        assert entry["url"].endswith(f"/api/v1/schemas/{entry['name']}.json")
        assert client.get(entry["url"]).status_code == 200


def test_an_unknown_schema_is_a_404_in_the_house_error_shape(db, client):
    response = client.get("/api/v1/schemas/eu-ai-act-screening-2.json")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
    assert "eu-ai-act-screening-2" in response.json()["error"]["message"]


def test_the_schema_urls_refuse_writes(db, client):
    assert client.post("/api/v1/schemas/eu-ai-act-screening-1.json", {}).status_code == 405


# ---------------------------------------------------------------------------------------------
# Used in OpenAPI
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(openapi, ref):
    return openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_the_openapi_document_stays_valid(openapi):
    document = json.loads(json.dumps(openapi))
    validate_schema(document)  # raises on a document that breaks the OpenAPI 3 schema
    assert document["openapi"].startswith("3.")
    assert "/api/v1/o/{org_slug}/screenings/evaluate/" in document["paths"]


def test_evaluate_takes_a_typed_screening_with_real_examples_and_answers_a_classification(
    openapi,
):
    post = openapi["paths"]["/api/v1/o/{org_slug}/screenings/evaluate/"]["post"]
    body = post["requestBody"]["content"]["application/json"]
    screening = _resolve(openapi, body["schema"]["$ref"])
    assert screening["required"] == ["schema", "role", "is_ai_system"]
    assert "public_authority" in screening["properties"]
    examples = [e["value"] for e in body["examples"].values()]
    assert examples == build.EXAMPLES
    for example in examples:
        assert SCREENING.is_valid(example) and engine_accepts(example)
    answer = post["responses"]["200"]["content"]["application/json"]
    assert answer["schema"]["$ref"].endswith("/Classification")
    (example,) = [e["value"] for e in answer["examples"].values()]
    assert example == classify(build.EXAMPLES[0])
    assert CLASSIFICATION.is_valid(example)


def test_saving_a_screening_and_reading_versions_use_the_same_components(openapi):
    path = openapi["paths"]["/api/v1/o/{org_slug}/systems/{system_uuid}/classifications/"]
    body = path["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/ScreeningRequest")
    version = openapi["components"]["schemas"]["ClassificationVersion"]["properties"]
    assert version["screening"]["$ref"].endswith("/Screening")
    assert version["classification"]["$ref"].endswith("/Classification")


def test_the_openapi_components_carry_the_codes_and_nullable_keys(openapi):
    screening = openapi["components"]["schemas"]["Screening"]
    assert screening["properties"]["gpai"]["nullable"] is True
    assert screening["properties"]["annex_i"]["nullable"] is True
    classification = openapi["components"]["schemas"]["Classification"]
    obligations = _resolve(openapi, classification["properties"]["obligations"]["items"]["$ref"])
    assert obligations["enum"] == list(codes.OBLIGATIONS)
    assert "/api/v1/schemas/eu-ai-act-classification-1.json" in classification["description"]


# ---------------------------------------------------------------------------------------------
# The API speaks the amended contract, and its answers match the published schema
# ---------------------------------------------------------------------------------------------

EVALUATE = "/api/v1/o/acme/screenings/evaluate/"


@pytest.mark.parametrize("example", build.EXAMPLES, ids=["cv", "chatbot", "public"])
def test_posting_each_openapi_example_answers_a_valid_classification(world, client, example):
    client.force_login(world.alice)
    response = client.post(EVALUATE, example, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == classify(example)
    assert CLASSIFICATION.is_valid(response.json())


def test_the_api_adds_the_registration_of_use_for_a_public_authority(world, client):
    client.force_login(world.alice)
    body = client.post(EVALUATE, build.EXAMPLES[2], content_type="application/json").json()
    assert {"art_26", "art_27", "art_49_3"} <= set(body["obligations"])


def test_the_api_answers_400_naming_each_amended_contradiction(world, client):
    client.force_login(world.alice)
    data = {
        "schema": SCHEMA_IN,
        "role": "deployer",
        "is_ai_system": True,
        "prohibited_exception": "lawful_dataset_labelling",
        "public_authority": True,
        "public_service_deployer": False,
        "art_6_3_conditions": ["b"],
    }
    response = client.post(EVALUATE, data, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"prohibited_exception", "public_authority", "art_6_3_conditions"}
    assert "art_5_1_g" in fields["prohibited_exception"][0]


def test_the_format_documentation_examples_are_valid_and_give_what_it_says():
    text = (Path(schemas.__file__).parent / "README.md").read_text(encoding="utf-8")
    blocks = text.split("```json\n")[1:]
    examples = [json.loads(block.split("```", 1)[0]) for block in blocks]
    assert examples == build.EXAMPLES
    for example, block in zip(examples, blocks, strict=True):
        result = classify(example)
        claimed = block.split("obligations `", 1)[1].split("`", 1)[0]
        assert json.loads(claimed) == result["obligations"]
        assert f"`tier: {result['tier']}`" in block
