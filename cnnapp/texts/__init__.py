"""Every visible text of the app, `key: (English, Spanish)`, one module per part of the app."""

from cnnapp.texts import (
    app,
    auth,
    build,
    charts,
    classify,
    classroom,
    data,
    export,
    lecturer,
    messages,
    presets,
    results,
    train,
)

_PARTS = (
    app,
    auth,
    classroom,
    lecturer,
    data,
    build,
    train,
    results,
    classify,
    charts,
    messages,
    presets,
    export,
)

TEXTS: dict[str, tuple[str, str]] = {}
for _part in _PARTS:
    _clash = set(TEXTS) & set(_part.TEXTS)
    if _clash:  # a key defined twice would silently shadow the first
        raise RuntimeError(f"text keys defined twice: {sorted(_clash)}")
    TEXTS.update(_part.TEXTS)
