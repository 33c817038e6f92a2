"""docker-compose.yml as operations need it (docker is not on the test machines, so the file
is read as YAML; `make lint` runs `docker-compose config` where it is installed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

COMPOSE = Path(settings.BASE_DIR) / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())  # merge keys (<<) resolved


def _seconds(duration: str) -> int:
    parts = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", duration)
    assert parts and duration, duration
    return int(parts[1] or 0) * 60 + int(parts[2] or 0)


def test_migrate_completes_before_web_worker_and_beat_start(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert "migrate" not in services["migrate"]["depends_on"]
    assert services["migrate"]["restart"] == "no"


def test_the_app_connects_as_a_role_that_is_not_the_owner_and_migrate_grants_it(compose):
    services = compose["services"]
    owner = services["db"]["environment"]["POSTGRES_USER"]
    for name in APP_SERVICES:
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://spr_app:")
    for name in (*APP_SERVICES, "migrate"):  # env_file (.env) would pass it on
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["POSTGRES_PASSWORD"] == ""
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"].startswith(f"postgres://{owner}:")
    assert migrate["environment"]["DATABASE_STATEMENT_TIMEOUT"] == "0"
    assert "db_grant_app_role spr_app" in " ".join(migrate["command"])
    init = [v for v in services["db"]["volumes"] if "docker-entrypoint-initdb.d" in v]
    script = Path(settings.BASE_DIR) / init[0].split(":")[0] / "10-app-role.sh"
    assert "CREATE ROLE spr_app LOGIN" in script.read_text()


def test_stopping_waits_longer_than_a_task_and_a_request(compose):
    services = compose["services"]
    assert _seconds(services["worker"]["stop_grace_period"]) > settings.CELERY_TASK_TIME_LIMIT
    assert _seconds(services["worker"]["stop_grace_period"]) > 4 * settings.EMAIL_TIMEOUT
    web = services["web"]
    graceful = int(web["command"][web["command"].index("--graceful-timeout") + 1])
    assert _seconds(web["stop_grace_period"]) > graceful


def test_one_beat_and_healthchecks_on_the_app_services(compose):
    services = compose["services"]
    assert services["beat"]["container_name"]  # a fixed name cannot be scaled to two
    assert "deploy" not in services["beat"]
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    assert services["beat"]["healthcheck"]["test"][-2:] == ["health", "--worker"]


def test_two_web_and_two_worker_containers_without_clashing_names_or_ports(compose):
    """docs/scaling.md: each web container gets its own host port from a range."""
    services = compose["services"]
    for name in ("web", "worker"):
        assert services[name]["deploy"]["replicas"].endswith(":-2}")
        assert "container_name" not in services[name]
    [ports] = services["web"]["ports"]
    host, _, container = ports.rpartition(":")
    first, last = (int(p) for p in host.rsplit(":", 1)[-1].split("-"))
    assert container == "8000" and last - first + 1 >= 2
    assert "ports" not in services["worker"]


def test_files_live_in_the_database_so_no_media_volume(compose):
    assert set(compose["volumes"]) == {"pgdata", "redisdata"}
    for service in compose["services"].values():
        assert not any("media" in volume for volume in service.get("volumes", []))
