"""No query string in the web servers' logs (issue 15): gunicorn as the production image and
docker compose start it, and runserver as ``make run`` does. A search typed into an
address (a child's name) is not written down."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NAME = "Zebedee"
PROBE_APP = """
def app(environ, start_response):
    if environ["PATH_INFO"] == "/boom/":
        raise RuntimeError("boom")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(server: subprocess.Popen, port: int) -> bool:
    """Whether this very process holds the listening socket on ``port`` (Linux's /proc): a
    port free when probed may be taken by another test's server before ours binds it, and
    a request would then reach that other server."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                listening.add(f"socket:[{fields[9]}]")
    fds = Path(f"/proc/{server.pid}/fd")
    try:
        return any(os.readlink(fd) in listening for fd in fds.iterdir())
    except FileNotFoundError:  # it has just stopped
        return False


class Server:
    """A server started by a test, its output in files (read while it runs)."""

    def __init__(self, process: subprocess.Popen, port: int, logs: Path):
        self.process, self.port, self.logs = process, port, logs

    def output(self) -> tuple[str, str]:
        return ((self.logs / "stdout").read_text(), (self.logs / "stderr").read_text())

    def stop_once_logged(self, *lines: str) -> tuple[str, str]:
        """Stop once each line is in its output, or after 30 s: a server writes a request's
        log line after sending the response, so the client can have it before the line is
        written, and stopping at once would lose the line."""
        deadline = time.monotonic() + 30
        while not all(line in "".join(self.output()) for line in lines) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        return self.output()


def _serving(command: list[str], logs: Path, **popen) -> Server:
    """Start a server on a free port and return once it listens there itself; a port taken
    first by another server is given up for another."""
    for attempt in range(5):
        port = _free_port()
        folder = logs / f"server-{attempt}"
        folder.mkdir(parents=True)
        with (folder / "stdout").open("w") as out, (folder / "stderr").open("w") as err:
            process = subprocess.Popen(  # noqa: S603
                [arg.replace("{port}", str(port)) for arg in command],
                stdout=out, stderr=err, text=True, **popen)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if _listening(process, port):
                return Server(process, port, folder)
            time.sleep(0.1)
        process.kill()
        process.wait(timeout=30)
    raise AssertionError(f"{command[:3]} did not start")


def _get(url: str, **headers) -> int:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers),  # noqa: S310
                                        timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_the_image_and_compose_start_gunicorn_alike():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    [cmd] = [line for line in (ROOT / "Dockerfile").read_text().splitlines()
             if line.startswith("CMD ")]
    assert json.loads(cmd.removeprefix("CMD ")) == compose["services"]["web"]["command"]


def test_gunicorn_logs_paths_without_query_strings_or_referrers(tmp_path):
    (tmp_path / "probe_app.py").write_text(PROBE_APP)
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())[
        "services"]["web"]["command"]
    assert command[:3] == ["gunicorn", "-c", "config/gunicorn.py"]
    args = [{"config.wsgi:application": "probe_app:app", "0.0.0.0:8000": "127.0.0.1:{port}",
             "3": "1"}.get(arg, arg) for arg in command[1:]]
    server = _serving([sys.executable, "-m", "gunicorn", *args, "--pythonpath", str(tmp_path)],
                      tmp_path, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{server.port}"
        assert _get(f"{base}/cases/?search={NAME}+Quill&page=2",
                    Referer=f"{base}/cases/?search={NAME}") == 200
        assert _get(f"{base}/boom/?search={NAME}") == 500
    finally:
        access, errors = server.stop_once_logged('"GET /cases/ HTTP/1.1" 200', '" 500 ',
                                                 "Error handling request GET /boom/")
    assert '"GET /cases/ HTTP/1.1" 200' in access and '" 500 ' in access
    assert "Error handling request GET /boom/\n" in errors
    assert NAME not in access and NAME not in errors


def _runserver(tmp_path) -> Server:
    """``runserver`` as make run starts it, with make run's SQLite in ``tmp_path``."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL")}
    return _serving(
        [sys.executable, "manage.py", "runserver", "127.0.0.1:{port}", "--noreload",
         "--skip-checks"],
        tmp_path, cwd=ROOT, env={**env, "VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"})


def test_make_runs_server_logs_paths_without_query_strings(tmp_path):
    server = _runserver(tmp_path)
    logged = '"GET /static/css/service.css HTTP/1.1" 200'
    try:
        assert _get(f"http://127.0.0.1:{server.port}/static/css/service.css?search={NAME}"
                    ) == 200
    finally:
        out, err = server.stop_once_logged(logged)
    assert logged in err
    assert NAME not in out + err
