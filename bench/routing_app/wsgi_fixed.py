"""No routing: this process's connection stays on one commune's schema (ENT_BENCH_SCHEMA)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.routing_app.settings_fixed")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402

application = get_wsgi_application()
# gunicorn's sync worker imports this module in the worker and serves requests on the same
# (main) thread, so the thread-local connection keeps this schema for every request; a
# reconnect only forgets the server-side search_path, which is then set again once.
connection.set_schema(os.environ["ENT_BENCH_SCHEMA"])
