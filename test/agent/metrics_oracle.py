# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""docs/metrics.md as the oracle of a metrics exposition.

The docs' table says, per metric, its type, its labels and which member of
the stats record (or the startup record) each sample equals; its "Not
exported" table names the stats members without a metric. check() reads an
exposition (the file, or node_exporter's answer to a scrape) with a parser
of its own and holds it to the docs and to the JSON records:

- every execsensor_* family is in the docs, with the docs' type, a HELP line
  and exactly the docs' labels; listed label values are all there;
- every sample equals the member its row names, with {label} replaced;
- a row whose member is null or absent has no sample, others exactly theirs;
- every number of the stats record is either some sample's or not exported.

usage (a check by hand): metrics_oracle.py DOCS/metrics.md RECORDS.json EXPOSITION
"""
import json
import re
import sys

import estest

_CODE = re.compile(r"`([^`]+)`")
_LABEL = re.compile(r"`(?P<name>\w+)`(?: \((?P<values>[^)]*)\)| = `(?P<path>[^`]+)`)?")
_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})?"
                     r" (?P<value>\S+)(?: -?\d+)?$")
_PAIR = re.compile(r'\s*(\w+)="((?:[^"\\]|\\.)*)"\s*(?:,|$)')


def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse_docs(path):
    """(rows, not_exported): rows by metric name, and the stats members not exported."""
    rows, excluded, section = {}, [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                section = line[3:].strip()
                continue
            if not line.startswith("| `"):
                continue
            cells = _cells(line)
            if section == "Metrics":
                name, kind, labels, equals = cells
                spec = {}
                for m in _LABEL.finditer(labels):
                    values = _CODE.findall(m["values"] or "")
                    spec[m["name"]] = {"values": values or None, "path": m["path"]}
                rows[_CODE.findall(name)[0]] = {"type": kind, "labels": spec,
                                                "equals": _CODE.findall(equals)[0]}
            elif section == "Not exported":
                excluded += _CODE.findall(cells[0])
    return rows, excluded


def _unescape(value):
    return re.sub(r'\\(.)', lambda m: "\n" if m[1] == "n" else m[1], value)


def parse_exposition(text):
    """{family: {"type", "help", "samples": [(labels, value string)]}}; malformed lines raise."""
    families = {}

    def family(name):
        return families.setdefault(name, {"type": None, "help": None, "samples": []})

    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                fam = family(parts[2])
                key = parts[1].lower()
                if fam[key] is not None:
                    raise AssertionError(f"line {n}: a second {parts[1]} for {parts[2]}")
                fam[key] = parts[3] if len(parts) > 3 else ""
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise AssertionError(f"line {n} is not a sample: {line!r}")
        labels = {}
        rest = m["labels"] or ""
        while rest:
            p = _PAIR.match(rest)
            if not p:
                raise AssertionError(f"line {n}: bad labels {m['labels']!r}")
            labels[p[1]] = _unescape(p[2])
            rest = rest[p.end():]
        family(m["name"])["samples"].append((labels, m["value"]))
    return families


def label_text(value):
    """A JSON value as the metrics write it in a label (docs/metrics.md)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    raw = value.encode("utf-8", "surrogateescape")
    return "".join(chr(c) if 0x20 <= c < 0x7f else "\\x%02x" % c for c in raw)


def _resolve(records, path, labels):
    """The member at @path ({label} replaced), or None; and its path with [] for elements."""
    root, rest = records["stats"], path
    if path.startswith("startup."):
        root, rest = records["startup"], path[len("startup."):]
    node, shape = root, []
    for part in rest.split("."):
        m = re.fullmatch(r"(\w+|\{\w+\}\w*)(?:\[\{(\w+)\}\])?", part)
        if m is None:
            raise AssertionError(f"docs: cannot read member path {path!r}")
        key = re.sub(r"\{(\w+)\}", lambda k: labels[k[1]], m[1])
        node = node.get(key) if isinstance(node, dict) else None
        shape.append(key)
        if m[2] is not None:
            # The element named by the label, as the label writes names.
            named = [e for e in node or [] if labels[m[2]] in
                     (label_text(e.get("name", "")), e.get("map"))]
            node = named[0] if len(named) == 1 else None
            shape[-1] += "[]"
        if node is None:
            break
    return node, ".".join(shape)


def _expected(records, equals, labels):
    """(the value a sample must have or None when absent, the stats leaf it covers)."""
    if equals == "1":
        return 1.0, None
    path, _, divisor = equals.partition(" / ")
    value, shape = _resolve(records, path, labels)
    if value is None:
        return None, shape
    if isinstance(value, bool):
        return float(value), shape
    if divisor == "1e9":
        # The decimal the file holds, as the exposition's float must parse it.
        return float(f"{value // 10**9}.{value % 10**9:09d}"), shape
    estest.check(not divisor, f"docs: unknown divisor in {equals!r}")
    return float(value), shape


def _leaves(node, prefix=""):
    """Every number (and boolean) of a record, by its path with [] for array elements."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(node, list):
        for v in node:
            yield from _leaves(v, prefix + "[]")
    elif isinstance(node, (int, float)):
        yield prefix


def _check_family(name, row, fam, records, problems, covered):
    if fam["type"] != row["type"]:
        problems.append(f"{name}: TYPE {fam['type']}, the docs say {row['type']}")
    if not fam["help"]:
        problems.append(f"{name}: no HELP")
    for labels, value in fam["samples"]:
        if set(labels) != set(row["labels"]):
            problems.append(f"{name}: labels {sorted(labels)}, the docs say "
                            f"{sorted(row['labels'])}")
            continue
        for label, spec in row["labels"].items():
            if spec["path"]:
                want, _ = _resolve(records, spec["path"], labels)
                if want is None or labels[label] != label_text(want):
                    problems.append(f"{name}{labels}: {label} should be {want!r}")
        want, shape = _expected(records, row["equals"], labels)
        if want is None or float(value) != want:
            problems.append(f"{name}{labels} = {value}, {row['equals']} is {want!r}")
        covered.add(shape)
    for label, spec in row["labels"].items():
        seen = sorted(labels[label] for labels, _ in fam["samples"] if label in labels)
        if spec["values"] and seen != sorted(spec["values"]):
            problems.append(f"{name}: {label} values {seen}, the docs say {spec['values']}")


def _array_of(row, label):
    """The array whose elements @label names in @row's members, or None."""
    for path in [row["equals"]] + [v["path"] for v in row["labels"].values() if v["path"]]:
        m = re.match(r"(.*?)\[\{%s\}\]" % label, path)
        if m:
            return m[1]
    return None


def check(text, startup, stats, docs):
    """Every problem found in exposition @text against the two records: [] when none."""
    rows, excluded = parse_docs(docs)
    records = {"startup": startup, "stats": stats}
    families = {k: v for k, v in parse_exposition(text).items() if k.startswith("execsensor_")}
    problems, covered = [], set()
    for name in sorted(set(families) - set(rows)):
        problems.append(f"{name}: not in the docs")
    for name, row in rows.items():
        fam = families.get(name)
        free = [k for k, v in row["labels"].items() if not v["path"]]
        if fam is None:
            # Absent: the member must be null (rows with free labels: checked by coverage).
            if not free and _expected(records, row["equals"], {})[0] is not None:
                problems.append(f"{name}: missing, {row['equals']} is not null")
            continue
        if not free and len(fam["samples"]) != 1:
            problems.append(f"{name}: {len(fam['samples'])} samples, one expected")
        _check_family(name, row, fam, records, problems, covered)
    patterns = [re.escape(e).replace(r"\*", r"[^.]+") for e in excluded]
    for leaf in sorted(set(_leaves(stats))):
        if leaf not in covered and not any(re.fullmatch(p, leaf) for p in patterns):
            problems.append(f"stats member {leaf}: no metric has it, and it is not listed "
                            f"as not exported")
    # A label standing for an array's elements: one sample per element.
    for name, row in rows.items():
        for label in row["labels"]:
            array = _array_of(row, label)
            if array and name in families:
                elements, _ = _resolve(records, array, {})
                count = len(families[name]["samples"])
                if count != len(elements or []):
                    problems.append(f"{name}: {count} samples for {len(elements or [])} "
                                    f"elements of {array}")
    return problems


def main():
    docs, records_path, exposition = sys.argv[1:4]
    with open(records_path, "rb") as f:
        records = [json.loads(line) for line in f if line.strip()]
    startup = [r for r in records if r["event"] == "startup"][-1]
    stats = [r for r in records if r["event"] == "stats"][-1]
    with open(exposition, encoding="utf-8") as f:
        problems = check(f.read(), startup, stats, docs)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
