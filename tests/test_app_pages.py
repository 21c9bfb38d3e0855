"""Every page renders in English and Spanish, and rendering never imports TensorFlow.

Run in a fresh interpreter, since other tests in this process import Keras on purpose.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "pages/1_Data.py",
    "pages/2_Build.py",
    "pages/3_Train.py",
    "pages/4_Compare.py",
    "pages/5_Reproduce.py",
    "pages/6_Classify.py",
]

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from streamlit.testing.v1 import AppTest

    report = {}
    for lang in ("en", "es"):
        at = AppTest.from_file(sys.argv[1], default_timeout=60)
        at.query_params["lang"] = lang
        at.run()  # the landing page
        report[f"{lang} home"] = {
            "exception": [e.value for e in at.exception],
            "title": [t.value for t in at.title],
            "errors": [e.value for e in at.error],
        }
        for page in json.loads(sys.argv[2]):
            at.switch_page(page).run()
            report[f"{lang} {page}"] = {
                "exception": [e.value for e in at.exception],
                "title": [t.value for t in at.title],
                "errors": [e.value for e in at.error],
            }
    report["imported"] = sorted(m for m in ("tensorflow", "keras", "jax") if m in sys.modules)
    print("REPORT" + json.dumps(report))
    """
)


def test_every_page_renders_in_both_languages_without_tensorflow(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT / "app.py"), json.dumps(PAGES)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=180,
    )
    line = next((x for x in completed.stdout.splitlines() if x.startswith("REPORT")), None)
    assert line, completed.stderr[-3000:]
    report = json.loads(line.removeprefix("REPORT"))
    assert report.pop("imported") == []
    titles = set()
    for name, page in report.items():
        assert page["exception"] == [], name
        assert page["errors"] == [], name
        assert len(page["title"]) == 1, name
        titles.add(page["title"][0])
    assert len(titles) == 2 * (len(PAGES) + 1)  # each page titled, differently in each language
