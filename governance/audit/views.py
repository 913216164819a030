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
    filters = {
        "action": params.get("action", "").strip(),
        "actor": params.get("actor", "").strip(),
        "since": parse_date(params.get("since", "") or "") if params.get("since") else None,
        "until": parse_date(params.get("until", "") or "") if params.get("until") else None,
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
        },
    )


@require_action(Action.VIEW_AUDIT)
def event_detail(request, org_slug, event_uuid):
    event = get_event(request.organization, event_uuid)
    return render(request, "audit/event_detail.html", {"event": event})
