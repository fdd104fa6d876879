"""Gunicorn settings for the form handler behind nginx: `gunicorn -c deploy/gunicorn.conf.py formhandler.wsgi:app`."""

import os

# Loopback only: nginx is the public face; GUNICORN_BIND overrides (e.g. 0.0.0.0:8001 in a container).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
# Each worker imports the app itself: no database connection is shared across a fork.
preload_app = False

# Heartbeat files on disk can stall a worker on a slow disk; tmpfs never does.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound. A new worker imports the
# app (most of a second of CPU) while its slot serves nothing, so rarely: at a flood's 800
# requests a second once every few minutes, at a normal day's traffic never.
max_requests = 100_000
max_requests_jitter = 10_000

# Only nginx on this machine may tell us the scheme (X-Forwarded-Proto); the app's ProxyFix
# (FORMHANDLER_TRUSTED_PROXIES=1) takes the client address from X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log without query strings, referrer or user agent: they can carry personal data.
# %(U)s is the path without its query string; the client address (from nginx) is kept.
# GUNICORN_ACCESS_LOG=false where nginx already writes the access log: one line less per request.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "true").lower() not in ("0", "false", "no", "off") else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
proc_name = "alliantie-formhandler"
# gunicorn 24+ opens a control socket in $HOME; the service has no home to write to and needs none.
control_socket_disable = True
