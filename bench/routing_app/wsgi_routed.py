import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.routing_app.settings_routed")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
