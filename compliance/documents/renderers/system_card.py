"""System card (R.3.8): identity, purpose, classification, data, oversight, obligations."""

from django.utils.text import slugify

from compliance.documents.pdf import render_pdf
from compliance.documents.renderers.common import (
    Built,
    classification_facts,
    data_version,
    field_row,
    header,
    missing_of,
)
from governance.register.selectors import models_of_system


def system_card_data(system) -> dict:
    """Return the system card's content as plain data (also the source of its data version)."""
    identity = [
        field_row("Name", system.name, "Art. 13(3)(a)"),
        field_row("Reference", system.reference, required=False),
        field_row("Provider", system.vendor.name if system.vendor else system.organization.name),
        field_row("Our role", system.get_operator_role_display(), "Art. 3(3)-(8)"),
        field_row("Lifecycle stage", system.get_lifecycle_stage_display()),
        field_row("EU database registration", system.eu_database_id, "Art. 49, Art. 71"),
        field_row("Placed on the market", system.placed_on_market_on, required=False),
        field_row("Put into service", system.put_into_service_on, required=False),
    ]
    purpose = [
        field_row("Intended purpose", system.intended_purpose, "Art. 13(3)(b)(i)"),
        field_row("Description", system.description, required=False),
        field_row("Deployment context", system.get_deployment_context_display()),
        field_row("Human oversight", system.human_oversight, "Art. 13(3)(d), Art. 14"),
    ]
    data = [
        field_row("Personal data", _yes_no(system.processes_personal_data)),
        field_row("Biometric data", _yes_no(system.processes_biometric_data)),
        field_row("Special categories (GDPR Art. 9)", _yes_no(system.processes_special_categories)),
        field_row("Affected persons", ", ".join(system.affected_persons or [])),
        # A DPIA is owed only where personal data are processed: "No" makes it optional, an
        # unknown answer does not.
        field_row(
            "Data protection impact assessment done",
            _yes_no(system.dpia_done),
            "GDPR Art. 35",
            required=system.processes_personal_data is not False,
        ),
        field_row(
            "Fundamental rights impact assessment done",
            _yes_no(system.fria_done),
            "Art. 27",
            required=False,
        ),
    ]
    models = [
        {
            "name": str(model),
            "provider": model.provider or (model.vendor.name if model.vendor else ""),
            "general_purpose": model.is_general_purpose,
            "licence": model.licence,
        }
        for model in models_of_system(system)
    ]
    classification = classification_facts(system)
    sections = {"identity": identity, "purpose": purpose, "data": data}
    missing = [label for rows in sections.values() for label in missing_of(rows)]
    if classification is None:
        missing.append("EU AI Act classification (screen the system)")
    return {
        "system": {"uuid": str(system.uuid), "name": system.name},
        **sections,
        "models": models,
        "classification": classification,
        "missing": missing,
    }


def _yes_no(value) -> str:
    # Not stated stays empty: field_row prints "Not stated" and, if required, lists it missing.
    if value is None:
        return ""
    return "Yes" if value else "No"


def build_system_card(document) -> Built:
    """Render the system card of the document's system as a PDF."""
    system = document.system
    data = system_card_data(system)
    context = {
        **header(document, title=f"System card: {system.name}"),
        **data,
        "data_version": data_version(data),
    }
    pdf = render_pdf("documents/pdf/system_card.html", context)
    return Built(
        pdf, f"system-card-{slugify(system.name)[:60] or 'system'}.pdf", "application/pdf", data
    )
