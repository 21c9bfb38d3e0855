"""Engine messages with a code and values, worded in the interface's language when shown.

The engine never words a message for one language only: an error a person can fix, or a phrase
such as where a dataset came from, carries a code and its values, and `words(thing, lang)` writes
it in English or Spanish from the texts table (`msg.<code>` keys in `cnnapp/texts/messages.py`).
`str()` of a coded error is its English text, so logs, the command line and old callers read as
before.

Example:
    >>> error = CodedError("config.range", owner="TrainConfig", name="epochs", low=1, high=1000,
    ...                    value="0", hint=Message("hint.epochs"))
    >>> words(error, "es")
    'TrainConfig.epochs debe estar entre 1 y 1000; se recibió 0; 20 es lo de la práctica.'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cnnapp import i18n


@dataclass(frozen=True)
class Message:
    """A phrase of the engine: its code (a `msg.` text key without the prefix) and values.

    Values may be Messages themselves (e.g. "layer 3 (Conv2D)" inside an error), worded in the
    same language.
    """

    code: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        values = {k: words(v, lang) if _is_coded(v) else v for k, v in self.values.items()}
        key = f"msg.{self.code}"
        if key not in i18n.TEXTS:  # a code without a text yet: still readable
            return f"{self.code} {values}" if values else self.code
        return i18n.t(key, lang, **values)

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (nested messages included), e.g. to cross a process boundary."""
        return {
            "code": self.code,
            "values": {
                k: v.to_dict() if isinstance(v, Message) else v for k, v in self.values.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Any) -> Message | None:
        """The message `to_dict` wrote, or None for anything else."""
        if not isinstance(data, dict) or not isinstance(data.get("code"), str):
            return None
        values = data.get("values") if isinstance(data.get("values"), dict) else {}
        return cls(
            data["code"],
            {k: cls.from_dict(v) or v if isinstance(v, dict) else v for k, v in values.items()},
        )


class CodedError(ValueError):
    """A ValueError whose message is a `Message`: `str()` is English, `words(error, "es")` Spanish."""

    def __init__(self, code: str, /, **values: Any) -> None:
        self.message = Message(code, values)
        super().__init__(self.message.text())

    @property
    def code(self) -> str:
        return self.message.code

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return self.message.text(lang)


def _is_coded(value: Any) -> bool:
    return isinstance(value, (Message, CodedError))


def words(thing: Any, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """`thing` in words, in `lang`: a Message or coded error from the table, anything else as
    `str()` (an uncoded error keeps its own, English, text)."""
    if isinstance(thing, Message):
        return thing.text(lang)
    if isinstance(thing, CodedError):
        return thing.text(lang)
    if isinstance(thing, dict):
        message = Message.from_dict(thing)
        if message is not None:
            return message.text(lang)
    return str(thing)
