"""Settings for Annex, read from the environment.

One module for every environment: production differs from the embedded default only by
environment variables (see the configuration table in README.md).
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from governance.env import env, env_bool, env_int, env_list, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("ANNEX_VAR_DIR", str(BASE_DIR / "var")))
for _sub in (
    "",
    "celery/queue",
    "celery/processed",
    "celery/control",
    "celery/results",
    "media",
    "staticfiles",
):
    (VAR_DIR / _sub).mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)
# The development key is refused whenever a production variable is set (governance/env.py),
# by `check --deploy` (annex.E001) and by a WSGI/ASGI server other than runserver.
SECRET_KEY = secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env("ANNEX_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "governance.core",
    "governance.accounts",
    "governance.tenancy",
    "governance.audit",
    "governance.register",
    "governance.classification",
    "governance.risks",
    "compliance.catalogue",
    "compliance.assessments",
    "compliance.evidence",
    "compliance.documents",
    "governance.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "governance.core.malformed.MalformedRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "governance.core.security.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "governance.tenancy.middleware.OrganizationMiddleware",
    "governance.tenancy.two_factor.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"
ASGI_APPLICATION = "governance.asgi.application"

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
                "governance.core.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite by default (the embedded start); DATABASE_URL selects PostgreSQL (psycopg 3).
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'annex.sqlite3'}")
_ON_SQLITE = DATABASE_URL.startswith("sqlite:")
# Persistent connections on a database server (a connection costs ~10 ms per request on
# PostgreSQL); SQLite opens a file, so there it stays 0. Health checks drop a dead connection.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if _ON_SQLITE else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the web process and the local Celery worker share the file without lock errors.
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME", "") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env_list(
    "DJANGO_PASSWORD_HASHERS",
    [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sign-in throttling (governance/accounts/throttle.py): failures per account lock that account;
# failures per client address only refuse further failures, never a correct password.
LOGIN_RATE_LIMIT = env_int("ANNEX_LOGIN_RATE_LIMIT", 5)
LOGIN_ADDRESS_LIMIT = env_int("ANNEX_LOGIN_ADDRESS_LIMIT", 50)
LOGIN_RATE_WINDOW = env_int("ANNEX_LOGIN_RATE_WINDOW", 15 * 60)
INVITATION_TTL_DAYS = env_int("ANNEX_INVITATION_TTL_DAYS", 7)

# Cache: local memory by default; REDIS_URL shares it between processes in production.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Annex <no-reply@annex.local>")
# Seconds an SMTP connect or reply may take: a hung mail server must not hold a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# The outbox (governance/core/outbox.py): attempts per email, the first retry's delay (doubled
# each time), and how long a queued email may wait before the beat task queues it again.
OUTBOX_MAX_ATTEMPTS = env_int("ANNEX_OUTBOX_MAX_ATTEMPTS", 6)
OUTBOX_RETRY_DELAY = env_int("ANNEX_OUTBOX_RETRY_DELAY", 30)
OUTBOX_GRACE = env_int("ANNEX_OUTBOX_GRACE", 60)

# Objects allocated before Python's youngest garbage collection (0: Python's default of 700);
# see governance/core/gc_tuning.py and tests/benchmarks/bench_gc.py.
GC_GEN0_THRESHOLD = env_int("ANNEX_GC_GEN0_THRESHOLD", 0)

LANGUAGE_CODE = "en-gb"
# Dates shown as "30 Nov 2026", typed as ISO or day first (governance/core/formats/en_GB).
FORMAT_MODULE_PATH = ["governance.core.formats"]
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or not env_bool("ANNEX_MANIFEST_STATIC", False)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Evidence files (compliance.evidence): size limit, and the STORAGES alias they are kept in
# (add e.g. an S3-compatible "evidence" entry to STORAGES and point this at it).
EVIDENCE_MAX_BYTES = env_int("ANNEX_EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
EVIDENCE_STORAGE_ALIAS = env("ANNEX_EVIDENCE_STORAGE", "default")

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# A load balancer's health probe may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# How many proxies in front of Annex append to X-Forwarded-For (0: the header is ignored and
# the client is REMOTE_ADDR). Used for sign-in throttling; see governance/accounts/throttle.py.
TRUSTED_PROXY_HOPS = env_int("ANNEX_TRUSTED_PROXY_HOPS", 0)
# No inline script anywhere (scripts live in static/js); inline style attributes remain.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.tenancy.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "governance.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # User-facing summaries and descriptions, never developer docstrings (governance.core.schema).
    "DEFAULT_SCHEMA_CLASS": "governance.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "governance.core.api.exception_handler",
    # JSON with bounded nesting, no duplicate keys and no NaN (governance.core.jsonparse).
    "DEFAULT_PARSER_CLASSES": [
        "governance.core.jsonparse.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Annex API",
    "DESCRIPTION": (
        "Govern AI systems and prove compliance with the EU AI Act and ISO/IEC 42001. "
        "Authenticate with `Authorization: Bearer <token>` (an organisation API token) or a "
        "browser session. Every tenant-owned resource lives under `/api/v1/o/{org_slug}/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The sidecar's ReDoc without its CDN logo (static/vendor/redoc/README.md).
    "REDOC_DIST": STATIC_URL + "vendor/redoc",
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "Inter, system-ui, sans-serif",
                "headings": {"fontFamily": "Inter, system-ui, sans-serif"},
            }
        },
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "MemberRoleEnum": "governance.tenancy.roles.Role",
        "OperatorRoleEnum": "governance.register.models.OperatorRole",
        # One name per choice set, so `check --deploy` (drf_spectacular.W001) stays clean.
        "AssessmentKindEnum": "compliance.assessments.models.AssessmentKind",
        "AnswerStatusEnum": "compliance.assessments.models.AnswerStatus",
        "ActionStatusEnum": "compliance.assessments.models.ActionStatus",
        "DocumentStatusEnum": "compliance.documents.models.DocumentStatus",
        "FrameworkKindEnum": "compliance.catalogue.models.FrameworkKind",
        "LawChangeStatusEnum": "governance.classification.models.ReassessmentStatus",
        "IncidentKindEnum": "governance.risks.models.IncidentKind",
        "IncidentStatusEnum": "governance.risks.models.IncidentStatus",
        "RiskStatusEnum": "governance.risks.models.RiskStatus",
    },
    # Every operation documents the house error shape under the statuses it can answer with.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "governance.core.schema.add_error_responses",
    ],
}

# Celery. The embedded default needs no server: a real worker process on the filesystem
# transport. CELERY_BROKER_URL=redis://… selects Redis in production.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", f"file://{VAR_DIR / 'celery' / 'results'}")
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
# Redis hands an unacknowledged job to another worker after this many seconds: longer than the
# hard time limit, or a job still running would be run twice; short, or a job whose worker died
# waits an hour (Redis's default) before anyone takes it.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT "
        f"({CELERY_VISIBILITY_TIMEOUT} <= {CELERY_TASK_TIME_LIMIT})."
    )
# A worker's claim on an outbox row: past the hard time limit (the job is dead by then) and
# before the visibility timeout (so the redelivered job finds the claim expired).
OUTBOX_LEASE = (CELERY_TASK_TIME_LIMIT + CELERY_VISIBILITY_TIMEOUT) // 2
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # Look for jobs of dead workers every few seconds, not every 100 s.
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
        "unacked_restore_throttle": 1,
        # A broker that vanishes must not hang a web request that publishes a job.
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }
# Publishing a job: a few quick tries, then the caller decides (the outbox row stays pending).
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A spreadsheet import of more rows than this commits in a Celery job, with a progress page.
ANNEX_IMPORT_JOB_ROWS = env_int("ANNEX_IMPORT_JOB_ROWS", 2000)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "dispatch-outbox": {
        "task": "governance.core.tasks.dispatch_outbound_emails",
        "schedule": 30,
    },
    "sweep-documents": {
        "task": "compliance.documents.tasks.sweep_documents",
        "schedule": 60,
    },
    "sweep-import-jobs": {
        "task": "governance.register.tasks.sweep_import_jobs",
        "schedule": 60,
    },
    "expire-auditor-grants": {
        "task": "compliance.documents.tasks.expire_auditor_grants",
        "schedule": 5 * 60,
    },
    "expire-invitations": {
        "task": "governance.tenancy.tasks.expire_invitations",
        "schedule": 60 * 60,
    },
    "roll-next-obligation-dates": {
        "task": "governance.classification.tasks.roll_next_obligation_dates",
        "schedule": 60 * 60,
    },
    # Hourly, but one snapshot per organisation per day (the task is idempotent).
    "take-daily-snapshots": {
        "task": "governance.dashboards.tasks.take_daily_snapshots",
        "schedule": 60 * 60,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every stylesheet it parses at INFO, its own ones included at import.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
