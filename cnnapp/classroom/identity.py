"""Who is signed in: an owner id from the identity provider's issuer and subject, and the lecturers.

In class mode the owner of a student's jobs and runs is `owner_id(issuer, subject)`: the same person
gets the same owner on any browser or device, and nothing in a URL can name another person's work.
Lecturers are the emails listed in `CNNAPP_LECTURERS` (or a `lecturers` list in the `[cnnapp]`
section of `.streamlit/secrets.toml`); where the provider says whether an email is verified, it must
be.

Example:
    >>> person = person_from_claims({"iss": "https://sso.uni.es", "sub": "42", "email": "a@uni.es"},
    ...                             lecturers={"a@uni.es"})
    >>> person.is_lecturer, person.owner.startswith("u-")
    (True, True)
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cnnapp.classroom.jsonfile import read_json, write_json
from cnnapp.settings import get_settings

OWNER_PATTERN = re.compile(r"u-[0-9a-f]{32}", re.ASCII)  # a signed-in person's owner id


class IdentityError(ValueError):
    """The identity provider's claims cannot name a person (no issuer or no subject)."""


def owner_id(issuer: str, subject: str) -> str:
    """The owner id of a signed-in person: `u-` and 32 hex digits of a hash of issuer and subject.

    Raises:
        IdentityError: if the issuer or the subject is empty.
    """
    if not issuer or not subject:
        raise IdentityError(
            f"The sign-in gave issuer {issuer!r} and subject {subject!r}; both are needed to "
            "know who you are. Sign in again, or ask the lecturer to check the provider."
        )
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return f"u-{digest[:32]}"


def is_person(owner: str) -> bool:
    """True if `owner` is a signed-in person's id (not a desk-mode session or "cli")."""
    return isinstance(owner, str) and OWNER_PATTERN.fullmatch(owner) is not None


def lecturer_emails(secrets_lecturers: Iterable[str] | str | None = None) -> frozenset[str]:
    """The lecturers' emails, lower case: `CNNAPP_LECTURERS` plus the secrets' `[cnnapp] lecturers`."""
    found = set(get_settings().lecturers)
    if isinstance(secrets_lecturers, str):
        secrets_lecturers = secrets_lecturers.split(",")
    found.update(
        str(email).strip().lower() for email in secrets_lecturers or () if str(email).strip()
    )
    return frozenset(found)


@dataclass(frozen=True)
class Person:
    """A signed-in person, as the app shows them."""

    owner: str  # `owner_id(issuer, subject)`
    name: str  # the provider's name, else the email, else the subject
    email: str  # lower case; "" when the provider sent none
    is_lecturer: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def person_from_claims(claims: Mapping[str, Any], lecturers: Iterable[str] = ()) -> Person:
    """The person an ID token's claims (`st.user`) describe.

    Args:
        claims: the identity claims: `iss` and `sub` (required), `email`, `email_verified`,
            `name`.
        lecturers: the lecturers' emails (lower case).

    Raises:
        IdentityError: without an issuer or a subject.
    """
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified", True) in (True, "true", "True", 1)
    name = str(claims.get("name") or email or subject)
    lecturer = bool(email) and verified and email in {e.lower() for e in lecturers}
    return Person(owner_id(issuer, subject), name, email, lecturer)


def session_expired(
    claims: Mapping[str, Any], signed_in_at: float, session_hours: float, now: float | None = None
) -> bool:
    """True when the ID token's `exp` has passed, or the session is older than `session_hours`.

    Streamlit keeps the identity in a cookie and does not check the token's expiry itself.

    Args:
        claims: the identity claims (`exp` and `iat` in seconds since the epoch, when present).
        signed_in_at: when this app first saw the session signed in (seconds since the epoch).
        session_hours: the longest session the lecturer allows.
        now: the current time (default `time.time()`).
    """
    now = time.time() if now is None else now
    expires = _number(claims.get("exp"))
    if expires is not None and now >= expires:
        return True
    started = _number(claims.get("iat"))
    started = signed_in_at if started is None else min(started, signed_in_at)
    return now - started > session_hours * 3600


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


class People:
    """Who has signed in (owner id -> name and email), so a lecturer sees names, not hashes.

    Kept in `<data dir>/class/people.json`; writes are atomic and best effort.
    """

    def __init__(self, root: Path | str | None = None) -> None:
        self.path = Path(root or get_settings().data_dir / "class") / "people.json"

    def all(self) -> dict[str, dict[str, Any]]:
        """owner id -> `{"name", "email", "is_lecturer", "last_seen"}`."""
        data = read_json(self.path, {})
        return {k: v for k, v in data.items() if is_person(k) and isinstance(v, dict)}

    def name_of(self, owner: str) -> str:
        """The person's name, or the owner id itself when unknown ("cli" for the command line)."""
        entry = self.all().get(owner)
        return str(entry.get("name") or entry.get("email") or owner) if entry else owner

    def remember(self, person: Person) -> None:
        people = self.all()
        entry = {"name": person.name, "email": person.email, "is_lecturer": person.is_lecturer}
        if {k: people.get(person.owner, {}).get(k) for k in entry} == entry:
            return  # unchanged: no write on every page run
        people[person.owner] = {**entry, "last_seen": time.strftime("%Y-%m-%dT%H:%M:%S")}
        write_json(self.path, people)
