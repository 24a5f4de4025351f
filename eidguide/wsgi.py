"""WSGI entry point: gunicorn serves ``eidguide.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eidguide.settings")

application = get_wsgi_application()
