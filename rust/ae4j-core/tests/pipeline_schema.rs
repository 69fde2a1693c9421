//! docs/pipeline.schema.json against the spec ae4j reads: every example spec (the docs', the
//! fixtures') validates and compiles, what serde refuses the schema refuses, and the schema
//! knows every step op and field.

use std::path::{Path, PathBuf};

use ae4j_core::pipeline::{Pipeline, Spec};
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read(root().join("docs/pipeline.schema.json")).unwrap();
    jsonschema::validator_for(&serde_json::from_slice(&text).unwrap()).unwrap()
}

/// The JSON blocks of docs/pipeline.md that are specs.
fn doc_examples() -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/pipeline.md")).unwrap();
    doc.split("```json\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_string())
        .filter(|block| block.contains("\"ae4j_pipeline\""))
        .collect()
}

fn examples() -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = doc_examples()
        .into_iter()
        .enumerate()
        .map(|(i, text)| (format!("docs/pipeline.md example {}", i + 1), text))
        .collect();
    for path in [
        "tests/fixtures/pipeline/pipeline.json",
        "tests/fixtures/pipeline-examples/synth_tanh.pipeline.json",
    ] {
        all.push((
            path.into(),
            std::fs::read_to_string(root().join(path)).unwrap(),
        ));
    }
    all
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| e.to_string()).collect()
}

#[test]
fn every_example_validates_and_compiles() {
    let v = schema();
    let examples = examples();
    assert!(examples.len() >= 5, "{}", examples.len());
    for (name, text) in examples {
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            errors(&v, &doc).is_empty(),
            "{name}: {:?}",
            errors(&v, &doc)
        );
        let p = Pipeline::from_json(text.as_bytes(), &name).unwrap_or_else(|e| panic!("{e}"));
        let written: Value = serde_json::from_str(&p.to_json()).unwrap();
        assert!(
            errors(&v, &written).is_empty(),
            "{name} as written: {:?}",
            errors(&v, &written)
        );
    }
}

#[test]
fn what_serde_refuses_the_schema_refuses() {
    let v = schema();
    let base =
        || json!({"ae4j_pipeline": 1, "inputs": [{"name": "x", "type": "number"}], "steps": []});
    let mut cases = Vec::new();
    for step in [
        json!({"op": "scale", "column": "x"}),
        json!({"op": "derive", "name": "y"}),
        json!({"op": "clip", "column": "x", "minimum": 0}),
        json!({"op": "map", "column": "x", "mapping": {"a": 1}}),
        json!({"op": "bucketize", "column": "x", "edges": "0,1"}),
        json!({"op": "drop", "columns": "x"}),
        json!({"column": "x"}),
    ] {
        let mut doc = base();
        doc["steps"] = json!([step]);
        cases.push(doc);
    }
    let mut extra = base();
    extra["extra"] = json!(1);
    let mut version = base();
    version["ae4j_pipeline"] = json!(2);
    let mut input = base();
    input["inputs"] = json!([{"name": "x", "type": "date"}]);
    cases.extend([extra, version, input, json!({"inputs": []})]);
    for doc in cases {
        assert!(!v.is_valid(&doc), "the schema accepts {doc}");
        assert!(
            Pipeline::from_json(doc.to_string().as_bytes(), "t").is_err(),
            "ae4j accepts {doc}"
        );
    }
}

#[test]
fn the_schema_knows_every_op_and_field() {
    let schema: Value =
        serde_json::from_slice(&std::fs::read(root().join("docs/pipeline.schema.json")).unwrap())
            .unwrap();
    // One spec with every op, every optional field given.
    let full: Spec = serde_json::from_value(json!({
        "ae4j_pipeline": 1, "model_fingerprint": "f",
        "inputs": [{"name": "t", "type": "timestamp", "unit": "ms"}, {"name": "s", "type": "string"}],
        "steps": [
            {"op": "derive", "name": "x", "expr": "epoch(t)"},
            {"op": "rename", "from": "x", "to": "y"},
            {"op": "fill_missing", "column": "y", "value": 0},
            {"op": "map", "column": "s", "mapping": {"a": "b"}, "default": "c", "into": "m"},
            {"op": "bucketize", "column": "y", "edges": [0, 1], "labels": ["one"], "into": "b"},
            {"op": "clip", "column": "y", "min": 0, "max": 1, "into": "c"},
            {"op": "drop", "columns": ["t"]}
        ]
    }))
    .unwrap();
    let written: Value = serde_json::to_value(&full).unwrap();
    let ops: Vec<&str> = schema["$defs"]["step"]["properties"]["op"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    for step in written["steps"].as_array().unwrap() {
        let op = step["op"].as_str().unwrap();
        assert!(ops.contains(&op), "{op}");
        let properties = schema["$defs"][op]["properties"].as_object().unwrap();
        for field in step.as_object().unwrap().keys() {
            assert!(
                properties.contains_key(field),
                "{op}.{field} is not in the schema"
            );
        }
        assert_eq!(
            properties.len(),
            step.as_object().unwrap().len(),
            "{op}: fields"
        );
    }
    assert_eq!(ops.len(), written["steps"].as_array().unwrap().len());
    assert!(schema::is_valid(&written));
}

mod schema {
    pub fn is_valid(doc: &serde_json::Value) -> bool {
        super::schema().is_valid(doc)
    }
}
