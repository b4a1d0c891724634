"""Local development: DEBUG on, a throwaway key, mail to the console."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"  # noqa: S105
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
