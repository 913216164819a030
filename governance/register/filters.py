"""Filtering and sorting of the register's lists.

One definition serves the web list, its CSV/XLSX export and the API, so the three always agree
on what "filtered" means. Parameters: `search`, `tier`, `role`, `lifecycle`, `owner` (email),
`vendor` (uuid), `tag`, `needs_rescreening`, `missing_facts`, `archived` and `ordering` (the
web's `sort` is an alias). Every filter is SQL: a list costs the same few queries whatever its size.
"""

from datetime import timedelta

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django_filters import rest_framework as filters

from governance.register.facts import unstated_condition
from governance.register.models import (
    AIModel,
    AISystem,
    LifecycleStage,
    OperatorRole,
    RiskTier,
    Vendor,
)

UNSCREENED = "unscreened"
TIER_CHOICES = [(UNSCREENED, "Not screened")] + [(v, label) for v, label in RiskTier.choices if v]
# Most severe first; a system not screened yet sorts last.
TIER_SEVERITY = [
    RiskTier.PROHIBITED,
    RiskTier.HIGH_RISK,
    RiskTier.LIMITED_RISK,
    RiskTier.MINIMAL_RISK,
    RiskTier.OUT_OF_SCOPE,
    RiskTier.UNSCREENED,
]
LIFECYCLE_SEQUENCE = [stage.value for stage in LifecycleStage]

ARCHIVED_CHOICES = [
    ("false", "Active only"),
    ("true", "Active and archived"),
    ("only", "Archived only"),
]
MAX_SEARCH_TERMS = 6


def _rank(field: str, values) -> Case:
    return Case(
        *[When(**{field: value}, then=Value(i)) for i, value in enumerate(values)],
        default=Value(len(values)),
        output_field=IntegerField(),
    )


def _order(queryset, value: str, keys: dict):
    """Order by one of `keys` (`-` prefix for descending), then by name and id for stable pages."""
    descending = value.startswith("-")
    key = keys.get(value.lstrip("-"))
    if key is None:
        return queryset
    # A rank expression goes straight into ORDER BY: an annotation would make count() wrap the
    # whole query in a subquery.
    expression = key if isinstance(key, Case) else F(key)
    expression = expression.desc() if descending else expression.asc()
    tie = "-pk" if descending and value.lstrip("-") == "name" else "pk"
    return queryset.order_by(expression, "name", tie)


def _search(queryset, value: str, fields: tuple[str, ...]):
    """Keep rows where every word of `value` is in one of `fields` (case-insensitive)."""
    for term in value.split()[:MAX_SEARCH_TERMS]:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(condition)
    return queryset


def sort_choices(labels: dict) -> list[tuple[str, str]]:
    return [(value, label) for value, label in labels.items()]


class ArchivableFilterSet(filters.FilterSet):
    """Lists hide archived rows unless `archived=true` (both) or `archived=only` is given."""

    archived = filters.ChoiceFilter(
        choices=ARCHIVED_CHOICES,
        method="filter_archived",
        empty_label=None,
        help_text="`false` (default): active rows; `true`: active and archived; `only`: archived.",
    )
    search_fields: tuple[str, ...] = ("name",)
    sort_keys: dict = {"name": "name"}
    default_sort = "name"

    def filter_archived(self, queryset, name, value):
        if value == "only":
            return queryset.exclude(archived_at=None)
        if value == "true":
            return queryset
        return queryset.filter(archived_at=None)

    def filter_search(self, queryset, name, value):
        return _search(queryset, value, self.search_fields)

    def filter_ordering(self, queryset, name, value):
        return _order(queryset, value, self.sort_keys)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if not data.get("archived"):
            queryset = queryset.filter(archived_at=None)
        if not data.get("ordering") and not data.get("sort"):
            queryset = _order(queryset, self.default_sort, self.sort_keys)
        return super().filter_queryset(queryset)

    @property
    def current_sort(self) -> str:
        if not self.is_bound or not self.is_valid():
            return self.default_sort
        data = self.form.cleaned_data
        return data.get("sort") or data.get("ordering") or self.default_sort


SYSTEM_SORTS = {
    "name": "Name (A to Z)",
    "-name": "Name (Z to A)",
    "tier": "Risk tier (most severe first)",
    "-tier": "Risk tier (not screened first)",
    "-updated": "Recently updated",
    "updated": "Least recently updated",
    "lifecycle": "Lifecycle (planned first)",
    "-lifecycle": "Lifecycle (retired first)",
}


DUE_CHOICES = [
    ("30", "Due within 30 days"),
    ("90", "Due within 90 days"),
    ("365", "Due within a year"),
]


class SystemFilter(ArchivableFilterSet):
    """The register's filters, shared by the web list, the export and the API."""

    search = filters.CharFilter(
        method="filter_search",
        help_text="Words that must all appear in the name, reference or intended purpose.",
    )
    tier = filters.ChoiceFilter(
        choices=TIER_CHOICES,
        method="filter_tier",
        help_text="The current risk tier; `unscreened` for systems not classified yet.",
    )
    role = filters.ChoiceFilter(field_name="operator_role", choices=OperatorRole.choices)
    lifecycle = filters.ChoiceFilter(field_name="lifecycle_stage", choices=LifecycleStage.choices)
    owner = filters.CharFilter(
        method="filter_owner", help_text="Email of the system's business or technical owner."
    )
    vendor = filters.UUIDFilter(field_name="vendor__uuid", help_text="The vendor's id.")
    tag = filters.CharFilter(method="filter_tag", help_text="A tag name (case-insensitive).")
    needs_rescreening = filters.BooleanFilter(
        method="filter_rescreening",
        help_text="Systems edited materially since their last classification.",
    )
    missing_facts = filters.BooleanFilter(
        method="filter_missing_facts",
        help_text="Systems that leave the deployment context or a data flag (personal, "
        "biometric, special-category data) not stated; `false`: those that state them all.",
    )
    due_within = filters.ChoiceFilter(
        choices=DUE_CHOICES,
        method="filter_due_within",
        help_text="Systems with an obligation that starts to apply to them within this many "
        "days from today (each system's own date, Art. 111 included).",
    )
    ordering = filters.ChoiceFilter(
        choices=sort_choices(SYSTEM_SORTS),
        method="filter_ordering",
        help_text="Sort key; a leading `-` sorts descending.",
    )
    sort = filters.ChoiceFilter(
        choices=sort_choices(SYSTEM_SORTS),
        method="filter_ordering",
        help_text="Same as `ordering` (the web list's name for it).",
    )

    search_fields = ("name", "reference", "intended_purpose")
    sort_keys = {
        "name": "name",
        "tier": _rank("risk_tier", TIER_SEVERITY),
        "updated": "updated_at",
        "lifecycle": _rank("lifecycle_stage", LIFECYCLE_SEQUENCE),
    }

    class Meta:
        model = AISystem
        fields = []

    def filter_tier(self, queryset, name, value):
        return queryset.filter(risk_tier="" if value == UNSCREENED else value)

    def filter_owner(self, queryset, name, value):
        email = value.strip().lower()
        return queryset.filter(
            Q(business_owner__email__iexact=email) | Q(technical_owner__email__iexact=email)
        )

    def filter_tag(self, queryset, name, value):
        # A subquery, not a join: two tags differing only by case must not duplicate a row.
        through = AISystem.tags.through
        tagged = through.objects.filter(tag__name__iexact=value.strip()).values("aisystem_id")
        return queryset.filter(pk__in=tagged)

    def filter_due_within(self, queryset, name, value):
        # The stored next date of each system (kept by the classification), so no join.
        today = timezone.localdate()
        days = int(value)
        return queryset.filter(
            next_obligation_date__gte=today,
            next_obligation_date__lte=today + timedelta(days=days),
        )

    def filter_missing_facts(self, queryset, name, value):
        unstated = unstated_condition()
        return queryset.filter(unstated) if value else queryset.exclude(unstated)

    def filter_rescreening(self, queryset, name, value):
        stale = Q(classified_at__isnull=False, material_changed_at__gt=F("classified_at"))
        return queryset.filter(stale) if value else queryset.exclude(stale)


MODEL_SORTS = {
    "name": "Name (A to Z)",
    "-name": "Name (Z to A)",
    "-updated": "Recently updated",
    "updated": "Least recently updated",
}


# A yes/no fact that may not be stated: "unknown" finds the models that leave it open.
STATED_CHOICES = [("true", "Yes"), ("false", "No"), ("unknown", "Not stated")]
_STATED_FIELDS = {"general_purpose": "is_general_purpose", "open_source": "is_open_source"}


class ModelFilter(ArchivableFilterSet):
    search = filters.CharFilter(
        method="filter_search", help_text="Words in the name, version, provider or base model."
    )
    general_purpose = filters.ChoiceFilter(
        choices=STATED_CHOICES,
        method="filter_stated",
        help_text="General-purpose AI models (`true`), not (`false`) or not stated (`unknown`).",
    )
    open_source = filters.ChoiceFilter(
        choices=STATED_CHOICES,
        method="filter_stated",
        help_text="Open-source models (`true`), not (`false`) or not stated (`unknown`).",
    )
    type = filters.ChoiceFilter(field_name="model_type", choices=AIModel.ModelType.choices)
    vendor = filters.UUIDFilter(field_name="vendor__uuid", help_text="The vendor's id.")

    def filter_stated(self, queryset, name, value):
        field = _STATED_FIELDS[name]
        if value == "unknown":
            return queryset.filter(**{f"{field}__isnull": True})
        return queryset.filter(**{field: value == "true"})

    ordering = filters.ChoiceFilter(
        choices=sort_choices(MODEL_SORTS),
        method="filter_ordering",
        help_text="Sort key; a leading `-` sorts descending.",
    )

    search_fields = ("name", "version", "provider", "base_model")
    sort_keys = {"name": "name", "updated": "updated_at"}

    class Meta:
        model = AIModel
        fields = []


VENDOR_SORTS = MODEL_SORTS


class VendorFilter(ArchivableFilterSet):
    search = filters.CharFilter(method="filter_search", help_text="Words in the name or country.")
    ordering = filters.ChoiceFilter(
        choices=sort_choices(VENDOR_SORTS),
        method="filter_ordering",
        help_text="Sort key; a leading `-` sorts descending.",
    )

    search_fields = ("name", "country")
    sort_keys = {"name": "name", "updated": "updated_at"}

    class Meta:
        model = Vendor
        fields = []


def querystring_without(params, *names: str) -> str:
    """Return the GET parameters without `names` (e.g. "page"), for links that keep the filters."""
    query = params.copy()
    for name in names:
        query.pop(name, None)
    for key in [k for k, values in query.lists() if not any(values)]:
        query.pop(key)
    return query.urlencode()
