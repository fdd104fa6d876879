"""Fixtures of the deployment tests: the built site, nginx in front of gunicorn, Redis, a PostgreSQL of one's own.

The app, its database and a logged-in reviewer come from tests/conftest.py.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from benchmarks.loadgen import RedisServer
from tests.conftest import REQUIRE_ALL, ROOT, run_pelican
from tests.deploy_fixtures import Deployment, require_nginx, start_gunicorn, start_nginx, stop
from tests.pg import Cluster, free_port, postgres_bin


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real content built once, plus a hashed logo and a pre-compressed file to serve."""
    output = run_pelican(ROOT / "content", tmp_path_factory.mktemp("site") / "output")
    (output / "logos").mkdir(exist_ok=True)
    (output / "logos" / "test-0123456789.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    # Different bytes in the .gz than in the file itself: only gzip_static can serve these.
    (output / "robots.txt.gz").write_bytes(gzip.compress(b"served from robots.txt.gz\n"))
    return output


@pytest.fixture(scope="module")
def deployment(site, tmp_path_factory):
    """nginx rendered from the sample config in front of gunicorn, for one test module; both stopped afterwards."""
    require_nginx()
    tmp = tmp_path_factory.mktemp("deploy")
    app, upstream = start_gunicorn(tmp, site)
    try:
        web, base = start_nginx(tmp / "nginx", root=site, upstream=upstream.removeprefix("http://"))
        try:
            yield Deployment(base, tmp)
        finally:
            stop(web)
    finally:
        stop(app)


@pytest.fixture
def nginx_without_app(site, tmp_path):
    """nginx from the sample config whose upstream answers nothing: the app is down."""
    require_nginx()
    web, base = start_nginx(tmp_path, root=site, upstream=f"127.0.0.1:{free_port()}")
    yield base
    stop(web)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway Redis on loopback; a missing server fails in CI, skips elsewhere."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    if server.binary is None:
        message = "Redis server not installed (Debian package redis-server)"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def own_postgres():
    """A PostgreSQL cluster of this test's own, which it may take down: the shared one must stay up."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        message = "PostgreSQL server not installed (Debian package postgresql)"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    cluster = Cluster(bin_dir)
    cluster.start()
    yield cluster
    cluster.stop()
