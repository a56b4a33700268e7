"""Messages that keep what they were made from, so that a UI can say them in its own language.

A message is English text (a ``str``, as the command line prints it) that also
keeps its ``python-format`` template and parameters: the web UI looks the
template up in its catalog (``babel.cfg`` extracts ``said`` and ``said_n``)
and formats it with the same parameters. Parameters are data (tags, numbers,
names), never translated.
"""

from __future__ import annotations

from collections.abc import Mapping

from .languages import Language


class Said(str):
    """A check's message: its English text, with the template and parameters it was made from."""

    template: str
    plural: str | None      # the English plural of a counting message (said_n), else None
    params: Mapping[str, object]

    def __new__(cls, text: str, template: str, params: Mapping[str, object], plural: str | None = None):
        self = super().__new__(cls, text)
        self.template, self.params, self.plural = template, params, plural
        return self

    def __reduce__(self):   # pieces of a big catalog are checked in other processes
        return (Said, (str(self), self.template, dict(self.params), self.plural))


def _english(value: object) -> object:
    """A parameter as the English text shows it: a list joined, a language by its English name."""
    if isinstance(value, Language):
        return value.english_name
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_english(v)) for v in value)
    return value


def said(template: str, **params: object) -> Said:
    """A message from a ``python-format`` template and its parameters: ``said("missing %(tag)s", tag="<em>")``.

    Without parameters the template is the text as it is (as gettext does), so it holds no ``%%``."""
    if not params:
        return Said(template, template, {})
    return Said(template % {k: _english(v) for k, v in params.items()}, template, params)


def said_n(singular: str, plural: str, num: int, **params: object) -> Said:
    """A counting message, as ngettext counts: ``num`` picks the form and is the parameter ``%(num)d``."""
    params = {"num": num, **params}
    text = (singular if num == 1 else plural) % {k: _english(v) for k, v in params.items()}
    return Said(text, singular, params, plural)
