"""Security headers on every answer, and the refusal of the development key in production.

- `Content-Security-Policy`: no inline script anywhere (settings.CONTENT_SECURITY_POLICY); a
  view that needs another policy sets the header itself and this middleware leaves it.
- `Cache-Control: no-store` on every answer to a signed-in person (or an API token): a shared
  computer's back button or a proxy must not show another person's data.
- The development secret key is refused by `check --deploy` (annex.E001) and by any WSGI/ASGI
  server other than Django's own runserver (what `manage.py start` uses) unless DEBUG is on.
"""

import sys

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.cache import add_never_cache_headers

from governance.env import DEVELOPMENT_SECRET_KEY


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy header, and no-store for signed-in answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


@checks.register(checks.Tags.security, deploy=True)
def check_development_secret_key(app_configs, **kwargs):
    """Fail `check --deploy` when the installation runs on the development secret key."""
    if settings.SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        return [
            checks.Error(
                "SECRET_KEY is Annex's development key.",
                hint="Set DJANGO_SECRET_KEY to a long random secret of your own.",
                id="annex.E001",
            )
        ]
    return []


def refuse_development_key_in_server() -> None:
    """Raise when a production server (gunicorn, uvicorn…) would run on the development key.

    Django's runserver (used by `manage.py start`) and DEBUG mode are the embedded default and
    keep working; any other server loading governance.wsgi or governance.asgi is production.
    """
    if settings.DEBUG or settings.SECRET_KEY != DEVELOPMENT_SECRET_KEY:
        return
    if "django.core.management.commands.runserver" in sys.modules:
        return
    raise ImproperlyConfigured(
        "Refusing to serve with the development secret key: set DJANGO_SECRET_KEY."
    )
