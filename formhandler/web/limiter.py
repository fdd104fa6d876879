"""The rate limiter, shared by the blueprints; storage comes from RATELIMIT_STORAGE_URI."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# get_remote_address reads request.remote_addr, which ProxyFix sets from exactly
# TRUSTED_PROXIES hops of X-Forwarded-For: a forged header beyond them is ignored.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
