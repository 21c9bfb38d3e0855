"""Class mode's identity: owner ids from issuer and subject, lecturers, session expiry, publishing."""

from __future__ import annotations

import pytest

from cnnapp.classroom.identity import (
    IdentityError,
    People,
    is_person,
    lecturer_emails,
    owner_id,
    person_from_claims,
    session_expired,
)
from cnnapp.classroom.published import Publications

ISS = "http://127.0.0.1:9400"


def test_the_owner_follows_issuer_and_subject_only():
    a = owner_id(ISS, "alice")
    assert a == owner_id(ISS, "alice") and is_person(a)
    assert a != owner_id(ISS, "bob") and a != owner_id("https://other.example", "alice")
    assert not is_person(a + "\n") and not is_person("cli") and not is_person("a" * 32)
    with pytest.raises(IdentityError, match="issuer"):
        owner_id("", "alice")


def test_lecturers_need_a_listed_and_verified_email(monkeypatch):
    monkeypatch.setenv("CNNAPP_LECTURERS", "Prof@Uni.es, other@uni.es")
    lecturers = lecturer_emails(["from-secrets@uni.es"])
    assert lecturers == {"prof@uni.es", "other@uni.es", "from-secrets@uni.es"}
    claims = {"iss": ISS, "sub": "p1", "email": "PROF@uni.es", "name": "Prof. Ruiz"}
    assert person_from_claims(claims, lecturers).is_lecturer
    assert not person_from_claims({**claims, "email_verified": False}, lecturers).is_lecturer
    assert person_from_claims({**claims, "email_verified": True}, lecturers).is_lecturer
    student = person_from_claims({"iss": ISS, "sub": "s1", "email": "s@uni.es"}, lecturers)
    assert not student.is_lecturer and student.name == "s@uni.es"
    assert person_from_claims({"iss": ISS, "sub": "s2"}, lecturers).name == "s2"


def test_a_session_ends_when_the_token_expires_or_the_lecturers_session_length_passes():
    now = 1_000_000.0
    assert not session_expired({"exp": now + 60}, signed_in_at=now - 10, session_hours=1, now=now)
    assert session_expired({"exp": now - 1}, signed_in_at=now - 10, session_hours=1, now=now)
    assert session_expired({}, signed_in_at=now - 3601, session_hours=1, now=now)
    assert session_expired({"iat": now - 7200}, signed_in_at=now, session_hours=1, now=now)
    assert not session_expired({"exp": "soon"}, signed_in_at=now, session_hours=1, now=now)


def test_people_and_publications_are_kept_on_disk(tmp_path):
    people = People(tmp_path)
    person = person_from_claims({"iss": ISS, "sub": "s1", "email": "s@uni.es", "name": "Sara"})
    people.remember(person)
    assert People(tmp_path).name_of(person.owner) == "Sara"
    assert people.name_of("cli") == "cli"
    published = Publications(tmp_path)
    run_id = "r20261202-0900-0123456789abcdef"
    published.publish(run_id, by="Prof. Ruiz")
    assert Publications(tmp_path).ids() == {run_id}
    assert Publications(tmp_path).all()[run_id]["by"] == "Prof. Ruiz"
    with pytest.raises(ValueError, match="not a run id"):
        published.publish("../etc", by="x")
    published.unpublish(run_id)
    assert Publications(tmp_path).ids() == frozenset()
    (tmp_path / "published.json").write_text("[broken")
    assert Publications(tmp_path).ids() == frozenset()
