#!/usr/bin/env python3
"""The API-surface check of issue #19: every public genmodel member an autoencoder program can
reach must exist in ae4j's jar with genmodel's name, parameters, return type, static-ness and
checked exceptions (after the import rewrite), unless java/README.md lists it as deliberately left
out, with the reason.

usage: surface.py GENMODEL_JAR AE4J_JAR README

The classes compared: genmodel's hex.genmodel.easy package and its prediction, exception and
error subpackages, hex.ModelCategory, hex.genmodel.MojoModel (with the GenModel members it
inherits), MojoReaderBackend, MojoReaderBackendFactory and CategoricalEncoding; ae4j's
counterparts by the import rewrite (an ae4j MojoModel's GenModel members are on its superclass
AutoEncoderModel). The README's list ("Left out of genmodel's API") is read from the table rows
that start with a backquoted key: `class`, `class#member(params)`, or a glob such as
`hex.genmodel.GenModel#static *`. A listed key that matches nothing is an error too (a stale list).
"""
import fnmatch
import re
import subprocess
import sys
import zipfile

RENAMES = [
    (re.compile(r"\bhex\.genmodel\.easy\."), "io.ae4j."),
    (re.compile(r"\bhex\.genmodel\.(MojoModel|MojoReaderBackendFactory|MojoReaderBackend|CategoricalEncoding)\b"), r"io.ae4j.\1"),
    (re.compile(r"\bhex\.ModelCategory\b"), "io.ae4j.ModelCategory"),
    # the model type: genmodel's GenModel is ae4j's AutoEncoderModel (GenModel itself stays genmodel's)
    (re.compile(r"\bhex\.genmodel\.GenModel\b"), "io.ae4j.AutoEncoderModel"),
]
EXTRA = ["hex.ModelCategory", "hex.genmodel.MojoModel", "hex.genmodel.MojoReaderBackend", "hex.genmodel.MojoReaderBackendFactory",
         "hex.genmodel.MojoReaderBackendFactory$CachingStrategy", "hex.genmodel.CategoricalEncoding"]
MODIFIERS = {"public", "protected", "final", "abstract", "synchronized", "native", "transient", "volatile",
             "default", "strictfp"}


def rename(text):
    for pattern, replacement in RENAMES:
        text = pattern.sub(replacement, text)
    return text


def javap(jar, classes):
    """{class: [member line, ...]} from javap -public."""
    out = subprocess.run(["javap", "-public", "-cp", jar] + classes, check=True, capture_output=True,
                         text=True).stdout
    members, current = {}, None
    for line in out.splitlines():
        m = re.match(r"^(?:public |protected )?(?:abstract |final |static )*(?:class|interface|enum) (\S+)", line)
        if m and not line.startswith(" "):
            current = m.group(1).split("<")[0]
            members[current] = []
        elif line.startswith("  ") and current:
            members[current].append(line.strip().rstrip(";"))
    return members


def parse(line, owner):
    """(key, signature) of a javap member line; key = 'name(params)' or 'name', with 'static '."""
    throws = ""
    if " throws " in line:
        line, throws = line.split(" throws ", 1)
    words = line.split("(", 1)
    head = words[0].split()
    static = "static" in head
    head = [w for w in head if w not in MODIFIERS and w != "static"]
    if head and head[0].startswith("<"):  # generic method type parameters
        head = head[1:]
    name = head[-1]
    if len(words) > 1:
        params = words[1].rstrip(")")
        if len(head) == 1:  # a constructor
            key, ret = "<init>(" + params + ")", ""
        else:
            key, ret = name + "(" + params + ")", " ".join(head[:-1])
    else:
        key, ret = name, " ".join(head[:-1])
    key = ("static " if static else "") + key
    return key, {"return": ret, "throws": ",".join(sorted(t.strip() for t in throws.split(",") if t.strip()))}


def superclasses(jar, cls):
    """The superclasses of an ae4j class, by javap's class line."""
    out = []
    while cls.startswith("io.ae4j."):
        head = subprocess.run(["javap", "-public", "-cp", jar, cls], capture_output=True, text=True).stdout
        m = re.search(r"class \S+ extends (\S+)", head)
        if not m:
            break
        cls = m.group(1)
        out.append(cls)
    return out


def genmodel_classes(jar):
    names = []
    with zipfile.ZipFile(jar) as z:
        for n in z.namelist():
            if re.match(r"^hex/genmodel/easy/.*\.class$", n) and not re.search(r"\$\d", n):
                names.append(n[:-6].replace("/", "."))
    return sorted(names) + EXTRA


def omissions(readme):
    keys = []
    section = False
    for line in open(readme, encoding="utf-8"):
        if line.startswith("#"):
            section = "Left out of genmodel's API" in line
            continue
        m = re.match(r"^\| `([^`]+)` \|\s*\S", line)
        if section and m:
            keys.append(m.group(1))
    return keys


def main(gjar, ajar, readme):
    gclasses = genmodel_classes(gjar)
    gm = javap(gjar, gclasses + ["hex.genmodel.GenModel"])
    aclass = {c: rename(c) for c in gclasses}
    present = set(subprocess.run(["jar", "tf", ajar], check=True, capture_output=True, text=True).stdout.split())
    amembers = javap(ajar, [a for a in aclass.values() if a.replace(".", "/") + ".class" in present]
                     + ["io.ae4j.AutoEncoderModel"])
    left_out = omissions(readme)
    used = set()

    def excused(key):
        hits = [k for k in left_out if fnmatch.fnmatchcase(key, k)]
        used.update(hits)
        return bool(hits)

    def covariant(gsig, asig):
        """ae4j returns a subclass of genmodel's return type (callers compile unchanged)."""
        return gsig["throws"] == asig["throws"] and gsig["return"] in superclasses(ajar, asig["return"])

    problems, checked = [], 0
    for g in gclasses:
        a = aclass[g]
        if a not in amembers:
            if not excused(g):
                problems.append(f"missing class {g} (ae4j: {a})")
            continue
        owners = [(g, gm[g], amembers[a])]
        if g == "hex.genmodel.MojoModel":  # with GenModel's members; ae4j's are on AutoEncoderModel
            model = amembers[a] + amembers["io.ae4j.AutoEncoderModel"]
            owners = [(g, gm[g], model), ("hex.genmodel.GenModel", gm["hex.genmodel.GenModel"], model)]
        for owner, glines, alines in owners:
            have = {}
            for line in alines:
                k, sig = parse(line, a)
                have.setdefault(k, sig)
            for line in glines:
                k, sig = parse(rename(line), owner)
                if owner == "hex.genmodel.GenModel" and k.startswith("<init>"):
                    continue  # GenModel's constructors are for generated POJOs (subclasses), not callers
                full = owner + "#" + k
                checked += 1
                if k not in have:
                    if not excused(full):
                        problems.append(f"missing {full}")
                    continue
                if have[k] != sig and not covariant(sig, have[k]) and not excused(full):
                    problems.append(f"different {full}: genmodel {sig}, ae4j {have[k]}")
    stale = [k for k in left_out if k not in used]
    for k in stale:
        problems.append(f"README lists {k} as left out, but genmodel has no such member (or ae4j has it)")
    for p in problems:
        print("surface: " + p)
    print(f"surface: {checked} genmodel members in {len(gclasses)} classes checked, {len(left_out)} left out"
          f" as documented, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
