"""Frameworks, their requirement trees and the mappings between frameworks.

A framework version is immutable once loaded: a new version of a catalogue file makes new
`Framework` and `Requirement` rows, so an assessment keeps the version it was built from.
Shipped catalogues (EU AI Act, ISO/IEC 42001) have no organisation and are read by every
tenant; an organisation's own framework (an internal AI policy) belongs to that organisation.
The file format is documented in fixtures/catalogues/README.md; conditions in conditions.py.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.tenancy.models import Organization


class FrameworkKind(models.TextChoices):
    REGULATION = "regulation", _("Regulation")
    STANDARD = "standard", _("Standard")
    INTERNAL_POLICY = "internal_policy", _("Internal policy")


class Framework(models.Model):
    """One version of a catalogue: a regulation, a standard or an organisation's own policy.

    Global rows (organization is null) are shared reference data, not tenant-owned, so the
    model has a plain manager; tenant reads go through `selectors.frameworks_for_organization`.
    """

    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="frameworks",
        help_text="Empty for a shipped catalogue; else the organisation that loaded it.",
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=FrameworkKind.choices)
    description = models.TextField(blank=True)
    source_file = models.CharField(max_length=300, blank=True)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the file's content.")
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slug", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug", "version"],
                condition=Q(organization__isnull=False),
                name="framework_unique_version_per_org",
            ),
            models.UniqueConstraint(
                fields=["slug", "version"],
                condition=Q(organization__isnull=True),
                name="framework_unique_global_version",
            ),
        ]
        indexes = [models.Index(fields=["organization", "slug"], name="framework_org_slug")]

    def __str__(self):
        return f"{self.name} {self.version}"

    @property
    def is_global(self) -> bool:
        return self.organization_id is None


class RequirementKind(models.TextChoices):
    GROUP = "group", _("Group (article, clause, control objective)")
    ITEM = "item", _("Item (one question)")


class AnswerType(models.TextChoices):
    YES_NO_PARTIAL = "yes_no_partial", _("Yes / partly / no / not applicable")
    MATURITY = "maturity", _("Maturity 0-5")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    NUMBER = "number", _("Number")


class Requirement(models.Model):
    """A node of a framework's tree: a group (article, clause) or an item (one question)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="requirements")
    code = models.CharField(
        max_length=60, help_text="Stable id within the framework, e.g. art_9.16 or A.2.2."
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    obligation = models.CharField(
        max_length=40,
        help_text="The article or clause code the node belongs to, e.g. art_9, 4 or A.2.",
    )
    kind = models.CharField(max_length=8, choices=RequirementKind.choices)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True, help_text="The requirement in our own words.")
    citation = models.CharField(max_length=200, blank=True)
    answer_type = models.CharField(
        max_length=16, choices=AnswerType.choices, default=AnswerType.YES_NO_PARTIAL
    )
    choices = models.JSONField(default=list, blank=True)
    question = models.TextField(blank=True, help_text="The gap-analysis question.")
    guidance = models.TextField(blank=True)
    typical_evidence = models.JSONField(default=list, blank=True)
    condition = models.JSONField(
        null=True, blank=True, help_text="Null: always applies; else see conditions.py."
    )
    informative = models.BooleanField(
        default=False, help_text="An information item: read and acknowledge, no duty of its own."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="requirement_unique_code_per_framework"
            )
        ]
        indexes = [
            models.Index(
                fields=["framework", "kind", "obligation"], name="requirement_fw_kind_oblig"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_item(self) -> bool:
        return self.kind == RequirementKind.ITEM


class MappingRelation(models.TextChoices):
    EQUIVALENT = "equivalent", _("Equivalent")
    PARTIAL = "partial", _("Partial")
    RELATED = "related", _("Related")


class Mapping(models.Model):
    """A link between requirements of two frameworks, e.g. an ISO/IEC 42001 control and an
    EU AI Act obligation; analyst mappings are `indicative` (no presumption of conformity)."""

    source = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="mappings_out")
    target = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="mappings_in")
    relation = models.CharField(
        max_length=12, choices=MappingRelation.choices, default=MappingRelation.RELATED
    )
    indicative = models.BooleanField(default=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="mapping_unique_pair")
        ]

    def __str__(self):
        return f"{self.source.code} → {self.target.code} ({self.relation})"
