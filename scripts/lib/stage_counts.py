#!/usr/bin/env python3
"""Counts the tests one stage of scripts/test-all.sh ran, from its log and the JUnit XML reports
it wrote: prints "passed failed skipped".

    stage_counts.py LOG SINCE_EPOCH_SECONDS ROOT

Recognized in the log (each test counted once, by the runner that ran it):
- cargo test:  "test result: ok. N passed; M failed; K ignored"
- pytest:      "N passed, K skipped, M failed in 1.23s" (any order, -q or not)
- ae4j's own checkers and any runner printing the plain line "[word: ]N passed, M failed[, K skipped]"
- scripts/fuzz-bounded.sh: "ae4j fuzz: <target>: ok" / "FAILED"
- a "SKIPPED:" line anywhere: one skip
JUnit: every build/test-results/**/TEST-*.xml under ROOT written since SINCE (Gradle's reports).
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

CARGO = re.compile(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored")
# "69 passed, 16 subtests passed, 2 skipped in 21.03s": a count may name two words.
PYTEST = re.compile(r"^=*\s*((?:\d+ \w+(?: \w+)?(?:, )?)+) in [\d.]+s\b")
PLAIN = re.compile(r"^(?:\S+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$")
FUZZ = re.compile(r"^ae4j fuzz: \S+: (ok|FAILED)\b")


def from_log(path):
    passed = failed = skipped = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip("\n")
            if m := CARGO.search(line):
                passed += int(m[1]); failed += int(m[2]); skipped += int(m[3])
            elif m := PYTEST.search(line):
                # "16 subtests passed" is not a test count of its own (its tests are counted)
                counts = dict((k, int(n)) for n, k in re.findall(r"(\d+) (\w+)(?=,|$)", m[1]))
                passed += counts.get("passed", 0)
                failed += counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
                skipped += counts.get("skipped", 0)
            elif m := PLAIN.match(line):
                passed += int(m[1]); failed += int(m[2]); skipped += int(m[3] or 0)
            elif m := FUZZ.match(line):
                passed += m[1] == "ok"; failed += m[1] == "FAILED"
            if "SKIPPED:" in line:
                skipped += 1
    return passed, failed, skipped


def from_junit(root, since):
    passed = failed = skipped = 0
    for report in glob.glob(os.path.join(root, "**", "build", "test-results", "**", "TEST-*.xml"), recursive=True):
        if os.path.getmtime(report) < since:
            continue
        suite = ET.parse(report).getroot()
        tests, bad = int(suite.get("tests", 0)), int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skip = int(suite.get("skipped", 0))
        passed += tests - bad - skip; failed += bad; skipped += skip
    return passed, failed, skipped


def main():
    log, since, root = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    counts = [a + b for a, b in zip(from_log(log), from_junit(root, since))]
    print(*counts)


if __name__ == "__main__":
    main()
