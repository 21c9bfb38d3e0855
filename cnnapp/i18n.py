"""The interface's texts in English and Spanish (the course is taught in Spanish).

Every visible string of the app goes through `t(key, lang, **values)`. Texts (in `cnnapp/texts/`, one module per part of the app) are kept side by side,
`key: (English, Spanish)`, so a missing translation is impossible by construction; placeholders use
`str.format` syntax (`{epoch}`, `{value:.2f}`) and must be the same in both languages (a test checks).

Example:
    >>> t("chart.summary.peaked", "es", split="validación", metric="accuracy", value=0.54, epoch=12)
    'la accuracy de validación alcanzó su máximo, 0.54, en la época 12'
"""

from __future__ import annotations

from cnnapp.texts import TEXTS

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"


STRINGS: dict[str, dict[str, str]] = {
    lang: {key: pair[i] for key, pair in TEXTS.items()} for i, lang in enumerate(LANGUAGES)
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text `key` in language `lang`, with `values` filled in.

    Args:
        key: a key of `TEXTS`, e.g. "nav.train".
        lang: "en" or "es"; anything else falls back to English.
        **values: placeholders of the text, e.g. `epoch=3`.

    Returns:
        The text. An unknown key is returned as itself, so a typo shows on screen instead of
        crashing a page (and `tests/test_i18n.py` finds it).
    """
    table = STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE])
    text = table.get(key)
    if text is None:
        return key
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def language_name(lang: str) -> str:
    """ "English" or "Español"."""
    return LANGUAGES.get(lang, lang)
