#!/usr/bin/env python3
"""Compares two score CSVs (`ae4j predict --on-error record` and the service's CSV answer):

    same_scores.py EXPECTED ACTUAL

The same header, the same rows, every score field the same text; a row's `error` cell must be
empty in both or set in both (its wording is the front end's). Prints what it compared;
exit 1 on the first difference.
"""
import csv
import sys


def main(expected_path, actual_path):
    expected = list(csv.reader(open(expected_path, newline="", encoding="utf-8")))
    actual = list(csv.reader(open(actual_path, newline="", encoding="utf-8")))
    if expected[0] != actual[0]:
        print(f"headers differ:\n  {expected[0]}\n  {actual[0]}", file=sys.stderr)
        return 1
    if len(expected) != len(actual):
        print(f"{len(expected) - 1} rows expected, {len(actual) - 1} rows", file=sys.stderr)
        return 1
    header = expected[0]
    err = header.index("error") if "error" in header else None
    fields = errors = 0
    for i, (e, a) in enumerate(zip(expected[1:], actual[1:]), 1):
        for j, name in enumerate(header):
            if j == err:
                if bool(e[j]) != bool(a[j]):
                    print(f"row {i}: error {e[j]!r} vs {a[j]!r}", file=sys.stderr)
                    return 1
                errors += bool(e[j])
            elif e[j] != a[j]:
                print(f"row {i}, {name}: {e[j]!r} vs {a[j]!r}", file=sys.stderr)
                return 1
            else:
                fields += 1
    print(f"{len(expected) - 1} rows ({errors} unscorable), {fields} score fields identical")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
