"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from governance.core.security import refuse_development_key_in_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
application = get_asgi_application()

# A production server must not run on the development key (runserver and DEBUG may).
refuse_development_key_in_server()
