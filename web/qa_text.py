"""The QA checks' findings in the UI's language: a problem's message, a check's name, a severity.

A check's message is a :class:`localize.checks.Said`: its English text keeps the
gettext template and parameters it was made from. Here the template is looked up
in the UI's catalog and filled with the parameters (a list joined as the
language joins lists, a language named in the UI's language); parameters are
taken from the text under review and are never translated. A message that is
not a ``Said``, or whose translation does not fit its parameters, is shown in
English.
"""

from __future__ import annotations

from babel import Locale
from babel.lists import format_list
from flask import Flask
from flask_babel import get_locale, gettext, lazy_gettext as _l, ngettext

from localize.checks import ERROR, WARNING, Problem, Said
from localize.languages import Language

# A short name for each check id of localize.checks.CHECKS, as the review pages show it.
CHECK_LABELS = {
    "markup": _l("Markup"),
    "pseudo": _l("Pseudo-translation"),
    "unsafe": _l("Unsafe content"),
    "numbers": _l("Numbers"),
    "citations": _l("Citations"),
    "urls": _l("URLs and e-mail addresses"),
    "empty": _l("Blank translation"),
    "untranslated": _l("Identical to the source"),
    "mt-residue": _l("Machine-translation marks"),
    "untranslated-words": _l("Untranslated words"),
    "glossary": _l("Glossary"),
    "inconsistent": _l("Inconsistent translations"),
    "unknown-words": _l("Unknown words"),
    "dropped": _l("Dropped text"),
    "round-trip": _l("Round trip"),
    "source-change": _l("Source changed"),
    "spelling": _l("Spelling"),
    "punctuation": _l("Punctuation"),
    "brackets": _l("Brackets and quotes"),
    "whitespace": _l("Leading and trailing spaces"),
    "double-space": _l("Double spaces"),
    "length": _l("Length"),
    "bidi": _l("Invisible characters"),
}

SEVERITY_LABELS = {ERROR: _l("error"), WARNING: _l("warning")}


def _locale() -> Locale:
    return get_locale() or Locale.parse("en")


def _shown(value: object, locale: Locale) -> object:
    """A parameter as the UI's language shows it: a list joined, a language by its name in that language."""
    if isinstance(value, Language):
        return value.locale.get_display_name(locale) or value.english_name
    if isinstance(value, (list, tuple)):
        return format_list([str(_shown(v, locale)) for v in value], style="standard-narrow", locale=locale)
    return value


def describe(problem: Problem | str) -> str:
    """A problem's message (or a message) in the UI's language, in English where there is no translation."""
    message = problem.message if isinstance(problem, Problem) else problem
    if not isinstance(message, Said):
        return str(message)
    locale = _locale()
    params = {name: _shown(value, locale) for name, value in message.params.items()}
    try:
        if message.plural is not None:
            num = params.pop("num")
            return ngettext(message.template, message.plural, num, **params)
        return gettext(message.template, **params)
    except (KeyError, ValueError, TypeError):   # a translation that does not fit its parameters
        return str(message)


def check_label(check_id: str) -> str:
    """A check's short name in the UI's language (an unknown id as it is)."""
    label = CHECK_LABELS.get(check_id)
    return str(label) if label is not None else check_id


def severity_label(severity: str) -> str:
    """A severity (error, warning) in the UI's language."""
    label = SEVERITY_LABELS.get(severity)
    return str(label) if label is not None else severity


def as_dict(problem: Problem) -> dict:
    """A problem for the JSON the pages and the API give: its fields, with the message (English) and ``text``,
    ``check_label`` and ``severity_label`` in the UI's language."""
    return {"check": problem.check, "severity": problem.severity, "message": str(problem.message),
            "overridden": problem.overridden, **_said(problem)}


def _said(problem: Problem) -> dict:
    return {"text": describe(problem), "check_label": check_label(problem.check),
            "severity_label": severity_label(problem.severity)}


def item_dict(item) -> dict:
    """An entry for JSON (``localize.review.Item.as_dict``), each of its problems with ``text``, ``check_label``
    and ``severity_label`` in the UI's language."""
    data = item.as_dict()
    data["problems"] = [{**given, **_said(problem)} for given, problem in zip(data["problems"], item.problems)]
    return data


def init_app(app: Flask) -> None:
    """Offer the three to templates: ``problem_message(p)``, ``check_label(id)``, ``severity_label(s)``."""
    app.jinja_env.globals.update(problem_message=describe, check_label=check_label, severity_label=severity_label)
