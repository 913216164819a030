"""WSGI entry point (gunicorn governance.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from governance.core.gc_tuning import tune_garbage_collector
from governance.core.security import refuse_development_key_in_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
application = get_wsgi_application()

# Keep what the app loaded out of every later garbage collection (long pauses otherwise).
tune_garbage_collector()

# A production server must not run on the development key (runserver and DEBUG may).
refuse_development_key_in_server()
