"""Real processes for tests that must cross process boundaries.

The caching design promises correctness whatever the process layout (several
gunicorn workers, cron jobs, editors' requests), so some tests run the site as
production does: gunicorn workers against a database of their own (a SQLite
file, or a PostgreSQL database made for the module), changed from yet another
process (`manage.py shell`). `FaultyProxy` stands between the site and
PostgreSQL or Redis and can refuse or hang connections, to test outages
without stopping the machine's shared servers.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_env(**overrides):
    """The environment of a site process: no inherited database, cache or settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST"}
    }
    env.update({"PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"})
    env.update({key: str(value) for key, value in overrides.items() if value is not None})
    return env


def manage(env, *args, timeout=600):
    """Run `manage.py ARGS` as its own process; raise with its output if it fails."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


@contextmanager
def site_database(tmp_dir, vendor, django_db_blocker):
    """A migrated database with the demo content, for site processes: yields its URL.

    `vendor` is "sqlite" (a file in `tmp_dir`) or "postgresql" (a database made on
    the server that `DATABASE_URL` of the test run names, dropped afterwards). It
    starts as a copy of this worker's test database, which holds exactly what
    `migrate` makes (the copy is taken between tests, when every test's changes are
    rolled back): SQLite's backup API, or PostgreSQL's ``CREATE DATABASE ... TEMPLATE``.
    That spares a `manage.py migrate` process (10 s or more) per worker; the demo
    content is then loaded by a process of its own, as a deployment would."""
    from django.db import connection, connections

    drop = None
    with django_db_blocker.unblock():
        test_database = connection.settings_dict["NAME"]
        in_memory = vendor == "sqlite" and connection.is_in_memory_db()
        if not (in_memory or str(test_database).startswith("test_")):
            raise AssertionError(f"{test_database} is no test database: mark the tests django_db")
        if vendor == "sqlite":
            import sqlite3

            path = Path(tmp_dir) / "site.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(path)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
            url = f"sqlite:///{path}"
        else:
            import psycopg

            params = connection.settings_dict
            name = f"processes_{uuid.uuid4().hex[:10]}"
            server = (
                f"host={params['HOST'] or '127.0.0.1'} port={params['PORT'] or 5432} "
                f"user={params['USER']} dbname=postgres"
            )
            if params.get("PASSWORD"):
                server += f" password={params['PASSWORD']}"
            # A template may have no other sessions: close this worker's own.
            connections.close_all()
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{test_database}"')
            url = (
                f"postgres://{params['USER']}"
                + (f":{params['PASSWORD']}" if params.get("PASSWORD") else "")
                + f"@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
            )

            def drop():
                with psycopg.connect(server, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env = base_env(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="portfolio.settings.dev",
        MEDIA_ROOT=Path(tmp_dir) / "media",
    )
    try:
        manage(env, "load_demo_content")
        yield url
    finally:
        if drop is not None:
            drop()


@contextmanager
def collected_static(tmp_dir):
    """STATIC_ROOT with `collectstatic` run once: production settings need its manifest."""
    root = Path(tmp_dir) / "static"
    env = base_env(DJANGO_SETTINGS_MODULE="portfolio.settings.production", STATIC_ROOT=root)
    env.update({"SECRET_KEY": "collect-only", "REDIS_URL": "redis://127.0.0.1:1/0"})
    manage(env, "collectstatic", "--noinput", "-v", "0")
    yield root


class Gunicorn:
    """`gunicorn portfolio.wsgi` with `workers` processes on a free local port."""

    def __init__(self, env, workers=2, timeout=30):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.workers = workers
        self.timeout = timeout
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603 - gunicorn from our own venv
            [
                GUNICORN,
                "portfolio.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                str(self.timeout),
                "--graceful-timeout",
                "2",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace")
                raise AssertionError(f"gunicorn exited:\n{output}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not start within 60 s")
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output = self.process.stdout.read().decode(errors="replace")


def fetch(url, timeout=15, headers=None):
    """(status, headers, body) of a GET, without raising for 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - local test server
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


class FaultyProxy:
    """A TCP proxy to `target` (host, port) that can be switched to refuse or hang.

    mode "pass": forwards bytes both ways; "refuse": new connections are closed at
    once and open ones are cut; "hang": new connections are accepted and never
    answered, and open ones stop forwarding (as a stopped server behaves)."""

    def __init__(self, target):
        self.target = target
        self.mode = "pass"
        self.port = free_port()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", self.port))
        self._server.listen(64)
        self._sockets = []
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def set_mode(self, mode):
        self.mode = mode
        if mode == "refuse":
            for sock in list(self._sockets):
                self._close(sock)

    def _close(self, sock):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _accept(self):
        while not self._stopped:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.mode == "refuse":
                self._close(client)
                continue
            self._sockets.append(client)
            if self.mode == "hang":
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._close(client)
                continue
            self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink):
        while not self._stopped:
            try:
                data = source.recv(65536)
            except OSError:
                break
            if not data:
                break
            while self.mode == "hang" and not self._stopped:
                time.sleep(0.05)
            if self.mode == "refuse":
                break
            try:
                sink.sendall(data)
            except OSError:
                break
        self._close(sink)

    def close(self):
        self._stopped = True
        self._close(self._server)
        for sock in list(self._sockets):
            self._close(sock)


def have_gunicorn():
    return Path(GUNICORN).exists() or shutil.which("gunicorn") is not None
