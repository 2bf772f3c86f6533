"""Settings shared by every environment; all deployment knobs come from environment variables.

See README.md ("Configuration") for the list.
"""

from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab

from config.settings.env import (
    connection_pool,
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_str,
)

# The checkout (templates/, static/, locale/ live there). A non-editable install puts this file
# in site-packages, so deployments name the checkout explicitly.
BASE_DIR = Path(env_str("ENT_BASE_DIR", str(Path(__file__).resolve().parents[3])))

SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-secret-key-change-me")
# Former keys, space-separated, while a key is rotated: sessions, reset links and the
# backup codes' digests made with an old key keep working until it is dropped from here.
SECRET_KEY_FALLBACKS = env_str("SECRET_KEY_FALLBACKS", "").split()
DEBUG = env_bool("DJANGO_DEBUG", False)

# Every commune is served on <slug>.<ENT_BASE_DOMAIN>; the bare domain is the groupement's.
ENT_BASE_DOMAIN = env_str("ENT_BASE_DOMAIN", "ent.localhost").lower().strip(".")
ALLOWED_HOSTS = [ENT_BASE_DOMAIN, f".{ENT_BASE_DOMAIN}"]
# How links printed outside a request (activation links, URLs listed by the CLI) start.
ENT_URL_SCHEME = env_str("ENT_URL_SCHEME", "https")
ENT_URL_PORT = env_str("ENT_URL_PORT", "")

# The schema provisioning copies from; it has no Commune row and is never a commune.
ENT_TEMPLATE_SCHEMA = "ent_template"
# How often (seconds) a process re-reads the routing version stamp; between two reads a
# known host is resolved from memory with no query.
ENT_ROUTING_STAMP_SECONDS = env_float("ENT_ROUTING_STAMP_SECONDS", 2.0)
# Where to find pg_dump (same major version as the server); empty means auto-detect.
ENT_PG_BINDIR = env_str("ENT_PG_BINDIR", "")
# Days an account of a pupil who left (and of a parent left with no child) is kept before
# the nightly purge deletes it.
ENT_LEAVER_RETENTION_DAYS = int(env_str("ENT_LEAVER_RETENTION_DAYS", "365"))
# Retention of the other personal data (apps/privacy/retention.py, docs/data-protection.md).
ENT_AUDIT_RETENTION_DAYS = env_int("ENT_AUDIT_RETENTION_DAYS", 365)
ENT_NOTIFICATION_READ_RETENTION_DAYS = env_int("ENT_NOTIFICATION_READ_RETENTION_DAYS", 90)
ENT_NOTIFICATION_RETENTION_DAYS = env_int("ENT_NOTIFICATION_RETENTION_DAYS", 365)
ENT_LOGIN_TRACE_RETENTION_DAYS = env_int("ENT_LOGIN_TRACE_RETENTION_DAYS", 30)
# Days after which the families who have not confirmed a note of the cahier de liaison are
# reminded (then again every as many days). One value for the groupement for now.
ENT_LIAISON_REMINDER_DAYS = int(env_str("ENT_LIAISON_REMINDER_DAYS", "3"))
# The school-holiday zone (A, B or C) of every commune of the groupement: the académie de
# Bordeaux is in zone A. Weekly repeats of the cahier de textes skip that zone's holidays.
ENT_SCHOOL_ZONE = env_str("ENT_SCHOOL_ZONE", "A").upper()
# Quiet hours (apps/quiethours): notifications wait outside the school days' slots. Off only
# where a test needs a clock-independent delivery (config.settings.test).
ENT_QUIET_HOURS = env_bool("ENT_QUIET_HOURS", True)

SHARED_APPS = [
    # First, so that its migrate/migrate_schemas commands (which also keep the template
    # schema current) win over django-tenants' ones.
    "provisioning",
    "django_tenants",
    "tenants",
    "tenants.billing",
    "tenants.dashboard",
    # Apps present in both lists: moving one between lists later would mean data surgery.
    "apps.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Swagger UI and Redoc served from our own static files (no CDN).
    "drf_spectacular_sidecar",
    "apps.audit",
    "tenants.usage",
    # The national school calendar (holidays by zone, public holidays): public schema only.
    "apps.calendar",
    # Tasks the broker could not take yet (public schema only: one table to flush).
    "apps.outbox",
]

TENANT_APPS = [
    "apps.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "django.contrib.messages",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rest_framework.authtoken",
    "apps.portal",
    "apps.schools",
    "apps.audit",
    "apps.api",
    "apps.qrlogin",
    "apps.classes",
    "apps.publications",
    "apps.liaison",
    "apps.notifications",
    "apps.homework",
    "apps.attachments",
    "apps.privacy",
    "apps.quiethours",
    "apps.messaging",
    "apps.live",
    "apps.chat",
    "apps.site",
    "apps.blog",
    "apps.news",
    "apps.forum",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Commune"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenants"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Only issue `SET search_path` when the schema actually changes (see config/db/base.py).
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # First: CSP, Permissions-Policy and the other browser protections on every answer,
    # including those the routing below gives before SecurityMiddleware runs.
    "config.security_headers.SecurityHeadersMiddleware",
    # A 503 with Retry-After, not the 500 page, while the database is unreachable.
    "config.db_unavailable.DatabaseUnavailableMiddleware",
    # Next: a bounded number of requests at once, a database connection for each, or 503.
    "config.overload.OverloadMiddleware",
    # Answers /healthz on any host, before host validation and tenant routing.
    "tenants.middleware.HealthCheckMiddleware",
    "tenants.middleware.CommuneRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # 400 for control characters or invalid UTF-8 in the URL or a form (config/bad_input.py).
    "config.bad_input.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Ends sessions of blocked accounts; holds sessions that owe a second factor on the 2FA pages.
    "apps.accounts.security.middleware.AccountSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.commune",
                "apps.navigation.menus.menu",
            ],
            # French formatting filters (|date_longue, |euros...) and |rich_text (the one
            # way a page prints stored rich text) in every template.
            "builtins": ["apps.french.filters", "apps.richtext.filters"],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ent")
DATABASES = {"default": database_from_url(DATABASE_URL)}
# Server connections per process (uvicorn worker): PostgreSQL sees at most ENT_DB_POOL_MAX
# × workers from the web tier (docs/deployment.md, "Connexions à PostgreSQL"). 0 turns the
# pool off: one connection per request, closed at its end.
ENT_DB_POOL_MAX = env_int("ENT_DB_POOL_MAX", 10)
if ENT_DB_POOL_MAX:
    DATABASES["default"]["OPTIONS"]["pool"] = connection_pool(  # type: ignore[index]
        max_size=ENT_DB_POOL_MAX,
        min_size=env_int("ENT_DB_POOL_MIN", min(2, ENT_DB_POOL_MAX)),
        timeout=env_float("ENT_DB_POOL_TIMEOUT", 5.0),
        max_idle=env_float("ENT_DB_POOL_MAX_IDLE", 60.0),
    )
# Requests a process works on at once; the next ones wait up to ENT_IN_FLIGHT_WAIT seconds
# for a slot, then get the 503 page (config/overload.py). 0: no limit.
ENT_MAX_IN_FLIGHT = env_int("ENT_MAX_IN_FLIGHT", 2 * (ENT_DB_POOL_MAX or 10))
ENT_IN_FLIGHT_WAIT = env_float("ENT_IN_FLIGHT_WAIT", 1.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, refusing blocked accounts (at login and on every session load).
    "apps.accounts.security.backends.EntModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Adults get the full policy below; pupils only a minimum length (apps/accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "apps.accounts.passwords.ProfileAwarePasswordValidator",
        "OPTIONS": {
            "pupil_min_length": 6,
            "adult_validators": [
                {
                    "NAME": "django.contrib.auth.password_validation."
                    "UserAttributeSimilarityValidator"
                },
                {
                    "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                    "OPTIONS": {"min_length": 12},
                },
                {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
                {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
            ],
        },
    }
]
# Links sent to reset a forgotten password stay valid one day.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sessions live in the commune's own schema, and their keys are bound to it (config/sessions.py).
SESSION_ENGINE = "config.sessions"
# Host-only cookies: never SESSION_COOKIE_DOMAIN, or one commune's cookie would reach the others.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12

# django-axes: lock a username *from an address* together; a whole school shares one address.
# Guesses spread over many addresses, and sprays over many usernames from one address, are
# throttled by ENT_RATE_LIMITS below.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True
# French lockout page (status 429) instead of axes' English text.
AXES_LOCKOUT_CALLABLE = "apps.accounts.security.views.locked_out"

# Rate limits of the login side (apps/accounts/security/ratelimit.py): (limit, window in
# seconds), counted per commune.
ENT_RATE_LIMITS = {
    # Units per address (IPv4 address, IPv6 /64) on the login, first-login and code pages: a
    # POST costs 1, a failed attempt ENT_LOGIN_FAILURE_COST in all. 300 successful logins or
    # about 37 failures per 10 minutes: a school behind one NAT, typos included, gets in.
    "login_address": (env_int("ENT_LOGIN_ADDRESS_BUDGET", 300), 600),
    # Failures per username, from any address, before its logins are refused until the
    # window ends (unknown usernames alike).
    "login_account": (env_int("ENT_LOGIN_ACCOUNT_FAILURES", 20), 900),
    # Password-reset requests per address, and per e-mail address asked for.
    "reset_address": (env_int("ENT_RESET_ADDRESS_LIMIT", 30), 3600),
    "reset_email": (env_int("ENT_RESET_EMAIL_LIMIT", 3), 3600),
    # Requests to add, change or remove one's e-mail address, per account (each may mail a
    # link to an address the person typed).
    "email_change": (env_int("ENT_EMAIL_CHANGE_LIMIT", 5), 3600),
}
ENT_LOGIN_FAILURE_COST = env_int("ENT_LOGIN_FAILURE_COST", 8)

# django-otp: the issuer shown in authentication applications when no commune names it.
OTP_TOTP_ISSUER = "ENT Groupement"

# E-mail (password reset links): the console in development and tests unless configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"ne-pas-repondre@{ENT_BASE_DOMAIN}")

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Answers as a miss, and logs, while Redis is unreachable (config/cache.py).
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            # Cache keys carry the schema name so communes never share an entry.
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, as long as the layer's
                # blocking pop waits for a message: every idle consumer would fail at the same
                # moment (redis-py #4091). The read is given longer than the pop.
                # A pool that runs out raises at once (redis-py 8): room for every connection
                # of a process leaving together (a restart, a school's network cut), each
                # taking one to leave its groups.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "max_connections": 1000}],
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: Redis when configured; otherwise tasks run in-process (development only).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged once it has run, so that one whose worker dies is delivered again
# (every task is idempotent: docs/deployment.md, "Pannes"); one message at a time per
# process, so that a dead worker held no other message back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Seconds after which a message taken by a worker that vanished (machine lost, kill -9) is
# delivered to another worker; longer than the longest task (an ONDE import).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("ENT_CELERY_VISIBILITY_TIMEOUT", 3600),
}
CELERY_BEAT_SCHEDULE = {
    # Public-schema task that queues the account lifecycle in every live commune's schema.
    "accounts-lifecycle-nightly": {
        "task": "accounts.lifecycle_all_communes",
        "schedule": crontab(hour=3, minute=17),  # CELERY_TIMEZONE: Europe/Paris
    },
    # Public-schema task that counts every live commune's classes for billing by class.
    "usage-class-counts-nightly": {
        "task": "usage.collect_class_counts",
        "schedule": crontab(hour=2, minute=41),  # CELERY_TIMEZONE: Europe/Paris
    },
    # Public-schema tasks queueing, in every live commune, the cahier de liaison's automatic
    # reminders and the notifications' daily e-mail digest.
    "liaison-reminders-daily": {
        "task": "liaison.reminders_all_communes",
        "schedule": crontab(hour=7, minute=5),  # CELERY_TIMEZONE: Europe/Paris
    },
    # Held notifications (quiet hours, apps/quiethours) delivered once their slot opens; the
    # circular's 07:00 falls on a run, a school's 07:10 waits at most five minutes.
    "notifications-release-held": {
        "task": "notifications.release_all_communes",
        "schedule": crontab(minute="*/5"),  # CELERY_TIMEZONE: Europe/Paris
    },
    # Messages sent during quiet hours (apps/messaging), delivered once their slot opens.
    "messaging-release-scheduled": {
        "task": "messaging.release_all_communes",
        "schedule": crontab(minute="*/5"),  # CELERY_TIMEZONE: Europe/Paris
    },
    # Scheduled news told to their audience once their date comes (apps/news), the emergency
    # banners put back in the cache the pages read them from, and the school sites drawn again
    # at midnight for a public news item that expired.
    "news-announce-due": {
        "task": "news.announce_all_communes",
        "schedule": crontab(minute="*/5"),  # CELERY_TIMEZONE: Europe/Paris
    },
    "news-refresh-banners": {
        "task": "news.refresh_banners_all_communes",
        "schedule": crontab(minute="*/5"),  # CELERY_TIMEZONE: Europe/Paris
    },
    "news-expired-sweep-nightly": {
        "task": "news.expired_sweep_all_communes",
        "schedule": crontab(hour=0, minute=3),  # CELERY_TIMEZONE: Europe/Paris
    },
    "notifications-digest-daily": {
        "task": "notifications.digests_all_communes",
        "schedule": crontab(hour=17, minute=30),  # CELERY_TIMEZONE: Europe/Paris
    },
    # Public-schema task queueing the retention rules (apps/privacy/retention.py) per commune.
    # Sends the tasks kept while the broker was unreachable (apps/outbox/queue.py).
    "outbox-flush": {
        "task": "outbox.flush",
        "schedule": 60.0,
    },
    "privacy-retention-nightly": {
        "task": "privacy.enforce_retention_all_communes",
        "schedule": crontab(hour=3, minute=47),  # CELERY_TIMEZONE: Europe/Paris
    },
}

# French only, whatever the browser asks: no LocaleMiddleware, so Django's own |date is French too.
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / ".var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / ".var" / "media"

# Largest file joined to a notebook entry or note (bytes); 20 Mo by default.
ENT_ATTACHMENT_MAX_BYTES = int(env_str("ENT_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))

# WebSockets (apps.live, apps.chat): what one connection may send. The same bounds are set in
# front, by nginx (ansible/roles/nginx) and uvicorn (--ws-max-size).
ENT_WS_MAX_MESSAGE_BYTES = int(env_str("ENT_WS_MAX_MESSAGE_BYTES", "4096"))
ENT_WS_MESSAGES_PER_10S = int(env_str("ENT_WS_MESSAGES_PER_10S", "20"))
# Posts of the rooms (apps.chat) are kept this long, then purged (apps.privacy.retention).
ENT_CHAT_RETENTION_DAYS = int(env_str("ENT_CHAT_RETENTION_DAYS", "365"))

S3_BUCKET = env_str("S3_BUCKET", "")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL", "")
S3_REGION = env_str("S3_REGION", "")
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID", "")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY", "")

if S3_BUCKET:
    _default_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Origins besides the ENT's own (and the S3 store's, derived from the settings above) that
# pages may show pictures, sounds and videos from: a CDN in front of the store, say.
# Space-separated, e.g. "https://medias.example.org".
ENT_CSP_MEDIA_ORIGINS = env_str("ENT_CSP_MEDIA_ORIGINS", "").split()
# Views drawn by third-party code that writes inline styles: their pages alone may use them
# (config/security_headers.py). DRF's browsable API is recognised by its renderer.
ENT_CSP_THIRD_PARTY_VIEWS = frozenset({"api:docs", "api:redoc"})

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF tokens, refused for accounts that require two-factor (and blocked ones).
        "apps.accounts.security.authentication.TwoFactorSafeTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ENT Groupement API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One API class per operation on a shared path (apps.apikit.base.by_method).
    "PREPROCESSING_HOOKS": ["apps.apikit.base.split_operations"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"schema": {"()": "config.logging.SchemaFilter"}},
    "formatters": {
        "schema": {
            "format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["schema"],
            "formatter": "schema",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "ent.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
