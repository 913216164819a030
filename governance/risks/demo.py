"""Demo risks and serious incidents for Northwind, spread over the 5×5 matrix. Idempotent."""

from datetime import timedelta

from django.utils import timezone

from governance.register.models import AISystem
from governance.risks import services
from governance.risks.models import Risk

OFFICER = "officer@northwind.example"
OWNER = "owner@northwind.example"

# (title, harm domain, affected, inherent L, I, residual L, I or None, treatment, review in days)
RISKS = [
    ("Lower ranking of older applicants", "discrimination", "Job applicants over 50",
     4, 4, 2, 3, "mitigate", 60),
    ("Training data under-represents women in senior roles", "discrimination",
     "Female applicants", 4, 3, 3, 3, "mitigate", 90),
    ("Applicants not told an AI ranks them", "fundamental_rights", "All applicants",
     3, 3, 1, 2, "mitigate", 120),
    ("Triage under-prioritises rare conditions", "health", "Patients with rare diseases",
     3, 5, 2, 5, "mitigate", 30),
    ("Model drift after the winter season", "safety", "Emergency patients",
     4, 4, 3, 4, "accept", 45),
    ("Prompt injection leaks patient data", "privacy", "Patients",
     3, 5, 2, 4, "mitigate", 30),
    ("Chatbot gives unsafe medication advice", "health", "Patients using the chatbot",
     2, 5, 1, 5, "mitigate", 60),
    ("Chatbot invents clinic opening hours", "misinformation", "Members of the public",
     4, 2, 2, 2, "accept", 180),
    ("Adversarial images fool the scan classifier", "security", "Patients",
     2, 4, None, None, "", 30),
    ("Energy use of nightly retraining", "environment", "—", 5, 1, 5, 1, "accept", 365),
    ("Vendor stops security updates", "security", "All users", 2, 3, 2, 2, "transfer", 200),
    ("Automated rota disadvantages part-time staff", "fundamental_rights",
     "Part-time nurses", 3, 3, None, None, "", 20),
    ("Deep-fake voice used to reset accounts", "security", "Staff", 2, 4, 1, 4, "avoid", 90),
]  # fmt: skip

# (title, kind, other kinds, days since awareness, report sent after n days or None, status)
INCIDENTS = [
    ("Sepsis alert missed for a patient who later died", "death", [], 4, None, "open"),
    ("Triage outage across three hospitals", "critical_infrastructure", [], 1, None, "open"),
    ("Applicants over 50 rejected in bulk for a week", "widespread_infringement",
     ["other_serious"], 40, 1, "reported"),
    ("Chatbot advised doubling a dose", "other_serious", [], 20, None, "open"),
    ("Scan classifier misread 12 X-rays", "other_serious", [], 120, 9, "closed"),
]  # fmt: skip


def populate(org, members) -> None:
    if org.slug != "northwind" or Risk.objects.filter(organization=org).exists():
        return
    systems = list(AISystem.objects.filter(organization=org, archived_at=None).order_by("name"))
    officer, owner = members.get(OFFICER), members.get(OWNER)
    if not systems or officer is None or owner is None:
        return
    today = timezone.localdate()
    for n, (title, domain, affected, li, im, rli, rim, treatment, review) in enumerate(RISKS):
        data = {
            "system": systems[n % len(systems)],
            "title": title,
            "description": f"{title}: identified in the design review and the FRIA.",
            "harm_domain": domain,
            "affected_persons": affected,
            "likelihood": li,
            "impact": im,
            "residual_likelihood": rli,
            "residual_impact": rim,
            "treatment": treatment,
            "owner": officer.user,
            "review_date": today + timedelta(days=review),
        }
        if treatment == "accept":
            data["accepted_by"] = owner.user  # someone other than the owner (Art. 9(5))
        services.create_risk(organization=org, acting=officer, data=data)
    for n, (title, kind, others, ago, sent_after, status) in enumerate(INCIDENTS):
        aware = today - timedelta(days=ago)
        incident = services.create_incident(
            organization=org,
            acting=officer,
            data={
                "system": systems[(n * 2) % len(systems)],
                "title": title,
                "description": f"{title}. Reported by the ward and confirmed by the AI team.",
                "kind": kind,
                "other_kinds": others,
                "aware_at": aware,
                "root_cause": "Under investigation." if status == "open" else "Threshold drift.",
                "corrective_action": "System suspended for the affected ward; rollback.",
            },
        )
        if sent_after is not None:
            services.update_incident(
                incident=incident,
                acting=officer,
                expected_version=None,
                data={"report_sent_at": aware + timedelta(days=sent_after), "status": status},
            )
