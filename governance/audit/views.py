"""Web pages for the audit trail."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_date

from governance.audit.selectors import events_of, filter_events, get_event
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action


@require_action(Action.VIEW_AUDIT)
def event_list(request, org_slug):
    params = request.GET
    date_errors: dict[str, str] = {}
    filters = {
        "action": params.get("action", "").strip(),
        "actor": params.get("actor", "").strip(),
        "since": _date_param(params, "since", date_errors),
        "until": _date_param(params, "until", date_errors),
    }
    qs = filter_events(events_of(request.organization), **filters)
    page = Paginator(qs, 50).get_page(params.get("page"))
    querystring = params.copy()
    querystring.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "page_obj": page,
            "events": page.object_list,
            "filters": filters,
            "querystring": querystring.urlencode(),
            "date_errors": date_errors,
        },
        status=400 if date_errors else 200,
    )


def _date_param(params, key: str, errors: dict[str, str]):
    """Return the date in ``params[key]`` (YYYY-MM-DD), or None and an error when it is not one."""
    raw = params.get(key, "").strip()
    if not raw:
        return None
    try:
        value = parse_date(raw[:20])
    except ValueError:  # well-formed but impossible, e.g. 2024-13-45
        value = None
    if value is None:
        errors[key] = f"'{raw[:20]}' is not a date; write it as YYYY-MM-DD."
    return value


@require_action(Action.VIEW_AUDIT)
def event_detail(request, org_slug, event_uuid):
    event = get_event(request.organization, event_uuid)
    return render(request, "audit/event_detail.html", {"event": event})
