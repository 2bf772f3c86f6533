"""Production: refuses to start with a default secret key or DEBUG on."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import DEBUG, EMAIL_BACKEND, SECRET_KEY
from config.settings.env import env_int

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if not SECRET_KEY or SECRET_KEY.startswith("dev-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

if EMAIL_BACKEND.endswith("console.EmailBackend"):
    raise ImproperlyConfigured(
        "EMAIL_BACKEND must send real mail in production (e.g. "
        "django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# One sender for HSTS: the reference deployment's nginx sets it on every answer (static files
# and error pages too), so Django sending it as well would only duplicate the header. Set
# ENT_HSTS_SECONDS when Django is served without that proxy.
SECURE_HSTS_SECONDS = env_int("ENT_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
if not SECURE_HSTS_SECONDS:
    SILENCED_SYSTEM_CHECKS = ["security.W004"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# /healthz is answered before the redirect middleware, so load balancers may probe over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
