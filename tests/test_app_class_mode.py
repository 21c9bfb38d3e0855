"""Class mode with AppTest and a faked `st.user`: sign-in first, the owner is the identity.

The real sign-in, through a local OpenID Connect provider in Chromium, is tests/test_e2e_signin.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnnapp.classroom.identity import owner_id

APP = Path(__file__).resolve().parent.parent / "app.py"
ISS = "http://127.0.0.1:9400"
AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "a-test-secret",
        "client_id": "cnnlab",
        "client_secret": "secret",
        "server_metadata_url": f"{ISS}/.well-known/openid-configuration",
    },
    "cnnapp": {"lecturers": ["prof@uni.test"]},
}


def _app(user: dict | None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets = AUTH
    at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True, **user}
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def _student(sub: str, **claims) -> dict:
    return {"iss": ISS, "sub": sub, "email": f"{sub}@uni.test", "exp": time.time() + 3600, **claims}


def _buttons(at) -> list[str]:
    return [b.label for b in at.button]


def test_a_visitor_sees_a_sign_in_button_and_nothing_else():
    at = _app(None)
    assert not at.exception
    assert _buttons(at) == ["Sign in"]
    assert [t.value for t in at.title] == ["CNN Lab"]
    assert not at.sidebar.button and not at.dataframe
    page = AppTest.from_file(str(APP.parent / "pages" / "4_Compare.py"), default_timeout=60)
    page.secrets, page.user = AUTH, {"is_logged_in": False}
    page.run()  # a page's address typed in directly
    assert not page.exception and _buttons(page) == ["Sign in"] and not page.dataframe


def test_the_owner_is_the_identity_never_the_url():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets = AUTH
    at.user = {"is_logged_in": True, **_student("ana")}
    at.query_params["session"] = "0123456789abcdef0123456789abcdef"  # someone's desk token
    at.run()
    assert not at.exception
    assert at.session_state["owner"] == owner_id(ISS, "ana")
    assert "session" not in at.query_params  # the URL carries no session in class mode
    shown = [c.value.replace("\\", "") for c in at.sidebar.caption]  # as Markdown renders it
    assert any("ana@uni.test (student)" in text for text in shown)
    assert "Sign out" in [b.label for b in at.sidebar.button]


def test_an_expired_token_signs_out_and_asks_to_sign_in_again():
    at = _app(_student("ana", exp=time.time() - 5))
    assert not at.exception
    assert at.user == {"is_logged_in": False}  # st.logout() was called
    at.run()
    assert _buttons(at) == ["Sign in"]


def test_a_lecturer_has_the_class_page_a_student_does_not():
    lecturer = _app({"iss": ISS, "sub": "p", "email": "prof@uni.test", "exp": time.time() + 60})
    assert lecturer.session_state["is_lecturer"] is True
    student = _app(_student("ana"))
    assert student.session_state["is_lecturer"] is False
    unverified = _app({"iss": ISS, "sub": "x", "email": "prof@uni.test", "email_verified": False})
    assert unverified.session_state["is_lecturer"] is False


@pytest.mark.parametrize("page", ["pages/3_Train.py", "pages/6_Classify.py"])
def test_pages_render_for_a_signed_in_student(page):
    at = _app(_student("ana"), page)
    assert not at.exception, [e.value for e in at.exception]


def _seed_run(owner: str, label: str) -> str:
    from cnnapp.runs import RunStore

    return RunStore().save(
        model=lambda path: path.write_bytes(b"stand-in"),
        spec=[{"type": "flatten"}, {"type": "dense", "units": 4}],
        config={"owner": owner, "label": label, "dataset": {"name": "procedural"},
                "class_names": ["a", "b"], "input_shape": [32, 32, 3], "status": "completed"},
        history={"epochs": [{"epoch": 1, "loss": 1.0, "accuracy": 0.5, "val_accuracy": 0.6}]},
        metrics={"train_loss": 1.0, "train_accuracy": 0.5, "val_accuracy": 0.6, "epochs_run": 1},
    )  # fmt: skip


def _labels(at) -> set[str]:
    return {str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()}


def test_the_lecturer_sees_the_class_and_publishes_a_run_students_then_see_read_only():
    _seed_run(owner_id(ISS, "ana"), "Ana's run")
    ben_run = _seed_run(owner_id(ISS, "ben"), "Ben's run")
    ana = _app(_student("ana"), "pages/4_Compare.py")
    assert "Ana's run" in _labels(ana) and "Ben's run" not in _labels(ana)
    ana.switch_page("pages/7_Class.py").run()  # a student who types the Class page's address
    assert [e.value for e in ana.error] == [
        "Only the class's lecturers see this page. Sign in with a lecturer's account."
    ]
    assert not ana.dataframe
    lecturer = {"iss": ISS, "sub": "p", "email": "prof@uni.test", "name": "Prof. Ruiz"}
    prof = _app(lecturer, "pages/7_Class.py")
    assert not prof.exception, [e.value for e in prof.exception]
    assert {"Ana's run", "Ben's run"} <= _labels(prof)
    prof.selectbox(key="w_class_run").set_value(ben_run).run()
    prof.button(key="w_class_publish").click().run()
    assert not prof.exception
    ana = _app(_student("ana"), "pages/4_Compare.py")
    assert {"Ana's run", "Ben's run", "published by Prof. Ruiz"} <= _labels(ana)
    from cnnapp.runs import RunStore

    assert RunStore().get(ben_run).owner == owner_id(ISS, "ben")  # publishing changes no owner
    # The lecturer may delete any run, after saying so.
    prof.checkbox(key="w_class_delete_sure").check().run()
    prof.button(key="w_class_delete").click().run()
    assert not prof.exception
    assert [run.label for run in RunStore().list()] == ["Ana's run"]


def test_a_students_job_over_a_class_limit_is_refused_with_the_limit_named():
    from cnnapp.classroom.limits import ClassLimits, save_limits

    save_limits(ClassLimits(max_epochs=5))  # the lecturer's limit; Train's default is 20 epochs
    at = _app(_student("ana"), "pages/3_Train.py")
    at.button(key="w_train_start").click().run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("20 epochs" in e and "limit is 5" in e for e in errors), errors
    assert "job_id" not in at.session_state or not at.session_state["job_id"]
    # A lecturer is not limited.
    prof = _app({"iss": ISS, "sub": "p", "email": "prof@uni.test"}, "pages/3_Train.py")
    prof.button(key="w_train_start").click().run()
    assert not prof.error and prof.session_state["job_id"]
    from ui import resources

    resources.shutdown_executor()  # its worker process ends here, not in a later test
