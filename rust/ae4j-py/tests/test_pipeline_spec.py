"""ae4j.pipeline.Spec: the builder writes the contract's JSON and refuses malformed steps at once."""

import json

import pytest

from ae4j.pipeline import Spec, SpecError, column, number

RAW = {"ts": "timestamp", "amount": "number", "merchant": "string", "online": "boolean"}


def test_every_op_writes_the_contract_json():
    spec = (Spec(inputs=RAW)
            .derive("log_amount", "log1p(amount)")
            .rename("online", "is_online")
            .fill_missing("amount", 0)
            .map("merchant", {"amazon": "amazon", "ebay": "ebay"}, default="other",
                 into="merchant_group")
            .bucketize("amount", [0, 10, 100, 1000], into="amount_bin", labels=["s", "m", "l"])
            .clip("log_amount", min=0, max=7.5)
            .drop("ts"))
    assert spec.to_dict() == {
        "ae4j_pipeline": 1,
        "inputs": [{"name": "ts", "type": "timestamp"}, {"name": "amount", "type": "number"},
                   {"name": "merchant", "type": "string"}, {"name": "online", "type": "boolean"}],
        "steps": [
            {"op": "derive", "name": "log_amount", "expr": "log1p(amount)"},
            {"op": "rename", "from": "online", "to": "is_online"},
            {"op": "fill_missing", "column": "amount", "value": 0.0},
            {"op": "map", "column": "merchant", "mapping": {"amazon": "amazon", "ebay": "ebay"},
             "default": "other", "into": "merchant_group"},
            {"op": "bucketize", "column": "amount", "edges": [0.0, 10.0, 100.0, 1000.0],
             "into": "amount_bin", "labels": ["s", "m", "l"]},
            {"op": "clip", "column": "log_amount", "min": 0.0, "max": 7.5},
            {"op": "drop", "columns": ["ts"]},
        ],
    }
    assert spec.columns == ["amount", "merchant", "is_online", "log_amount", "merchant_group",
                            "amount_bin"]


def test_json_round_trip_save_and_load(tmp_path):
    spec = Spec(inputs=RAW, model_fingerprint="abc").derive("r", "amount / 3.0").clip("r", max=1e-08)
    path = tmp_path / "spec.json"
    spec.save(path)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["steps"][1] == {"op": "clip", "column": "r", "max": 1e-08}
    assert Spec.load(path) == spec
    assert Spec.from_json(spec.to_json()).to_json() == text


def test_inputs_forms_and_timestamp_unit():
    a = Spec(inputs=[("ts", "timestamp"), {"name": "x", "type": "number"}])
    b = Spec(inputs={"ts": "timestamp", "x": "number"})
    assert a == b
    assert Spec(inputs=[{"name": "t", "type": "timestamp", "unit": "ms"}]).inputs[0]["unit"] == "ms"


@pytest.mark.parametrize("inputs, message", [
    ({"x": "float"}, "type 'float' is not one of"),
    ([("x", "number"), ("x", "string")], "duplicate input name 'x'"),
    ({"": "number"}, "non-empty string"),
    ([{"name": "x", "type": "number", "unit": "ms"}], "unit is for timestamps"),
    ([{"name": "x", "type": "number", "nullable": True}], "unknown keys ['nullable']"),
])
def test_bad_inputs_are_refused(inputs, message):
    with pytest.raises(SpecError, match=None) as e:
        Spec(inputs=inputs)
    assert message in str(e.value)


@pytest.mark.parametrize("build, message", [
    (lambda s: s.derive("y", "log1p(nope)"), "step 1 (derive y): column 'nope' does not exist"),
    (lambda s: s.derive("y", "frobnicate(amount)"), "unknown function 'frobnicate' at position 0"),
    (lambda s: s.derive("y", "(amount + 1"), "unclosed '('"),
    (lambda s: s.derive("y", "amount ? 1"), "unexpected character '?' at position 7"),
    (lambda s: s.derive("y", "  "), "empty expression"),
    (lambda s: s.rename("amount", "merchant"), "target 'merchant' exists already"),
    (lambda s: s.drop("amount", "gone"), "column 'gone' does not exist"),
    (lambda s: s.fill_missing("amount", float("nan")), "must be finite"),
    (lambda s: s.map("merchant", {"a": 1}), "mapping must map strings to strings"),
    (lambda s: s.bucketize("amount", [3, 1]), "edges must be sorted ascending"),
    (lambda s: s.bucketize("amount", [1]), "at least 2 values"),
    (lambda s: s.bucketize("amount", [0, 1, 2], labels=["a"]), "labels must be 2 strings"),
    (lambda s: s.clip("amount"), "needs min, max or both"),
    (lambda s: s.clip("amount", min=2, max=1), "min 2.0 > max 1.0"),
    (lambda s: s.derive("a", "amount").derive("b", "zz"), "step 2 (derive b): column 'zz'"),
])
def test_bad_steps_name_the_step_and_column(build, message):
    with pytest.raises(SpecError) as e:
        build(Spec(inputs=RAW))
    assert message in str(e.value)


def test_a_failed_step_leaves_the_spec_unchanged():
    spec = Spec(inputs=RAW).derive("a", "amount")
    with pytest.raises(SpecError):
        spec.derive("b", "missing_col")
    assert len(spec.steps) == 1 and spec.columns == list(RAW) + ["a"]


def test_from_dict_refuses_unknown_ops_keys_and_versions():
    base = {"ae4j_pipeline": 1, "inputs": [{"name": "x", "type": "number"}]}
    with pytest.raises(SpecError, match="unknown op 'explode'"):
        Spec.from_dict(dict(base, steps=[{"op": "explode"}]))
    with pytest.raises(SpecError, match=r"clip takes \['column'\]"):
        Spec.from_dict(dict(base, steps=[{"op": "clip", "column": "x", "lo": 0}]))
    with pytest.raises(SpecError, match='needs "ae4j_pipeline": 1'):
        Spec.from_dict(dict(base, ae4j_pipeline=2))
    with pytest.raises(SpecError, match="unknown top-level keys"):
        Spec.from_dict(dict(base, extra=1))


def test_keywords_strings_and_backquoted_columns_are_no_column_references():
    spec = Spec(inputs={"sepal length (cm)": "number", "s": "string"})
    spec.derive("ok", 'if(`sepal length (cm)` > 1.5 and not is_missing(s), concat(s, "x(y"), null)')
    assert spec.columns[-1] == "ok"


def test_literals_and_column_references():
    assert number(0.1) == "0.1"
    assert number(34.105000000000004) == "34.105000000000004"
    assert number(-0.5) == "(-0.5)"
    assert number(1e-08) == "1e-08"
    assert float(number(2 / 3)) == 2 / 3
    with pytest.raises(ValueError):
        number(float("inf"))
    assert column("amount") == "amount"
    assert column("hour") == "`hour`"           # a function name
    assert column("not") == "`not`"             # a keyword
    assert column("sepal length (cm)") == "`sepal length (cm)`"
    with pytest.raises(ValueError):
        column("a`b")
