"""Class mode: sign-in through Streamlit's `st.login()` (OpenID Connect), and who is signed in.

Class mode is on when `.streamlit/secrets.toml` has Streamlit's own `[auth]` section; without it
the app is in desk mode (one person, `?session=` in the URL), as before. In class mode every page
requires sign-in, the owner of jobs and runs is the signed-in identity (`cnnapp.classroom.identity`),
and a session ends when the ID token expires or the lecturer's session length passes.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp.classroom import identity
from ui import keys
from ui.plain import plain
from ui.text import document_language, t


def _secrets_section(name: str) -> dict[str, Any]:
    try:
        section = st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets.toml at all, or an unreadable one
        return {}
    return dict(section) if section else {}


def class_mode() -> bool:
    """True when Streamlit's `[auth]` section is configured (a class server)."""
    return bool(_secrets_section("auth"))


def is_student() -> bool:
    """True when this session is signed in on a class server as a student (not a lecturer)."""
    state = st.session_state
    return state.get(keys.CLASS_MODE) is True and state.get(keys.IS_LECTURER) is not True


def lecturers() -> frozenset[str]:
    """`CNNAPP_LECTURERS` plus `lecturers` under `[cnnapp]` in secrets.toml."""
    return identity.lecturer_emails(_secrets_section("cnnapp").get("lecturers"))


def session_hours() -> float:
    """The longest session before signing in again: the class limits' (the lecturer's) value."""
    from cnnapp.classroom.limits import load_limits

    return float(load_limits().session_hours)


def signed_in_person(entry: bool = False) -> dict[str, Any] | None:
    """The signed-in person (`Person.to_dict()`) in class mode; None in desk mode.

    Draws the sign-in screen and stops the script when nobody is signed in, and signs out (asking
    to sign in again) when the session has expired.

    Args:
        entry: True in app.py: the sign-in screen is then the only page of the navigation, so
            not even the list of pages shows.
    """
    if not class_mode():
        return None
    if not st.user.is_logged_in:
        if entry:
            only = st.Page(sign_in_screen, title="CNN Lab", icon=":material/login:", default=True)
            st.navigation([only], position="hidden").run()
        else:
            sign_in_screen()
        st.stop()
    claims = st.user.to_dict()
    signed_in_at = st.session_state.setdefault(keys.SIGNED_IN_AT, time.time())
    if identity.session_expired(claims, signed_in_at, session_hours()):
        st.session_state.pop(keys.SIGNED_IN_AT, None)
        st.logout()
        st.stop()
    try:
        person = identity.person_from_claims(claims, lecturers())
    except identity.IdentityError as error:
        st.error(plain(error), icon=":material/error:")
        st.button(t("auth.sign_out"), on_click=st.logout)
        st.stop()
    identity.People().remember(person)
    return person.to_dict()


def sign_in_screen() -> None:
    """What a visitor who has not signed in sees: the app's name and a sign-in button."""
    st.title("CNN Lab")
    st.markdown(t("auth.intro"))
    if st.button(t("auth.sign_in"), type="primary", icon=":material/login:", key="w_sign_in"):
        st.login()
    document_language()


def account_ui() -> None:
    """In the sidebar: who is signed in, and the sign-out button (class mode only)."""
    person = st.session_state.get(keys.PERSON)
    if not person:
        return
    role = t("auth.lecturer") if person.get("is_lecturer") else t("auth.student")
    st.caption(t("auth.signed_in_as", name=plain(person.get("name") or "?"), role=role))
    st.button(t("auth.sign_out"), key="w_sign_out", on_click=st.logout, icon=":material/logout:")
