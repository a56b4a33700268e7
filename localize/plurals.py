"""Plural-Forms expressions, read and checked as GNU gettext does.

GNU msgfmt finds "nplurals=" and "plural=" anywhere in the header and
evaluates the expression for n = 0…1000: every value must be a form
(0 ≤ value < nplurals), with no division by zero. This does the same, in C's
unsigned arithmetic, so that a catalog the reader accepts is one msgfmt
accepts; it also refuses an expression longer or deeper than any language
needs, which would otherwise cost time (or Python's stack) to read.
"""

from __future__ import annotations

import functools
import re

MAX_LENGTH = 1000   # characters, the most Python's gettext module reads
MAX_DEPTH = 50      # levels of the expression's tree (CLDR's deepest, Cornish, has 20)
_U64 = (1 << 64) - 1
_TOKEN = re.compile(r"[ \t]*(?:([0-9]+)|(==|!=|<=|>=|&&|\|\||[<>*/%+\-!?:()n]))")
_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
               "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}
_OPERATIONS = {
    "||": lambda a, b: lambda n: 1 if a(n) or b(n) else 0,
    "&&": lambda a, b: lambda n: 1 if a(n) and b(n) else 0,
    "==": lambda a, b: lambda n: int(a(n) == b(n)),
    "!=": lambda a, b: lambda n: int(a(n) != b(n)),
    "<": lambda a, b: lambda n: int(a(n) < b(n)),
    ">": lambda a, b: lambda n: int(a(n) > b(n)),
    "<=": lambda a, b: lambda n: int(a(n) <= b(n)),
    ">=": lambda a, b: lambda n: int(a(n) >= b(n)),
    "+": lambda a, b: lambda n: (a(n) + b(n)) & _U64,
    "-": lambda a, b: lambda n: (a(n) - b(n)) & _U64,
    "*": lambda a, b: lambda n: (a(n) * b(n)) & _U64,
    "/": lambda a, b: lambda n: a(n) // b(n),
    "%": lambda a, b: lambda n: a(n) % b(n),
}


class _Syntax(ValueError):
    pass


class _Parser:
    """GNU gettext's grammar of plural expressions (C operators on n, no unary minus)."""

    def __init__(self, text: str):
        self.tokens: list[str | int] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                if text[pos:].strip(" \t"):
                    raise _Syntax("invalid plural expression")
                break
            self.tokens.append(int(m.group(1)) & _U64 if m.group(1) else m.group(2))
            pos = m.end()
        self.pos = 0

    def parse(self):
        function, _ = self.ternary(0)
        if self.pos != len(self.tokens):
            raise _Syntax("invalid plural expression")
        return function

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected=None):
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise _Syntax("invalid plural expression")
        self.pos += 1
        return token

    @staticmethod
    def deeper(depth: int) -> int:
        if depth >= MAX_DEPTH:
            raise _Syntax(f"plural expression nested more than {MAX_DEPTH} deep")
        return depth + 1

    def ternary(self, depth: int):
        condition, depth_c = self.binary(1, depth)
        if self.peek() != "?":
            return condition, depth_c
        self.take("?")
        yes, depth_y = self.ternary(self.deeper(depth))
        self.take(":")
        no, depth_n = self.ternary(self.deeper(depth))
        tree = self.deeper(max(depth_c, depth_y, depth_n))
        return (lambda n: yes(n) if condition(n) else no(n)), tree

    def binary(self, lowest: int, depth: int):
        left, tree = self.unary(depth)
        while True:
            operator = self.peek()
            if not isinstance(operator, str) or _PRECEDENCE.get(operator, 0) < lowest:
                return left, tree
            self.take()
            right, tree_r = self.binary(_PRECEDENCE[operator] + 1, self.deeper(depth))
            left, tree = _OPERATIONS[operator](left, right), self.deeper(max(tree, tree_r))

    def unary(self, depth: int):
        token = self.take()
        if token == "!":
            operand, tree = self.unary(self.deeper(depth))
            return (lambda n: 0 if operand(n) else 1), self.deeper(tree)
        if token == "n":
            return (lambda n: n), depth
        if token == "(":
            inner, tree = self.ternary(self.deeper(depth))
            self.take(")")
            return inner, tree
        if isinstance(token, int):
            return (lambda n: token), depth
        raise _Syntax("invalid plural expression")


def nplurals_value(text: str) -> int:
    """The number after ``nplurals=``, as C's strtoul reads it (saturating at 2**64-1)."""
    digits = re.match(r"[0-9]*", text).group()
    return min(int(digits), _U64) if len(digits) <= 20 else _U64


@functools.lru_cache(maxsize=128)
def problem(nplurals_text: str, expression: str) -> str | None:
    """What is wrong with a header's plural forms, as msgfmt would say it; None if nothing."""
    if not "0" <= nplurals_text[:1] <= "9":
        return "invalid nplurals value in Plural-Forms"
    nplurals = nplurals_value(nplurals_text)
    expression = re.split(r"[;\n]", expression, maxsplit=1)[0]
    if len(expression) > MAX_LENGTH:
        return f"plural expression longer than {MAX_LENGTH} characters"
    try:
        function = _Parser(expression).parse()
    except _Syntax as exc:
        return str(exc)
    try:
        for n in range(1001):
            value = function(n)
            if value > _U64 >> 1:
                return "plural expression can produce negative values"
            if value >= nplurals:
                return f"nplurals = {nplurals} but plural expression can produce values as large as {value}"
    except ZeroDivisionError:
        return "plural expression can produce division by zero"
    return None
