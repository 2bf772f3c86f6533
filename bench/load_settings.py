"""Settings of bench/load.py's server: production's, plus bench/routing.py's one-query view.

The view (``/bench/``, bench.routing_app) is the yardstick the mix's throughput is divided
by, served by the same uvicorn workers in the same run.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.routing_app.urls"
