"""Web downloads of the register: systems, vendors and models, as the lists filter them."""

from django.http import Http404

from governance.register import export
from governance.register.filters import ModelFilter, SystemFilter, VendorFilter
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

_FILTERS = {"systems": SystemFilter, "vendors": VendorFilter, "models": ModelFilter}
_QUERYSETS = {
    "systems": export.systems_for_export,
    "vendors": export.vendors_for_export,
    "models": export.models_for_export,
}


def _download(request, kind: str, fmt: str):
    if fmt not in export.FORMATS[kind]:
        raise Http404("No such export format.")
    org = request.organization
    filterset = _FILTERS[kind](request.GET, queryset=_QUERYSETS[kind](org))
    return export.export_response(
        org, kind, fmt, filterset.qs, include_archived=export.wants_archived(request.GET)
    )


@require_action(Action.VIEW_REGISTER)
def system_export(request, org_slug, fmt):
    """Download the systems as filtered on screen (all pages): CSV, or the whole register as
    an XLSX workbook or a ZIP of CSVs (systems, vendors, models)."""
    return _download(request, "systems", fmt)


@require_action(Action.VIEW_REGISTER)
def vendor_export(request, org_slug, fmt):
    """Download the vendors (archived ones with ?archived=true) as CSV or XLSX."""
    return _download(request, "vendors", fmt)


@require_action(Action.VIEW_REGISTER)
def model_export(request, org_slug, fmt):
    """Download the models (archived ones with ?archived=true) as CSV or XLSX."""
    return _download(request, "models", fmt)
