"""Issue 20, item 9: the published JSON Schemas pass a strict validator (ajv's strict mode).

ajv (node) is not a test dependency, so this checks what its strict mode refuses, in Python:
the schema is valid against the 2020-12 metaschema, uses no keyword outside the 2020-12
vocabulary (pydantic's OpenAPI `discriminator` was one) and no format ajv does not know
(our `fraction` was one). Checked by hand with ajv-cli 5.0.0:
`ajv compile --spec=draft2020 --strict=true -s docs/design.schema.json` → valid, and
`ajv validate ... -d "examples/*.yaml"` → every example valid.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from archproof.cli.model_cmds import design_schema

ROOT = Path(__file__).resolve().parents[1]

KEYWORDS = {
    # core and applicator
    "$schema", "$id", "$ref", "$defs", "$comment", "$anchor", "$dynamicRef", "$dynamicAnchor",
    "$vocabulary", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
    "prefixItems", "items", "contains", "properties", "patternProperties",
    "additionalProperties", "propertyNames", "unevaluatedItems", "unevaluatedProperties",
    # validation
    "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired",
    # format, content, meta-data
    "format", "contentEncoding", "contentMediaType", "contentSchema", "title", "description",
    "default", "deprecated", "readOnly", "writeOnly", "examples",
}  # fmt: skip
# Formats ajv-formats knows; any other is an error in strict mode.
FORMATS = {
    "date", "time", "date-time", "duration", "uri", "uri-reference", "uri-template", "url",
    "email", "hostname", "ipv4", "ipv6", "regex", "uuid", "json-pointer",
    "relative-json-pointer", "byte", "int32", "int64", "float", "double", "password", "binary",
}  # fmt: skip
NAMED = {"properties", "patternProperties", "$defs", "dependentSchemas"}  # keys are names
VALUES = {"enum", "const", "default", "examples", "required", "dependentRequired"}


def _problems(node: Any, where: str = "#") -> list[str]:
    found: list[str] = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            found += _problems(item, f"{where}/{i}")
        return found
    if not isinstance(node, dict):
        return found
    for key, value in node.items():
        here = f"{where}/{key}"
        if key not in KEYWORDS:
            found.append(f"{here}: unknown keyword")
        elif key == "format" and value not in FORMATS:
            found.append(f"{here}: unknown format {value!r}")
        elif key in NAMED:
            for name, sub in value.items():
                found += _problems(sub, f"{here}/{name}")
        elif key not in VALUES:
            found += _problems(value, here)
    return found


SCHEMAS = {
    "design (generated)": design_schema,
    "review": lambda: json.loads((ROOT / "docs" / "review.schema.json").read_text("utf-8")),
}


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_strict(name: str) -> None:
    schema = SCHEMAS[name]()
    Draft202012Validator.check_schema(schema)
    assert _problems(schema) == []


def test_the_check_finds_what_ajv_refuses() -> None:
    bad = {"type": "object", "properties": {"x": {"type": "string", "format": "fraction"}}}
    bad["discriminator"] = {"propertyName": "dist"}
    assert _problems(bad) == [
        "#/properties/x/format: unknown format 'fraction'",
        "#/discriminator: unknown keyword",
    ]
