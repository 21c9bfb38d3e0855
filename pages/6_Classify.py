"""Classify: a photo (upload or webcam) through a saved run or a pretrained ImageNet network: its
top 5, the image as the model sees it, and what the network looked at."""

from ui import nav

nav.announce(__file__)  # a fresh server's first request: "Loading…" before the imports

import hashlib

import streamlit as st

from cnnapp import charts
from cnnapp.data.images import ImageError, load_image
from cnnapp.inspect.classify import in_words
from cnnapp.nets.weights import WeightsUnavailableError
from cnnapp.runs import RunNotFound, RunStoreError
from ui import lang, nav, page, plot, t
from ui.images import enlarge
from ui.plain import plain, plain_column
from ui.views import classify

IMAGE_TYPES = ["jpg", "jpeg", "png", "bmp", "webp", "gif"]


def photo_ui():
    """An uploaded photo, or one from the webcam; returns its bytes or None."""
    upload = st.file_uploader(t("classify.upload"), type=IMAGE_TYPES, key="w_classify_upload")
    if st.toggle(t("classify.use_camera"), key="w_classify_camera_on"):
        shot = st.camera_input(t("classify.camera"), key="w_classify_camera")
        if shot is not None:
            return shot.getvalue()
    return None if upload is None else upload.getvalue()


def predict(choice, image):
    """The model's top 5 for one image, the image as the model sees it, and the classifier."""
    with st.spinner(t("classify.loading_model")):
        classifier = classify.classifier(choice)
        top = in_words(classifier.top(image, k=5))  # "bald eagle", not bald_eagle
    return top, classifier.model_input(image)[0], classifier


def result_ui(choice, image, seen, top, names) -> None:
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.image(image, caption=t("classify.original"), width=280, alt=t("classify.original"))
        factor = max(1, 128 // seen.shape[0])
        as_seen = t("classify.as_seen", size=f"{seen.shape[0]}×{seen.shape[1]}")
        st.image(enlarge(seen.astype("uint8"), factor), caption=as_seen, alt=as_seen)
    with right:
        frame = charts.top_k_frame(top)
        plot.show(charts.top_k_chart(frame, lang()), "w_classify_chart")
        st.caption(charts.top_k_summary(plain_column(frame, "label"), lang()))
        classify.knows_ui(choice, names, top)
        if top and top[0]["probability"] < 0.5:
            st.warning(t("classify.unsure"))


def main() -> None:
    page.start("classify.title", __file__)
    saved = classify.saved_runs()
    runs = [run for run in saved if run.status == "ok"]
    if not runs:
        st.info(t("classify.no_runs"))
        nav.link("train", t("compare.go_train"))
    classify.damaged_ui([run for run in saved if run.status != "ok"])
    available = classify.availability()
    choice = classify.model_choice_ui(runs, available)
    data = photo_ui()
    if data is None:
        classify.availability_ui(runs, available)
        names = classify.class_names(choice)
        st.caption(t("classify.hint", count=1000 if names is None else len(names)))
        return
    # One section per photo and model: a new photo replaces the last one's result and
    # explanations at once (an empty slot), instead of leaving them faded under the new one.
    digest = hashlib.sha256(data + str(choice.imagenet or choice.run.run_id).encode()).hexdigest()
    with st.empty().container(key=f"w_classify_result_{digest[:16]}"):
        result_section(choice, data)


def result_section(choice, data: bytes) -> None:
    try:
        image = load_image(data)
        top, seen, classifier = predict(choice, image)
    except ImageError as error:
        st.error(t("classify.bad_image", error=plain(error)), icon=":material/broken_image:")
        return
    except WeightsUnavailableError as error:
        classify.weights_error_ui(choice, error)
        return
    except (RunNotFound, RunStoreError, ValueError) as error:
        st.error(t("classify.model_failed", error=plain(error)), icon=":material/error:")
        return
    result_ui(choice, image, seen, top, classifier.class_names)
    classify.explain_ui(classifier.model, seen.astype("float32"), top)


main()
