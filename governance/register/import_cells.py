"""Turn the text of a spreadsheet cell into a register value, naming what is wrong.

One parser per importable field (``PARSERS``), each taking the cell's text and the import's
``Lookups`` (members, vendors, models and systems, loaded once per import) and raising
``CellError`` with a message for the user.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django_scopes import scopes_disabled

from governance.core.validators import plain_text_problem
from governance.register.models import (
    AffectedPersons,
    AIModel,
    AISystem,
    DeploymentContext,
    LifecycleStage,
    OperatorRole,
    Vendor,
)
from governance.tenancy.roles import Role

# --------------------------------------------------------------------------------------------
# Reading cells
# --------------------------------------------------------------------------------------------


class CellError(ValueError):
    pass


def _key(text: str) -> str:
    """Normalise a choice for matching: case, punctuation and spacing do not count."""
    return " ".join(re.sub(r"[\s_\-/.,()]+", " ", text.casefold()).split())


def _choice_index(choices, aliases: dict[str, list[str]]) -> dict[str, str]:
    index = {}
    for value, label in choices:
        index[_key(value)] = value
        index[_key(str(label))] = value
        for alias in aliases.get(value, []):
            index[_key(alias)] = value
    return index


_CHOICES = {
    "operator_role": (OperatorRole, _choice_index(OperatorRole.choices, {
        # English, then the AI Act's own terms in nl, fr, de, es, it (Art. 3(3)-(8)).
        "provider": ["aanbieder", "fournisseur", "anbieter", "proveedor", "fornitore"],
        "deployer": ["user", "operator",  # the AI Act's drafts said "user"
                     "gebruiksverantwoordelijke", "déployeur", "deployeur", "betreiber",
                     "responsable del despliegue", "utilizzatore"],
        "importer": ["importeur", "importateur", "einführer", "importador", "importatore"],
        "distributor": ["distributeur", "händler", "distribuidor", "distributore"],
        "authorised_representative": ["authorized representative", "representative",
                                      "authorised rep", "authorized rep", "gemachtigde",
                                      "mandataire", "bevollmächtigter",
                                      "representante autorizado", "rappresentante autorizzato"],
        "product_manufacturer": ["manufacturer", "productfabrikant", "fabricant de produits",
                                 "produkthersteller", "fabricante del producto",
                                 "fabbricante del prodotto"],
    })),
    "lifecycle_stage": (LifecycleStage, _choice_index(LifecycleStage.choices, {
        # English, then the EU languages registers are published in (nl, fr, de, es, it).
        "planned": ["idea", "proposed", "planning", "plan", "gepland", "voorgenomen",
                    "prévu", "planifié", "geplant", "planificado", "previsto", "pianificato"],
        "in_development": ["development", "dev", "developing", "building", "in progress",
                           "in ontwikkeling", "ontwikkeling", "en développement",
                           "en cours de développement", "in entwicklung", "en desarrollo",
                           "in sviluppo"],
        "testing": ["test", "pilot", "poc", "proof of concept", "trial", "in testing",
                    "in test", "testfase", "proef", "en test", "expérimentation", "in erprobung",
                    "en pruebas", "in prova", "sperimentazione"],
        "in_production": ["production", "prod", "live", "deployed", "in use", "operational",
                          "active", "in operation", "in gebruik", "in productie", "operationeel",
                          "en production", "en service", "en usage", "in betrieb", "produktiv",
                          "en uso", "en producción", "in uso", "in produzione"],
        "retired": ["decommissioned", "archived", "sunset", "discontinued", "withdrawn",
                    "buiten gebruik", "uitgefaseerd", "gestopt", "retiré", "hors service",
                    "abandonné", "außer betrieb", "eingestellt", "retirado", "dismesso"],
    })),
    "deployment_context": (DeploymentContext, _choice_index(DeploymentContext.choices, {
        "internal": ["internal", "in house", "employees", "intern", "interne", "interno",
                     "intern gebruik", "usage interne", "uso interno"],
        "customer_facing": ["customer facing", "external", "customers", "client facing",
                            "extern", "externe", "klanten", "clients", "kunden", "clientes",
                            "clienti"],
        "public_service": ["public", "public sector", "government", "publieke dienstverlening",
                           "publieke dienst", "overheid", "service public", "öffentlicher dienst",
                           "servicio público", "servizio pubblico"],
        "embedded_product": ["embedded", "product", "in a product", "embedded product"],
        "sold_to_others": ["sold", "supplied", "b2b", "sold to others", "resold"],
    })),
}  # fmt: skip

_AFFECTED = _choice_index(AffectedPersons.choices, {
    "employees": ["employee", "applicants", "applicant", "staff", "workers", "candidates",
                  "medewerkers", "werknemers", "sollicitanten", "employés", "salariés",
                  "candidats", "mitarbeiter", "beschäftigte", "bewerber", "empleados",
                  "candidatos", "dipendenti", "lavoratori", "candidati"],
    "customers": ["customer", "clients", "consumers", "klanten", "consumenten", "kunden",
                  "verbraucher", "consommateurs", "clientes", "consumidores", "clienti",
                  "consumatori"],
    "patients": ["patient", "patiënten", "patienten", "pacientes", "pazienti"],
    "students": ["student", "pupils", "learners", "studenten", "leerlingen", "étudiants",
                 "élèves", "studierende", "schüler", "estudiantes", "studenti"],
    "children": ["child", "minors", "kids", "kinderen", "minderjarigen", "enfants", "mineurs",
                 "kinder", "minderjährige", "niños", "menores", "bambini", "minori"],
    "citizens": ["citizen", "the public", "public", "general public", "burgers", "inwoners",
                 "citoyens", "bürger", "ciudadanos", "cittadini"],
    "vulnerable": ["vulnerable groups", "vulnerable people", "vulnerable persons",
                   "kwetsbare groepen", "groupes vulnérables", "vulnerable gruppen",
                   "grupos vulnerables", "gruppi vulnerabili"],
})  # fmt: skip

_TRUE = frozenset({"yes", "y", "true", "t", "1", "x", "✓", "✔", "ja", "j", "oui", "vrai", "si",
                   "sí", "sim", "wahr", "on", "waar", "vero"})  # fmt: skip
_FALSE = frozenset({"no", "n", "false", "f", "0", "nee", "nein", "non", "faux", "falsch", "nej",
                    "não", "nao", "onwaar", "falso", "off"})  # fmt: skip

_DATE_HINT = "Write dates as YYYY-MM-DD (e.g. 2024-03-31) or DD/MM/YYYY."
# Excel stores dates as days since 30 December 1899; this range is 1954 to 2119, so a bare
# year or a small number is never mistaken for a date.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_SERIALS = range(20_000, 80_000)
_TEXT_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d. %B %Y")


def _text(limit: int | None):
    def parse(value: str, ctx) -> str:
        if limit is not None and len(value) > limit:
            raise CellError(f"The text is {len(value):,} characters long; the limit is {limit}.")
        # One-line fields (names, references) are shown to people: no hidden direction tricks.
        problem = plain_text_problem(value) if limit is not None else None
        if problem:
            raise CellError(problem)
        return value

    return parse


UNKNOWN = "__unknown__"
# Cells that say the fact is not known: "not stated", never "no".
_UNKNOWN_WORDS = frozenset(map(_key, (
    "unknown", "not known", "not stated", "tbd", "to be determined", "?", "-", "–", "—",
    "onbekend", "niet bekend", "nog onbekend", "inconnu", "non connu", "unbekannt",
    "desconocido", "sconosciuto", "n/a", "nvt", "n.v.t.", "k.a.", "nicht bekannt",
)))  # fmt: skip


def mapped(value: str, ctx, name: str):
    """Return what the user's value map says of a cell: our value, UNKNOWN, or None (nothing)."""
    value_map = getattr(ctx, "value_map", None) or {}
    return value_map.get(name, {}).get(_key(value))


def field_label(name: str) -> str:
    return CHOICE_LABELS.get(name, name.replace("_", " "))


def _choice(name: str):
    enum, index = _CHOICES[name]

    def parse(value: str, ctx) -> str | None:
        """Return our value, or None when the cell is empty or says the fact is unknown."""
        if not value:
            return None
        found = mapped(value, ctx, name) or index.get(_key(value))
        if found is None and _key(value) in _UNKNOWN_WORDS:
            found = UNKNOWN
        if found is None:
            allowed = ", ".join(f"'{label}'" for label in enum.labels)
            raise CellError(
                f"'{value}' is not {field_label(name)}: map it to one of {allowed} or to "
                "'not stated'."
            )
        return None if found == UNKNOWN else found

    return parse


def suggest_boolean(value: str) -> bool | str | None:
    """Return True, False or UNKNOWN for a cell we understand without a value map, else None."""
    key = value.strip().casefold().rstrip(".")
    if key in _FALSE:
        return False
    if key in _TRUE:
        return True
    return UNKNOWN if _key(value) in _UNKNOWN_WORDS else None


def _boolean(name: str):
    def parse(value: str, ctx) -> bool | None:
        """Return True or False, or None when the cell is empty or says the fact is unknown."""
        if not value:
            return None
        found = mapped(value, ctx, name)
        if found is None:
            found = suggest_boolean(value)
        if found is None:
            raise CellError(
                f"'{value}' is not yes or no: map it to yes, no or 'not stated' (true/false, "
                "1/0, x, ja/nee and oui/non need no mapping)."
            )
        return None if found == UNKNOWN else found

    return parse


def _url(value: str, ctx) -> str:
    if not value:
        return ""
    if len(value) > 500:
        raise CellError(f"The address is {len(value):,} characters long; the limit is 500.")
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise CellError(f"'{value[:80]}' is not a web address (https://…).") from None
    return value


def _date(value: str, ctx) -> dt.date | None:
    if not value:
        return None
    text = value.strip()
    # XLSX date cells arrive as ISO text, with a time when the cell had one.
    iso = re.fullmatch(
        r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text
    )
    ymd = iso or re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", text)
    if ymd:
        candidates = [(int(ymd[1]), int(ymd[2]), int(ymd[3]))]
    elif m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        # Day first, as in Europe; month first only when the day-first reading is impossible.
        candidates = [(year, second, first)] + ([(year, first, second)] if second > 12 else [])
    elif re.fullmatch(r"\d+(?:\.\d+)?", text) and int(float(text)) in _EXCEL_SERIALS:
        # A fraction is the time of day.
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    else:
        cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text.replace(",", " "))
        cleaned = " ".join(cleaned.split())
        for fmt in _TEXT_DATE_FORMATS:
            try:
                return dt.datetime.strptime(cleaned, fmt).date()
            except ValueError:
                continue
        raise CellError(f"'{value}' is not a date. {_DATE_HINT}")
    for year, month, day in candidates:
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise CellError(f"'{value}' is not a valid date. {_DATE_HINT}")


def _split(value: str, separators: str = ",;\n") -> list[str]:
    parts = re.split("[" + re.escape(separators) + "]", value)
    return [p.strip() for p in parts if p.strip()]


def _owner(value: str, ctx):
    if not value:
        return None
    # "Alice Archer <alice@acme.test>" as mail programs write it.
    bracketed = re.search(r"<([^<>]+)>", value)
    email = (bracketed[1] if bracketed else value).strip().removeprefix("mailto:").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise CellError(
            f"'{value}' is not an email address. Give the email address of a member of "
            f"{ctx.organization.name}."
        ) from None
    user = ctx.members.get(email.casefold())
    if user is None:
        raise CellError(f"nobody with the email {email} is a member of {ctx.organization.name}.")
    return user


def _vendor(value: str, ctx):
    if not value:
        return None
    name = " ".join(value.split())
    if len(name) > 200:
        raise CellError(f"The vendor name is {len(name):,} characters long; the limit is 200.")
    vendor = ctx.vendors.get(name.casefold())
    if vendor is not None:
        return vendor
    # A vendor named the same way in several rows is created once, spelled as first seen.
    return ctx.new_vendors.setdefault(name.casefold(), name)


def suggest_choice(name: str, value: str) -> str | None:
    """Return our value (or UNKNOWN) for a cell we understand without a value map, else None."""
    index = _AFFECTED if name == "affected_persons" else _CHOICES[name][1]
    found = index.get(_key(value))
    if found is None and _key(value) in _UNKNOWN_WORDS:
        return UNKNOWN
    return found


def _affected(value: str, ctx) -> list[str] | None:
    """Return the groups named, or None when the cell names none we can take as a fact."""
    if not value:
        return None
    codes: list[str] = []
    unknown: list[str] = []
    for item in split_items(value):
        code = mapped(item, ctx, "affected_persons") or suggest_choice("affected_persons", item)
        if code is None:
            unknown.append(item)
        elif code != UNKNOWN and code not in codes:
            codes.append(code)
    if unknown:
        allowed = ", ".join(f"'{label}'" for label in AffectedPersons.labels)
        listed = ", ".join(f"'{u}'" for u in unknown)
        raise CellError(
            f"{listed} {'is' if len(unknown) == 1 else 'are'} not one of the affected persons: "
            f"map {'it' if len(unknown) == 1 else 'them'} to one of {allowed} or to 'not stated'."
        )
    return codes or None


def split_items(value: str) -> list[str]:
    """The items of a list cell (affected persons): commas, semicolons and line breaks."""
    return _split(value[:10_000])


TAG_SEPARATORS = {",": "comma", ";": "semicolon", "|": "vertical bar", "\n": "line break"}


def _tags(value: str, ctx) -> list[str]:
    seen: dict[str, str] = {}
    separators = getattr(ctx, "tag_separators", ",;\n")
    for tag in _split(value, separators):
        if len(tag) > 60:
            raise CellError(
                f"the tag '{tag[:40]}…' is {len(tag):,} characters long; the limit is 60. "
                "Nothing is cut: shorten it, or split the cell on another separator."
            )
        seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


def _models(value: str, ctx) -> list[AIModel]:
    found: list[AIModel] = []
    unknown: list[str] = []
    for item in _split(value, ";\n|"):
        model = ctx.find_model(item)
        if model is None and "," in item:
            # Commas separate models too, unless the whole text names one.
            parts = [ctx.find_model(p) or p for p in _split(item, ",")]
        else:
            parts = [model or item]
        for part in parts:
            if isinstance(part, str):
                unknown.append(part)
            elif part not in found:
                found.append(part)
    if unknown:
        problems = []
        for item in unknown:
            versions = ctx.model_versions(item)
            if versions:
                problems.append(
                    f"'{item}' has several versions in the register ({', '.join(versions)}); "
                    "write the name and the version, e.g. "
                    f"'{item} {versions[-1] if versions[-1] != '(none)' else versions[0]}'."
                )
            else:
                problems.append(
                    f"no model '{item}' is in the register. Add it first (or import its "
                    "model card), then import this file again."
                )
        raise CellError(" ".join(problems))
    return found


# field key → (parser, where the value goes: a model field, or "ai_models" / "tags")
PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "name": _text(200),
    "reference": _text(60),
    "intended_purpose": _text(None),
    "description": _text(None),
    "operator_role": _choice("operator_role"),
    "lifecycle_stage": _choice("lifecycle_stage"),
    "deployment_context": _choice("deployment_context"),
    "vendor": _vendor,
    "business_owner": _owner,
    "technical_owner": _owner,
    "processes_personal_data": _boolean("processes_personal_data"),
    "processes_biometric_data": _boolean("processes_biometric_data"),
    "processes_special_categories": _boolean("processes_special_categories"),
    "affected_persons": _affected,
    "human_oversight": _text(None),
    "placed_on_market_on": _date,
    "put_into_service_on": _date,
    "eu_database_id": _text(100),
    "tags": _tags,
    "ai_models": _models,
    "legal_basis": _text(None),
    "legal_basis_url": _url,
    "public_page_url": _url,
    "source_code_url": _url,
    "processing_register_url": _url,
    "contact_point": _text(254),
    "published_on": _date,
    "ended_on": _date,
    "dpia_done": _boolean("dpia_done"),
    "fria_done": _boolean("fria_done"),
}

# Fields whose cells take one of a fixed set of values: the value step maps a file's values.
CHOICE_FIELDS = ("operator_role", "lifecycle_stage", "deployment_context")
BOOLEAN_FIELDS = ("processes_personal_data", "processes_biometric_data",
                  "processes_special_categories", "dpia_done", "fria_done")  # fmt: skip
LIST_FIELDS = ("affected_persons",)
VALUE_FIELDS = CHOICE_FIELDS + BOOLEAN_FIELDS + LIST_FIELDS
# Choice fields a system must have: an empty or unknown cell needs a default the user chose.
REQUIRED_CHOICES = ("operator_role", "lifecycle_stage")
CHOICE_LABELS = {
    "operator_role": "an operator role",
    "lifecycle_stage": "a lifecycle stage",
    "deployment_context": "a deployment context",
}


def options_of(name: str) -> list[tuple[Any, str]]:
    """Our values of a value field, as (value, label)."""
    if name in BOOLEAN_FIELDS:
        return [(True, "Yes"), (False, "No")]
    if name == "affected_persons":
        return list(AffectedPersons.choices)
    return list(_CHOICES[name][0].choices)


REQUIRED_MESSAGES = {
    "name": "A name is required.",
    "intended_purpose": "The intended purpose is required (Art. 3(12)).",
}


def display_value(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if key in _CHOICES:
        return str(_CHOICES[key][0](value).label)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == UNKNOWN:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if key == "affected_persons":
        return ", ".join(str(AffectedPersons(v).label) for v in value)
    if key in ("business_owner", "technical_owner"):
        return value.email
    if key == "vendor":
        return value.name if isinstance(value, Vendor) else f"{value} (new)"
    if key == "ai_models":
        return "; ".join(str(m) for m in value)
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


class Lookups:
    """What rows refer to, loaded once per import instead of once per row."""

    def __init__(self, organization):
        from governance.tenancy.models import Membership

        self.organization = organization
        with scopes_disabled():
            memberships = (
                Membership.objects.filter(organization=organization)
                .exclude(role=Role.SERVICE_ACCOUNT)
                .select_related("user")
            )
            self.members = {
                m.user.email.casefold(): m.user for m in memberships if not m.is_expired
            }
        # Archived vendors count: their names are taken (one name per organisation).
        self.vendors = {
            v.name.casefold(): v for v in Vendor.objects.filter(organization=organization)
        }
        self.new_vendors: dict[str, str] = {}
        self._models: dict[str, AIModel] = {}
        self._by_name: dict[str, list[AIModel]] = {}
        for model in AIModel.objects.filter(organization=organization, archived_at=None):
            name, version = " ".join(model.name.split()), " ".join(model.version.split())
            self._by_name.setdefault(name.casefold(), []).append(model)
            for text in (f"{name} {version}", f"{name}:{version}", f"{name}@{version}",
                         f"{name} v{version}", f"{name} ({version})"):  # fmt: skip
                self._models.setdefault(text.strip().casefold(), model)
        self.existing_systems = {
            (name.casefold(), reference.casefold()): archived is not None
            for name, reference, archived in AISystem.objects.filter(
                organization=organization
            ).values_list("name", "reference", "archived_at")
        }

    def find_model(self, text: str) -> AIModel | None:
        text = " ".join(text.split()).casefold()
        model = self._models.get(text)
        if model is not None:
            return model
        same_name = self._by_name.get(text, [])
        if len(same_name) == 1:
            return same_name[0]
        # Several versions: the name alone means the one without a version, if there is one.
        return next((m for m in same_name if not m.version), None)

    def model_versions(self, text: str) -> list[str]:
        same_name = self._by_name.get(" ".join(text.split()).casefold(), [])
        return sorted(m.version or "(none)" for m in same_name) if len(same_name) > 1 else []
