"""The lock files hold pyproject.toml's pins exactly, every package with its hashes, and
the production image's lock nothing only the tests need (scripts/lock.sh makes them)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        name, version = requirement.split("==")
        pins[re.sub(r"\[.*\]", "", name).lower().replace("_", "-")] = version
    return pins


def _locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes)."""
    locked, name = {}, None
    for line in path.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", line):
            name = match.group(1).lower().replace("_", "-")
            locked[name] = (match.group(2), 0)
        elif name and "--hash=sha256:" in line:
            version, hashes = locked[name]
            locked[name] = (version, hashes + 1)
    return locked


def test_the_locks_hold_the_pins_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _pins(project["dependencies"])
    dev = _pins(project["optional-dependencies"]["dev"])
    production, everything = (_locked(ROOT / "requirements.lock"),
                              _locked(ROOT / "requirements-dev.lock"))
    for lock, pins in ((production, runtime), (everything, runtime | dev)):
        for name, version in pins.items():
            assert lock.get(name, ("missing",))[0] == version, name
        assert all(hashes for _version, hashes in lock.values())
    assert not set(dev) & set(production)  # pytest and the rest stay out of the image
    assert set(production) < set(everything)
