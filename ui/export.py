"""Downloads of a network or a run as code, for Compare and Build: the Keras 3 script, the
assignment's Keras 2 version and the run zip (made by `cnnapp.export`)."""

from __future__ import annotations

from cnnapp.export import BundleError, keras2_script, keras3_script, run_members, run_zip
from ui.plain import plain
from ui.text import t


def script_buttons(settings, prefix: str, columns) -> None:
    """ "Download script (Keras 3)" and "Keras 2 version" in `columns[0]` and `columns[1]`.

    Args:
        settings: the `cnnapp.export.ScriptSettings` to write.
        prefix: widget keys are `<prefix>_script` and `<prefix>_keras2`.
        columns: two Streamlit containers.
    """
    name = f"{settings.file_stem}.py"
    columns[0].download_button(
        t("export.script"),
        data=keras3_script(settings),
        file_name=name,
        mime="text/x-python",
        key=f"{prefix}_script",
        icon=":material/code:",
        help=t("export.script_help", file=name),
    )
    columns[1].download_button(
        t("export.keras2"),
        data=keras2_script(settings),
        file_name=f"{settings.file_stem}_keras2.py",
        mime="text/x-python",
        key=f"{prefix}_keras2",
        icon=":material/history_edu:",
        help=t("export.keras2_help"),
    )


def zip_button(store, run_id: str, owner: str, column) -> None:
    """ "Download run (.zip)": checked now (a run that cannot be zipped says why instead), built
    when clicked."""
    try:
        run_members(store, run_id, owner)
    except (BundleError, KeyError, ValueError) as error:
        column.caption(t("export.failed", error=plain(error)))
        return
    column.download_button(
        t("export.zip"),
        data=lambda: run_zip(store, run_id, owner),
        file_name=f"{run_id}.zip",
        mime="application/zip",
        key="w_compare_zip",
        icon=":material/folder_zip:",
        help=t("export.zip_help"),
    )
