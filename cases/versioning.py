"""Frozen versions that people sign or approve: the snapshot's hash, and the check that what
someone read is still the version they act on. Shared by the rapid review's sign-off and
the LCSPR's overview report approval, so both bind a decision to a hash the same way."""

from __future__ import annotations

import hashlib
import json

from .services import CaseError


def snapshot_sha256(snapshot: dict) -> str:
    """The SHA-256 of a snapshot as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def read_hash_check(*, read_sha256: str, version, what: str = "report") -> None:
    """Refuse a decision on a version that is void, or whose hash is not the one read."""
    if getattr(version, "voided_at", None):
        raise CaseError("This version is no longer current: read the current version")
    if read_sha256 != version.content_sha256:
        raise CaseError(f"The {what} changed while you were reading it: read version "
                        f"{version.number} again")


def posted_before(model, *, form_token, actor, by: str):
    """What the same decision form recorded when it was posted before (a double click, the
    back button), asked under the version's lock so two posts at once record once; someone
    else's token is refused. ``by``: the field naming who recorded it."""
    if form_token is None:
        return None
    earlier = model.objects.filter(form_token=form_token).first()
    if earlier is not None and getattr(earlier, f"{by}_id") != actor.pk:
        raise CaseError("This form has already been used: reload the page and try again")
    return earlier
