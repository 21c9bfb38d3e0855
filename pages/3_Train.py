"""Train: preprocessing and training settings, Start and Stop, the job live as it trains."""

from ui import nav

nav.announce(__file__)  # a fresh server's first request: "Loading…" before the imports

import streamlit as st

from cnnapp.nets.spec import NetworkError, summarize
from cnnapp.training import is_feature_extractor, job_kind, make_job_spec
from ui import keys, nav, page, resources, run_settings, t
from ui.dataset import dataset_label, dataset_shape
from ui.plain import plain
from ui.submit import submit
from ui.views import train


def network_ui() -> bool:
    """What will be trained, on what; False (with the reason shown) if it cannot be trained."""
    spec = st.session_state[keys.SPEC]
    name = st.session_state[keys.NETWORK_NAME] or t("train.custom_network")
    ref = st.session_state[keys.DATASET]
    input_shape, num_classes, _ = dataset_shape()
    try:
        summary = summarize(spec, input_shape, num_classes)
    except NetworkError as error:
        st.error(t("train.invalid_network", error=plain(error)), icon=":material/error:")
        nav.link("build", t("train.fix_in_build"))
        return False
    limit = ref.get("limit")
    st.markdown(
        t(
            "train.what",
            network=plain(name),
            params=summary.total_params,
            dataset=dataset_label(ref["name"]),
            limit=t("train.limit", limit=limit) if limit else "",
        )
    )
    cols = st.columns(2)
    with cols[0]:
        nav.link("build", t("train.change_network"))
    with cols[1]:
        nav.link("data", t("train.change_dataset"))
    return True


def start_job(preprocessing, config) -> str | None:
    """Submits the session's network as a training job; returns an error message or None."""
    running = train.running_job()
    if running is not None:  # a second click (or a second tab) never starts a second job
        keys.set_job(running.id)
        return t("train.already_running")
    network = st.session_state[keys.SPEC]
    names = {
        "label": st.session_state[keys.RUN_LABEL].strip(),
        "network_name": st.session_state[keys.NETWORK_NAME],
        "owner": keys.owner(),
    }
    try:
        dataset = st.session_state[keys.DATASET]
        spec = make_job_spec(network, dataset, preprocessing, config, **names)
        job_id = submit(spec)  # a student's job must fit the class limits
    except (ValueError, RuntimeError) as error:
        return str(error)
    keys.set_job(job_id)
    st.session_state[keys.JOB_DONE_SEEN] = None
    return None


def transfer_note_ui(preprocessing, config) -> None:
    """How a network that starts with a frozen backbone will be trained."""
    if not is_feature_extractor(st.session_state[keys.SPEC]) or isinstance(config, str):
        return
    if job_kind(st.session_state[keys.SPEC], preprocessing) == "extract":
        percent = round(100 * config.validation_split)
        st.info(t("train.extract_note", percent=percent), icon=":material/bolt:")
    else:
        st.warning(t("train.extract_augment_note"), icon=":material/hourglass_top:")


def controls_ui(preprocessing, config, can_train: bool) -> None:
    """The run's label, Start and Stop."""
    st.text_input(
        t("train.label"),
        placeholder=t("train.label_placeholder"),
        **keys.bind(keys.RUN_LABEL_WIDGET, keys.RUN_LABEL),
    )
    status = train.current_status()
    running = status is not None and not status.done
    buttons = st.container(horizontal=True)  # each as wide as its label: none is cut
    start = buttons.button(
        t("train.start"),
        type="primary",
        key="w_train_start",
        disabled=running or not can_train,
        icon=":material/play_arrow:",
    )
    stop = buttons.button(
        t("train.stop"),
        key="w_train_stop",
        disabled=not running or status.state == "stopping",
        icon=":material/stop:",
    )
    if start:
        error = start_job(preprocessing, config)
        if error:
            st.error(plain(error))
        else:
            st.rerun()
    if stop and status is not None:
        resources.executor().cancel(status.id, keys.owner())
        st.rerun()


def main() -> None:
    page.start("train.title", __file__)
    if not st.session_state.get(keys.JOB):  # this student's job from a reload, another tab or
        running = train.running_job()  # (behind one address) another of the class's servers
        if running is not None:
            keys.set_job(running.id)
    can_train = network_ui()
    left, right = st.columns(2, gap="large")
    with left:
        st.header(t("train.preprocessing"))
        preprocessing = run_settings.preprocessing_ui()
    with right:
        st.header(t("train.settings"))
        config = run_settings.train_config_ui()
    if isinstance(config, str):
        st.error(config)
        can_train = False
    transfer_note_ui(preprocessing, config)
    controls_ui(preprocessing, config, can_train)
    train.job_panel()


main()
