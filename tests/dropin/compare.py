#!/usr/bin/env python3
"""Compares a drop-in program's output under genmodel and under ae4j, line by line.

usage: compare.py GENMODEL_OUT AE4J_OUT LABEL

Exit 0 when every line is equal, or differs only by the deliberate differences documented in
java/README.md ("Programs compiled twice"):
  D1 numbers: equal to 1e-9 relative (1e-12 absolute near zero), the tolerance of ae4j's exp;
  D2 mse=NaN from genmodel where a numeric is missing, a finite MSE from ae4j (the H2O server's)
     (an MSE is a number after "mse=", or the last field of a CSV line);
  D3 mse=-1.0 from genmodel's compiled-POJO path, the MOJO's MSE from ae4j;
  D4 the message of the NullPointerException / ClassCastException genmodel's wrapper throws for
     the tree-only calls (predictContributions, leafNodeAssignment): the same class, ae4j's own
     message (genmodel's names genmodel's internals).
  D5 a verdict the program derives from that MSE on the same line (normal/ANOMALY: genmodel's
     NaN MSE is never above a threshold).
Class names the programs print are compared after the import rewrite (hex.genmodel.easy.X is
io.ae4j.X, ...): a port's exceptions are ae4j's classes.
Prints each difference with its line, and a count per kind.
"""
import math
import re
import sys

NUMBER = re.compile(r"-?(?:\d+\.\d*(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\d+|NaN|Infinity)")
RUNTIME = re.compile(r"(java\.lang\.(?:NullPointerException|ClassCastException))(:.*)?$")


def tokens(line):
    """The line split into (text, number) parts: numbers parsed, the rest kept as text."""
    parts, pos = [], 0
    for m in NUMBER.finditer(line):
        parts.append(("t", line[pos:m.start()]))
        parts.append(("n", m.group(0)))
        pos = m.end()
    parts.append(("t", line[pos:]))
    return parts


def close(a, b):
    x, y = float(a.replace("Infinity", "inf")), float(b.replace("Infinity", "inf"))
    if math.isnan(x) or math.isnan(y) or math.isinf(x) or math.isinf(y):
        return a == b
    return abs(x - y) <= max(1e-12, 1e-9 * max(abs(x), abs(y)))


# The import rewrite of tests/dropin/rewrite-imports.sed, applied to class names in the output.
RENAMES = [
    (re.compile(r"\bhex\.genmodel\.easy\."), "io.ae4j."),
    (re.compile(r"\bhex\.genmodel\.(MojoModel|MojoReaderBackendFactory|MojoReaderBackend|CategoricalEncoding)\b"), r"io.ae4j.\1"),
    (re.compile(r"\bhex\.ModelCategory\b"), "io.ae4j.ModelCategory"),
]
VERDICTS = {"normal", "ANOMALY"}


def renamed(line):
    for pattern, replacement in RENAMES:
        line = pattern.sub(replacement, line)
    return line


def classify(g, a):
    """None when the lines are equal up to D1, else the deliberate difference, else 'UNEXPLAINED'."""
    mg, ma = RUNTIME.search(g), RUNTIME.search(a)
    if mg and ma and mg.group(1) == ma.group(1) and g[:mg.start()] == a[:ma.start()]:
        return None if g == a else "D4"
    tg, ta = tokens(renamed(g)), tokens(a)
    if len(tg) != len(ta):
        return "UNEXPLAINED"
    kinds, verdicts = set(), False
    for i, ((kg, vg), (ka, va)) in enumerate(zip(tg, ta)):
        if kg != ka:
            return "UNEXPLAINED"
        if kg == "t" and vg != va:
            wg, wa = vg.split(), va.split()
            if len(wg) == len(wa) and all(x == y or {x, y} == VERDICTS for x, y in zip(wg, wa)):
                verdicts = True
                continue
            return "UNEXPLAINED"
        if kg == "n" and vg != va and not close(vg, va):
            before = tg[i - 1][1] if i > 0 else ""
            # an MSE: after "mse=", or the last field of a CSV line (PredictCsvTool's mse column)
            mse = before.endswith("mse=") or (before == "," and i == len(tg) - 2 and tg[-1][1] == "")
            if mse and vg == "NaN" and math.isfinite(float(va)):
                kinds.add("D2")
            elif mse and vg == "-1.0" and float(va) >= 0:
                kinds.add("D3")
            else:
                return "UNEXPLAINED"
    if verdicts:
        if "D2" not in kinds:
            return "UNEXPLAINED"
        kinds.add("D5")
    return ",".join(sorted(kinds)) or None


def main(gpath, apath, label):
    g = open(gpath, encoding="utf-8").read().splitlines()
    a = open(apath, encoding="utf-8").read().splitlines()
    counts, bad = {}, 0
    if len(g) != len(a):
        print(f"{label}: {len(g)} lines from genmodel, {len(a)} from ae4j")
        bad += 1
    for n, (lg, la) in enumerate(zip(g, a), 1):
        kind = classify(lg, la)
        if kind is None:
            continue
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "UNEXPLAINED":
            bad += 1
            if bad <= 5:
                print(f"{label}: line {n} differs:\n  genmodel: {lg[:600]}\n  ae4j:     {la[:600]}")
    summary = " ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "identical"
    print(f"{label}: {len(g)} lines, {'FAIL' if bad else 'ok'} ({summary})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
