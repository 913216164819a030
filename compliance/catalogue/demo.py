"""Demo catalogues: the shipped ones (loaded if a new version ships) and Northwind's own policy.

Runs as a step of the demo (governance.core.demo.DEMO_STEPS), before the assessments step.
"""

from .models import Framework
from .services import CATALOGUE_DIR, ensure_shipped_catalogues, load_catalogue_files

OWNER = "owner@northwind.example"
EXAMPLE = CATALOGUE_DIR / "examples" / "internal-ai-policy.yaml"


def populate(organization, members) -> None:
    """Load new shipped catalogue versions, and the example internal policy for the demo org."""
    ensure_shipped_catalogues()
    if (
        organization.slug != "northwind"
        or Framework.objects.filter(organization=organization, slug="internal-ai-policy").exists()
    ):
        return
    load_catalogue_files([EXAMPLE], organization=organization, acting=members.get(OWNER))
