"""Writing and reading `derive` expressions: literals, column references, and the light static
check the builder does (known functions, known columns, balanced brackets).

The core (`ae4j_core::pipeline`) parses and type-checks every expression again when a spec is
loaded; this module only catches what a notebook author should hear about at once.
"""

import math
import re
from typing import List, Set

# The contract's function names (BRIEF: "Expression language").
FUNCTIONS = frozenset(
    """if coalesce is_missing log log1p exp sqrt abs pow min max clip round floor
    lower upper trim substr concat replace
    year month day hour minute day_of_week day_of_year epoch""".split()
)
KEYWORDS = frozenset(["and", "or", "not", "true", "false", "null"])
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TOKEN = re.compile(
    r"""\s+|(?P<num>(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)
    |(?P<str>"(\\.|[^"\\])*")
    |(?P<bq>`[^`]*`)
    |(?P<id>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op>==|!=|<=|>=|[-+*/%<>(),])""",
    re.VERBOSE,
)


class ExpressionError(ValueError):
    """An expression the builder can already tell is wrong (the message says where)."""


def number(x: float) -> str:
    """A float literal that reads back as exactly `x`: Python's shortest round-trip repr.
    Negative values are parenthesised, so `a - (-1.5)` never reads as `a -- 1.5`."""
    x = float(x)
    if not math.isfinite(x):
        raise ExpressionError(f"{x!r} has no literal in the expression language")
    text = repr(x)
    return f"({text})" if text.startswith("-") else text


def column(name: str) -> str:
    """A column reference: the bare name when it is a plain identifier that is no keyword or
    function name, else the backquoted form (`` `sepal length (cm)` ``)."""
    if "`" in name:
        raise ExpressionError(f"column {name!r}: a backquote cannot appear in a column reference")
    if _IDENT.match(name) and name not in KEYWORDS and name not in FUNCTIONS:
        return name
    return f"`{name}`"


def referenced_columns(expr: str) -> List[str]:
    """The column names an expression reads, in order of first use; raises ExpressionError on
    an unknown function, an unknown character or unbalanced brackets/quotes."""
    names: List[str] = []
    seen: Set[str] = set()
    depth, pos = 0, 0
    tokens = list(_tokens(expr))
    for i, (kind, text, pos) in enumerate(tokens):
        calls = i + 1 < len(tokens) and tokens[i + 1][1] == "("
        if kind == "id" and calls:
            if text not in FUNCTIONS:
                raise ExpressionError(f"unknown function {text!r} at position {pos}")
            continue
        if kind in ("id", "bq"):
            name = text[1:-1] if kind == "bq" else text
            if kind == "id" and name in KEYWORDS:
                continue
            if name not in seen:
                seen.add(name)
                names.append(name)
        elif text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth < 0:
                raise ExpressionError(f"unbalanced ')' at position {pos}")
    if depth:
        raise ExpressionError(f"unclosed '(' in {expr!r}")
    if not tokens:
        raise ExpressionError("empty expression")
    return names


def _tokens(expr: str):
    pos = 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if m is None:
            raise ExpressionError(f"unexpected character {expr[pos]!r} at position {pos}")
        if m.lastgroup is not None:
            yield m.lastgroup, m.group(m.lastgroup), pos
        pos = m.end()
