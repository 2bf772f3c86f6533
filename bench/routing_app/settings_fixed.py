"""Bench settings, fixed schema: the same stack minus CommuneRoutingMiddleware.

wsgi_fixed.py points the process's connection at the commune's schema once, at start-up.
"""

from bench.routing_app.settings_routed import *  # noqa: F403
from bench.routing_app.settings_routed import MIDDLEWARE

MIDDLEWARE = [m for m in MIDDLEWARE if m != "tenants.middleware.CommuneRoutingMiddleware"]
