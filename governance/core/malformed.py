"""Refuse or neutralise malformed request parts before any of them reaches the database.

PostgreSQL refuses text with NUL characters with an error, so a NUL in a cookie, the path or
the query string would surface as a 500 on any page. A session cookie that is not a session
key is treated as absent (the visitor is signed out); a NUL in the path or the query string
is a 400.
"""

from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse

from governance.core.api import error_body

MESSAGE = "The address contains a NUL character, which no Annex address or filter accepts."


def _is_session_key(value: str) -> bool:
    # Django's session keys are 32 lowercase letters and digits; allow a little room.
    return 8 <= len(value) <= 64 and value.isascii() and value.isalnum()


class MalformedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = settings.SESSION_COOKIE_NAME
        key = request.COOKIES.get(name)
        if key is not None and not _is_session_key(key):
            del request.COOKIES[name]
        query = unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")
        if "\x00" in request.path or "\x00" in query:
            if request.path.startswith("/api/"):
                return JsonResponse(
                    error_body(400, "invalid", MESSAGE, {"query": [MESSAGE]}), status=400
                )
            return HttpResponseBadRequest(MESSAGE)
        return self.get_response(request)
