"""Classify: a photo (upload or webcam) through a saved model: what it sees, and its top 5."""

import streamlit as st

from cnnapp import charts
from cnnapp.classify import ImageError, load_image, to_model_input, top_k
from cnnapp.runs import RunNotFound, RunStoreError
from ui import data_ui, keys, lang, nav, page, plot, resources, t

IMAGE_TYPES = ["jpg", "jpeg", "png", "bmp", "webp", "gif"]


def model_choice_ui(runs):
    """The saved run to classify with (the session's own and the command line's)."""
    titles = {run.run_id: _title(run) for run in runs}
    saved = st.session_state[keys.CLASSIFY_RUN]
    keys.seed("w_classify_run", saved if saved in titles else next(iter(titles)))
    if st.session_state["w_classify_run"] not in titles:
        st.session_state["w_classify_run"] = next(iter(titles))
    run_id = st.selectbox(
        t("classify.model"), list(titles), format_func=titles.get, key="w_classify_run"
    )
    st.session_state[keys.CLASSIFY_RUN] = run_id
    return next(run for run in runs if run.run_id == run_id)


def _title(run) -> str:
    accuracy = run.metrics.get("test_accuracy")
    score = "" if accuracy is None else f" · test {accuracy:.2f}"
    when = run.created_at[5:16].replace("T", " ")
    return f"{run.label or run.config.get('network_name') or run.run_id} · {when}{score}"


def photo_ui():
    """An uploaded photo, or one from the webcam; returns its bytes or None."""
    upload = st.file_uploader(t("classify.upload"), type=IMAGE_TYPES, key="w_classify_upload")
    if st.toggle(t("classify.use_camera"), key="w_classify_camera_on"):
        shot = st.camera_input(t("classify.camera"), key="w_classify_camera")
        if shot is not None:
            return shot.getvalue()
    return None if upload is None else upload.getvalue()


def predict(run, image):
    """The model's top 5 for one image, and the image as the model sees it."""
    input_shape = run.config.get("input_shape") or [32, 32, 3]
    x = to_model_input(image, (int(input_shape[0]), int(input_shape[1])))
    with st.spinner(t("classify.loading_model")):
        model = resources.model(run.run_id, keys.owner())
        probabilities = model.predict(x, verbose=0)[0]
    return top_k(probabilities, run.config.get("class_names") or [], k=5), x[0]


def result_ui(image, seen, top, class_names) -> None:
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.image(image, caption=t("classify.original"), width=280)
        factor = max(1, 128 // seen.shape[0])
        st.image(
            data_ui.enlarge(seen.astype("uint8"), factor),
            caption=t("classify.as_seen", size=f"{seen.shape[0]}×{seen.shape[1]}"),
        )
    with right:
        frame = charts.top_k_frame(top)
        plot.show(charts.top_k_chart(frame, lang()), "w_classify_chart")
        st.caption(charts.top_k_summary(frame, lang()))
        st.info(
            t("classify.only_knows", count=len(class_names), classes=", ".join(class_names)),
            icon=":material/lightbulb:",
        )
        if top and top[0]["probability"] < 0.5:
            st.warning(t("classify.unsure"))


def main() -> None:
    page.start("classify.title", __file__)
    runs = [run for run in resources.run_store().list(keys.owner()) if run.status == "ok"]
    if not runs:
        st.info(t("classify.no_models"))
        nav.link("train", t("compare.go_train"))
        return
    run = model_choice_ui(runs)
    class_names = [str(name) for name in run.config.get("class_names") or []]
    data = photo_ui()
    if data is None:
        st.caption(t("classify.hint", count=len(class_names)))
        return
    try:
        image = load_image(data)
        top, seen = predict(run, image)
    except ImageError as error:
        st.error(t("classify.bad_image", error=str(error)), icon=":material/broken_image:")
        return
    except (RunNotFound, RunStoreError, ValueError) as error:
        st.error(t("classify.model_failed", error=str(error)), icon=":material/error:")
        return
    result_ui(image, seen, top, class_names)


main()
