"""The serious-incident report (Art. 73): the R.3.5 fields, filled from the incident record.

The Act fixes no field list; R.3.5 of the requirements catalogue derives one from Arts 3(49),
3(61), 20, 26(5), 73 and 75(1a). Fields Annex does not record yet are printed as "Not stated"
and flagged, so the reporter completes them before sending (an initial, incomplete report
meets the deadline, Art. 73(5)).
"""

from django.utils import timezone
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


def _report_type(incident) -> str:
    if incident.status == "closed":
        return "Complete (final) report"
    return "Initial report (may be incomplete, Art. 73(5))"


def incident_rows(incident, today) -> list[dict]:
    system = incident.system
    facts = classification_facts(system)
    basis = "; ".join(facts["basis"]) if facts and facts["basis"] else ""
    tier = facts["tier_label"] if facts else ""
    role = system.get_operator_role_display() if system.operator_role else ""
    left = incident.days_left(today)
    deadline = f"{incident.report_due:%-d %B %Y} ({incident.clock_rule}); " + (
        f"report sent {incident.report_sent_at:%-d %B %Y}"
        if incident.report_sent_at
        else (f"{left} days left" if left >= 0 else f"overdue by {-left} days")
    )
    return [
        field_row("1. Report type", _report_type(incident), "Art. 73(5)"),
        field_row("2. Reporter role", role, "Art. 73(1); 26(5)"),
        field_row("3. Addressee", "", "Art. 73(1); 75(1a); 73(10)"),
        field_row(
            "4. System identification",
            f"{system.name}; tier: {tier or 'not screened'}; EU database id: "
            f"{system.eu_database_id or 'none'}" + (f"; basis: {basis}" if basis else ""),
            "Annex VIII §A.4, A.8",
        ),
        field_row("5. Incident description", f"{incident.title}\n{incident.description}", "3(49)"),
        field_row("6. Date of awareness", incident.aware_at, "Art. 73(2)-(4)"),
        field_row("7. Category", "; ".join(incident.kind_labels), "3(49); 3(61); 73(3)-(4)"),
        field_row("8. Causal link status", "", "Art. 73(2), 73(4)"),
        field_row("9. Applicable deadline", deadline, "Art. 73(2)-(4)"),
        field_row("10. Persons affected", "", "3(49)"),
        field_row("11. Deployers, importers, distributors informed", "", "26(5); 20(1)"),
        field_row("12. Immediate measures", incident.corrective_action, "20(1); 26(5)"),
        field_row("13. Investigation plan", "", "Art. 73(6)"),
        field_row(
            "14. No change affecting the root-cause evaluation",
            "",
            "Art. 73(6) 2nd subpara",
            required=False,
        ),
        field_row("15. Scope limits applied", "", "73(9)-(10)", required=False),
        field_row("16. Parallel notifications", "", "practice", required=False),
        field_row("17. Root cause and corrective action", incident.root_cause, "73(6); 9; 72"),
        field_row("18. Contact person for the authority", "", "practice"),
    ]


def build_incident_report(document) -> Built:
    incident = document.incident
    today = timezone.localdate()
    rows = incident_rows(incident, today)
    data = {
        "incident": str(incident.uuid),
        "rows": [(r["label"], r["value"]) for r in rows],
        "status": incident.status,
    }
    context = {
        **header(document, title=f"Serious-incident report: {incident.title}"),
        "incident": incident,
        "rows": rows,
        "missing": missing_of(rows),
        "data_version": data_version(data),
    }
    pdf = render_pdf("documents/pdf/incident_report.html", context)
    name = f"incident-report-{slugify(incident.title)[:50] or 'incident'}.pdf"
    return Built(pdf, name, "application/pdf", data)
