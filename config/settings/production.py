"""Production: refuses to start without a real SECRET_KEY; secure cookies and HSTS on."""

from config.env import env_bool, env_int, env_str

from .base import *

SECRET_KEY = env_str("SECRET_KEY")  # no default: fail fast
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise RuntimeError("SECRET_KEY must be a random string of at least 50 characters in production.")
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Joining the browsers' HSTS preload list is hard to undo, so it is the operator's opt-in
# (SECURE_HSTS_PRELOAD=true), not a deploy-check failure.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
