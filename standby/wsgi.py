"""WSGI entry point (``standby serve`` uses it with waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standby.settings")
application = get_wsgi_application()
