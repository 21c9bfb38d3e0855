"""AppTest: a photo over CNNAPP_MAX_UPLOAD_BYTES is refused on Classify, naming both sizes."""

from pathlib import Path

from _imagefactory import image_bytes
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_a_photo_over_the_upload_limit_is_refused_before_decoding(monkeypatch):
    monkeypatch.setenv("CNNAPP_MAX_UPLOAD_BYTES", "1000000")
    photo = image_bytes("BMP", (640, 640))  # 1,228,854 bytes: BMP does not compress
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/6_Classify.py").run()
    at.file_uploader(key="w_classify_upload").set_value(("big.bmp", photo, "image/bmp"))
    at.run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "is 1.2 MB, more than the 1.0 MB allowed" in message
