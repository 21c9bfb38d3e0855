"""The interface's texts in English and Spanish (the course is taught in Spanish).

Every visible string of the app goes through `t(key, lang, **values)`. Texts (in `cnnapp/texts/`, one module per part of the app) are kept side by side,
`key: (English, Spanish)`, so a missing translation is impossible by construction; placeholders use
`str.format` syntax (`{epoch}`, `{value:.2f}`) and must be the same in both languages (a test checks).

Example:
    >>> t("chart.summary.peaked", "es", split="validación", metric="accuracy", value=0.54, epoch=12)
    'la accuracy de validación alcanzó su máximo, 0,54, en la época 12'

Numbers are written the language's way: `number(12500, "es", ",")` is "12.500" and
`number(0.5, "es", ".2f")` "0,50"; `t` formats the numbers it fills in the same way.
"""

from __future__ import annotations

import numbers

from cnnapp.texts import TEXTS

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"


STRINGS: dict[str, dict[str, str]] = {
    lang: {key: pair[i] for key, pair in TEXTS.items()} for i, lang in enumerate(LANGUAGES)
}


# Spanish swaps the decimal point and the thousands separator: 12,500.5 -> 12.500,5
_SEPARATORS = {"es": str.maketrans({",": ".", ".": ","})}


def number(value: object, lang: str = DEFAULT_LANGUAGE, spec: str = "") -> str:
    """`value` formatted with `spec` (as `format`), with the language's separators.

    Args:
        value: a number (anything else is formatted as is).
        lang: "en" (12,500.5) or "es" (12.500,5).
        spec: a format spec: "," for thousands, ".2f", ".1%", "" ...
    """
    text = format(value, spec)
    table = _SEPARATORS.get(lang)
    if table is None or not _is_number(value):
        return text
    return text.translate(table)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


class _Localized:
    """A number that formats itself with a language's separators inside `str.format`."""

    __slots__ = ("value", "lang")

    def __init__(self, value: object, lang: str) -> None:
        self.value, self.lang = value, lang

    def __format__(self, spec: str) -> str:
        return number(self.value, self.lang, spec)

    def __str__(self) -> str:
        return number(self.value, self.lang)


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
    if lang in _SEPARATORS:
        values = {k: _Localized(v, lang) if _is_number(v) else v for k, v in values.items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def language_name(lang: str) -> str:
    """ "English" or "Español"."""
    return LANGUAGES.get(lang, lang)
