"""The session's work in progress, kept per owner on the server, and share links.

`restore()` (once per session, when the owner is known) puts the owner's saved network, dataset,
preprocessing, training settings and run label back into session state; `persist()` saves them
when they changed (page start and the end of every run). A `?net=` share link is read by
`share_prompt()`, which asks before replacing the network being built.
"""

from __future__ import annotations

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import workspace
from ui import keys
from ui.plain import plain
from ui.text import t

QUERY_NET = keys.QUERY_NET
# workspace field -> session-state key
STATE_KEYS = {
    "spec": keys.SPEC,
    "network_name": keys.NETWORK_NAME,
    "preset": keys.PRESET,
    "dataset": keys.DATASET,
    "preprocessing": keys.PREPROCESSING,
    "train_config": keys.TRAIN_CONFIG,
    "run_label": keys.RUN_LABEL,
}


def _store() -> workspace.Workspaces:
    return workspace.Workspaces()


def current() -> dict:
    """This session's workspace, as plain data."""
    state = st.session_state
    return {field: state.get(key) for field, key in STATE_KEYS.items() if key in state}


def apply(fields: dict) -> None:
    """Puts workspace `fields` into session state; widgets reseed from them."""
    state = st.session_state
    for field, value in fields.items():
        state[STATE_KEYS[field]] = value
    if "spec" in fields:
        state[keys.SPEC_VERSION] = state.get(keys.SPEC_VERSION, 0) + 1
    for prefix in (keys.TRAIN_WIDGETS, keys.PRE_WIDGETS, keys.DATA_WIDGETS):
        keys.forget_widgets(prefix)  # seeded widgets take the restored values


def restore() -> None:
    """Once per session and owner: the owner's saved workspace, if any, replaces the defaults."""
    state = st.session_state
    owner = state.get(keys.OWNER)
    if not owner or state.get(keys.WORKSPACE_OWNER) == owner:
        return
    state[keys.WORKSPACE_OWNER] = owner
    saved = _store().load(owner)
    if saved:
        apply(saved)
    state[keys.WORKSPACE_SAVED] = workspace.clean(current())


def persist() -> None:
    """Saves the session's workspace for its owner when it changed since the last save."""
    state = st.session_state
    owner = state.get(keys.OWNER)
    if not owner or state.get(keys.WORKSPACE_OWNER) != owner:
        return  # not restored yet: saving now would overwrite the owner's work with defaults
    now = workspace.clean(current())
    if now != state.get(keys.WORKSPACE_SAVED):
        state[keys.WORKSPACE_SAVED] = _store().save(owner, now)


def share_url() -> str:
    """A link to this app that opens the network and settings being built (raises ValueError)."""
    code = workspace.share_code(current())
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{QUERY_NET}={code}"


def share_prompt() -> None:
    """Reads a `?net=` link once and asks before replacing the network being built."""
    state = st.session_state
    params = st.query_params
    code = state.pop(keys.SHARE_CODE, None)
    if QUERY_NET in params:
        code = params.get(QUERY_NET, "") or code
        del params[QUERY_NET]
    if code is not None:
        try:
            state[keys.SHARE_PENDING] = workspace.read_share_code(code)
        except ValueError as error:
            state[keys.SHARE_PENDING] = None
            st.error(plain(error), icon=":material/link_off:")
    pending = state.get(keys.SHARE_PENDING)
    if not pending:
        return
    name = pending.get("network_name") or t("share.unnamed")
    with st.container(border=True):
        st.markdown(t("share.ask", name=plain(name), layers=len(pending["spec"])))
        cols = st.columns(2)
        if cols[0].button(t("share.replace"), key="w_share_replace", type="primary"):
            apply(pending)
            state[keys.SHARE_PENDING] = None
            persist()
            st.rerun()
        if cols[1].button(t("share.keep"), key="w_share_keep"):
            state[keys.SHARE_PENDING] = None
            st.rerun()


def share_ui() -> None:
    """Build's "Share link": the URL that hands this network and its settings to a class."""
    with st.popover(t("share.button"), icon=":material/link:", help=t("share.help")):
        try:
            url = share_url()
        except ValueError as error:
            st.error(plain(error))
            return
        st.caption(t("share.caption"))
        st.code(url, language=None, wrap_lines=True)
