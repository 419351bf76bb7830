# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Whether a document of --format ecs is ECS: every field outside execsensor.* is in
ECS's field reference (ecs_fields.csv, next to this file) with a JSON value of the
field's type. Used by the formatter's unit test (test_output.c) and live_ecs.py."""
import csv
import os
import re

from estest import check

FIELDS_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ecs_fields.csv")
# Elasticsearch's date format for ECS dates: RFC 3339 with a zone; we write UTC, ns.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)")
STRING_TYPES = {"keyword", "wildcard", "match_only_text", "constant_keyword", "text"}


def load_fields(path=FIELDS_CSV):
    """{field: (type, is_array)}, without the multi-fields: a "name.text" row is an
    index-time view of "name", never a member of a document."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    fields = {r["field"]: (r["type"], r["normalization"] == "array") for r in rows}
    return {name: t for name, t in fields.items()
            if not (name.endswith(".text") and name[:-5] in fields)}


def flatten(doc, prefix=""):
    """(dotted path, value) of every member that is not an object."""
    for key, value in doc.items():
        if isinstance(value, dict):
            yield from flatten(value, prefix + key + ".")
        else:
            yield prefix + key, value


def of_type(ftype, value):
    """Whether @value, as python's json module gives it, is a value of ECS type @ftype."""
    if ftype in STRING_TYPES:
        return isinstance(value, str)
    if ftype == "long":
        return type(value) is int and -2**63 <= value < 2**63
    if ftype == "date":
        return isinstance(value, str) and RFC3339.fullmatch(value) is not None
    if ftype == "boolean":
        return isinstance(value, bool)
    return False  # ip, float, geo_point, object, nested...: execsensor writes none of them


def check_document(doc, fields):
    """Assert @doc is ECS as execsensor writes it; its {path: value}, flattened."""
    check(not any(name.startswith("execsensor.") for name in fields), "execsensor.* in ECS?")
    flat = dict(flatten(doc))
    check(isinstance(doc.get("execsensor", {}), dict), doc["execsensor"])
    for path, value in flat.items():
        if path.startswith("execsensor."):
            continue
        check(path in fields, f"{path} is not an ECS field ({value!r})")
        ftype, array = fields[path]
        if array:
            check(isinstance(value, list), f"{path}: a list of {ftype}: {value!r}")
            values = value
        else:
            values = [value]
        for v in values:
            check(of_type(ftype, v), f"{path}: {v!r} is not of type {ftype}")
    for required in ("@timestamp", "ecs.version", "event.kind", "event.action"):
        check(required in flat, f"no {required}: {doc}")
    return flat
