"""A small, test-only evaluator of ae4j pipeline specs (the contract's semantics), in plain Python.

It exists so that the converter's output can be checked numerically against scikit-learn before
the core's evaluator is reachable from Python. It is not part of the package, and it covers
what the tests need: the whole expression grammar, the functions the converter and the fixture
use, all step ops. Arithmetic is Python's float, i.e. IEEE f64 in the order written; log/log1p/
sqrt are the C library's (math.*), as in the Rust core.
"""

import bisect
import math
import re
from datetime import datetime, timezone


class RowError(Exception):
    """A row error: step is 1-based (None for a bad input cell); column names the column."""

    def __init__(self, step, column, message):
        super().__init__(f"step {step} ({column}): {message}" if step else f"input {column}: {message}")
        self.step, self.column = step, column


MISSING = None
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*\Z")


# ------------------------------------------------------------------------------ inputs
def read_input(kind, value, name):
    """A raw cell (text from a CSV, or a JSON value) as the working row holds it."""
    if value is None or value == "":
        return MISSING
    if kind == "number":
        if isinstance(value, bool):
            raise RowError(None, name, "a boolean is not a number")
        if isinstance(value, (int, float)):
            return MISSING if math.isnan(value) else float(value)
        if not _NUMBER.match(value):
            raise RowError(None, name, f"not a number: {value!r}")
        return float(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        low = str(value).lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        raise RowError(None, name, f"not a boolean: {value!r}")
    if kind == "timestamp":
        t = Timestamp(value)
        try:
            t.utc()                        # bad text is an input error, before any step
        except ValueError as e:
            raise RowError(None, name, str(e)) from None
        return t
    return str(value)


class Timestamp:
    def __init__(self, raw):
        self.raw = raw

    def utc(self):
        if isinstance(self.raw, (int, float)):
            return datetime.fromtimestamp(self.raw, tz=timezone.utc)
        try:
            t = datetime.fromisoformat(self.raw)
        except ValueError:
            raise ValueError(f"bad timestamp text {self.raw!r}") from None
        return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)


# ------------------------------------------------------------------------------ expressions
_TOKEN = re.compile(r"""\s*(?:(?P<num>(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)|(?P<str>"(\\.|[^"\\])*")
    |(?P<bq>`[^`]*`)|(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>==|!=|<=|>=|[-+*/%<>(),]))""", re.X)


def tokens(expr):
    out, pos = [], 0
    while pos < len(expr):
        if expr[pos:].strip() == "":
            break
        m = _TOKEN.match(expr, pos)
        if m is None:
            raise SyntaxError(f"bad character at {pos} in {expr!r}")
        out.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    return out + [("end", "")]


class Parser:
    """Precedence climbing: or < and < not < comparison < + - < * / % < unary - < primary."""

    def __init__(self, expr):
        self.t, self.i = tokens(expr), 0

    def peek(self):
        return self.t[self.i]

    def take(self, text=None):
        tok = self.t[self.i]
        if text is not None and tok[1] != text:
            raise SyntaxError(f"expected {text!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self):
        node = self.binary(0)
        self.take("")
        return node

    LEVELS = [("or",), ("and",), None, ("==", "!=", "<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%")]

    def binary(self, level):
        if level == len(self.LEVELS):
            return self.unary()
        if self.LEVELS[level] is None:                 # `not` binds between and/or and comparison
            if self.peek() == ("id", "not"):
                self.take()
                return ("not", self.binary(level))
            return self.binary(level + 1)
        node = self.binary(level + 1)
        while self.peek()[1] in self.LEVELS[level] and self.peek()[0] in ("op", "id"):
            op = self.take()[1]
            node = ("bin", op, node, self.binary(level + 1))
        return node

    def unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self):
        kind, text = self.take()
        if kind == "num":
            return ("lit", float(text))
        if kind == "str":
            return ("lit", re.sub(r"\\(.)", r"\1", text[1:-1]))
        if kind == "bq":
            return ("col", text[1:-1])
        if kind == "id":
            if text in ("true", "false"):
                return ("lit", text == "true")
            if text == "null":
                return ("lit", MISSING)
            if self.peek()[1] == "(":
                self.take("(")
                args = []
                while self.peek()[1] != ")":
                    args.append(self.binary(0))
                    if self.peek()[1] == ",":
                        self.take(",")
                self.take(")")
                return ("call", text, args)
            return ("col", text)
        if text == "(":
            node = self.binary(0)
            self.take(")")
            return node
        raise SyntaxError(f"unexpected {text!r}")


def _domain(name, ok, f):
    def g(x):
        if not ok(x):
            raise ValueError(f"{name} of {x!r}")
        return f(x)
    return g


NUMERIC = {
    "log": _domain("log", lambda x: x > 0, math.log),
    "log1p": _domain("log1p", lambda x: x > -1, math.log1p),
    "sqrt": _domain("sqrt", lambda x: x >= 0, math.sqrt),
    "exp": math.exp, "abs": abs, "floor": lambda x: float(math.floor(x)),
}
CALENDAR = {
    "year": lambda t: t.year, "month": lambda t: t.month, "day": lambda t: t.day,
    "hour": lambda t: t.hour, "minute": lambda t: t.minute,
    "day_of_week": lambda t: t.weekday(), "day_of_year": lambda t: t.timetuple().tm_yday,
}


def evaluate(node, row):
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "col":
        return row[node[1]]
    if kind == "neg":
        v = evaluate(node[1], row)
        return MISSING if v is MISSING else -v
    if kind == "not":
        v = evaluate(node[1], row)
        return MISSING if v is MISSING else not v
    if kind == "bin":
        return _binary(node[1], evaluate(node[2], row), evaluate(node[3], row))
    name, args = node[1], node[2]
    if name == "coalesce":
        return next((v for v in (evaluate(a, row) for a in args) if v is not MISSING), MISSING)
    vals = [evaluate(a, row) for a in args]
    if name == "is_missing":
        return vals[0] is MISSING
    if name == "if":
        if vals[0] is MISSING:
            return MISSING
        return vals[1] if vals[0] else vals[2]
    if any(v is MISSING for v in vals):
        return MISSING
    if name in NUMERIC:
        return NUMERIC[name](vals[0])
    if name in CALENDAR:
        return float(CALENDAR[name](vals[0].utc()))
    if name == "epoch":
        return vals[0].utc().timestamp()
    if name == "clip":
        return min(max(vals[0], vals[1]), vals[2])
    if name in ("min", "max", "pow"):
        return {"min": min, "max": max, "pow": math.pow}[name](*vals)
    raise NotImplementedError(f"spec_eval has no {name}()")


def _binary(op, a, b):
    if op in ("and", "or"):
        if a is MISSING or b is MISSING:
            return MISSING
        return (a and b) if op == "and" else (a or b)
    if a is MISSING or b is MISSING:
        return MISSING
    if op in ("/", "%") and b == 0:
        raise ValueError("division by zero")
    return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
            "%": lambda: math.fmod(a, b), "==": lambda: a == b, "!=": lambda: a != b,
            "<": lambda: a < b, "<=": lambda: a <= b, ">": lambda: a > b,
            ">=": lambda: a >= b}[op]()


# ------------------------------------------------------------------------------ steps
def apply(spec, raw):
    """The working row (dict) after every step, for a raw record (name -> text/JSON value;
    a missing key is missing)."""
    row = {i["name"]: read_input(i["type"], raw.get(i["name"]), i["name"]) for i in spec["inputs"]}
    for k, step in enumerate(spec["steps"], 1):
        column = step.get("name") or step.get("column") or step.get("from")
        try:
            _step(step, row)
        except ValueError as e:
            raise RowError(k, column, f"{step['op']} {column}: {e}") from None
    return row


def _step(step, row):
    op = step["op"]
    if op == "derive":
        row[step["name"]] = evaluate(Parser(step["expr"]).parse(), row)
    elif op == "rename":
        row[step["to"]] = row.pop(step["from"])
    elif op == "drop":
        for c in step["columns"]:
            del row[c]
    elif op == "fill_missing":
        if row[step["column"]] is MISSING:
            row[step["column"]] = step["value"]
    elif op == "map":
        v = row[step["column"]]
        if v is not MISSING:
            v = step["mapping"].get(v, step.get("default", v))
        row[step.get("into", step["column"])] = v
    elif op == "bucketize":
        v = row[step["column"]]
        if v is not MISSING:
            b = bisect.bisect_right(step["edges"][1:-1], v)
            v = step["labels"][b] if "labels" in step else float(b)
        row[step.get("into", step["column"])] = v
    elif op == "clip":
        v = row[step["column"]]
        if v is not MISSING:
            if "min" in step:
                v = max(v, step["min"])
            if "max" in step:
                v = min(v, step["max"])
        row[step["column"]] = v
    else:
        raise NotImplementedError(op)


def model_value(v):
    """A working-row value as the model gets it: booleans 1/0, timestamps epoch seconds."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, Timestamp):
        return v.utc().timestamp()
    return v
