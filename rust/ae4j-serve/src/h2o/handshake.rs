//! The connect handshake and session calls: `/3/Cloud`, `/3/Metadata/schemas/{name}`,
//! `/4/sessions`, `/3/InitID`, and Rapids (`(rm key)`, `(setTimeZone "UTC")`).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde_json::{json, Value};

use super::keys::{meta, now_millis, random_hex};
use super::{params, H2oError};
use crate::Shared;

/// The H2O version ae4j answers as: the h2o-py release whose calls are recorded and tested.
/// `h2o.init(url)` is strict about it; `h2o.connect(url)` only warns on a mismatch.
pub const H2O_VERSION: &str = "3.46.0.7";

/// `CloudV3`: one healthy node (this process), locked, with H2O's version fields.
pub async fn cloud(State(shared): State<Shared>) -> Json<Value> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let node = json!({
        "__meta": meta("NodeV3", "Iced"),
        "h2o": "ae4j", "ip_port": "ae4j", "healthy": true, "last_ping": now_millis(),
        "pid": std::process::id(), "num_cpus": cpus, "cpus_allowed": cpus, "nthreads": cpus,
        "sys_load": 0.0, "my_cpu_pct": -1, "sys_cpu_pct": -1, "mem_value_size": 0, "pojo_mem": 0,
        "free_mem": 0, "max_mem": 0, "swap_mem": 0, "num_keys": 0, "free_disk": 0, "max_disk": 0,
        "rpcs_active": 0, "fjthrds": [], "fjqueue": [], "tcps_active": 0, "open_fds": -1,
        "gflops": "NaN", "mem_bw": 0.0,
    });
    Json(json!({
        "__meta": meta("CloudV3", "Iced"),
        "_exclude_fields": "",
        "skip_ticks": false,
        "version": H2O_VERSION,
        "branch_name": "rel-3.46.0",
        "last_commit_hash": "ae4j",
        "describe": format!("ae4j {}", env!("CARGO_PKG_VERSION")),
        "compiled_by": "ae4j",
        "compiled_on": "",
        "build_number": "7",
        "build_age": "ae4j",
        "build_too_old": false,
        "node_idx": 0,
        "cloud_name": "ae4j",
        "cloud_size": 1,
        "cloud_uptime_millis": shared.started.elapsed().as_millis() as u64,
        "cloud_internal_timezone": "Etc/UTC",
        "datafile_parser_timezone": "UTC",
        "cloud_healthy": true,
        "bad_nodes": 0,
        "consensus": true,
        "locked": true,
        "is_client": false,
        "nodes": [node],
        "internal_security_enabled": false,
        "leader_idx": 0,
        "web_ip": null,
    }))
}

/// The fields h2o-py turns into attributes, per schema it asks for on connect.
fn schema_fields(name: &str) -> Option<&'static [&'static str]> {
    const ERROR: &[&str] = &[
        "timestamp",
        "error_url",
        "msg",
        "dev_msg",
        "http_status",
        "values",
        "exception_type",
        "exception_msg",
        "stacktrace",
        "__meta",
    ];
    Some(match name {
        "CloudV3" => &[
            "skip_ticks",
            "version",
            "branch_name",
            "last_commit_hash",
            "describe",
            "compiled_by",
            "compiled_on",
            "build_number",
            "build_age",
            "build_too_old",
            "node_idx",
            "cloud_name",
            "cloud_size",
            "cloud_uptime_millis",
            "cloud_internal_timezone",
            "datafile_parser_timezone",
            "cloud_healthy",
            "bad_nodes",
            "consensus",
            "locked",
            "is_client",
            "nodes",
            "internal_security_enabled",
            "leader_idx",
            "web_ip",
            "_exclude_fields",
            "__meta",
        ],
        "H2OErrorV3" => ERROR,
        "H2OModelBuilderErrorV3" => &[
            "parameters",
            "messages",
            "error_count",
            "timestamp",
            "error_url",
            "msg",
            "dev_msg",
            "http_status",
            "values",
            "exception_type",
            "exception_msg",
            "stacktrace",
            "__meta",
        ],
        _ => return None,
    })
}

/// `GET /3/Metadata/schemas/{name}` → `MetadataV3` listing the schema's fields.
pub async fn schema(Path(name): Path<String>) -> Result<Json<Value>, H2oError> {
    let fields =
        schema_fields(&name).ok_or_else(|| H2oError::key_not_found(&name, None, "schemaname"))?;
    let fields: Vec<Value> = fields
        .iter()
        .map(|f| {
            json!({
                "__meta": meta("FieldMetadataV3", "FieldMetadata"),
                "name": f, "type": "", "is_schema": false, "schema_name": null, "value": null,
                "help": f, "label": f, "required": false, "level": "critical",
                "direction": "OUTPUT", "is_inherited": false, "inherited_from": null,
                "is_gridable": false, "values": [], "json": true, "is_member_of_frames": [],
                "is_mutually_exclusive_with": [],
            })
        })
        .collect();
    Ok(Json(json!({
        "__meta": meta("MetadataV3", "Iced"),
        "_exclude_fields": "",
        "routes": null,
        "schemas": [{
            "__meta": meta("SchemaMetadataV3", "SchemaMetadata"),
            "version": 3, "name": name, "label": name, "superclass": "Schema",
            "type": "Iced", "fields": fields, "markdown": "",
        }],
        "markdown": "",
    })))
}

/// `POST /4/sessions` → a new session key.
pub async fn new_session() -> Json<Value> {
    Json(json!({
        "__schema": "/4/schemas/SessionIdV4",
        "session_key": format!("_sid_{}", random_hex(4)),
    }))
}

/// `DELETE /4/sessions/{sid}`: nothing is kept per session here.
pub async fn end_session(Path(sid): Path<String>) -> Json<Value> {
    Json(json!({
        "__meta": meta("InitIDV3", "Iced"),
        "_exclude_fields": "",
        "session_key": sid,
        "session_properties_allowed": true,
    }))
}

/// `GET /3/InitID`: a session key (older clients).
pub async fn init_id() -> Json<Value> {
    Json(json!({
        "__meta": meta("InitIDV3", "Iced"),
        "_exclude_fields": "",
        "session_key": format!("_sid_{}", random_hex(4)),
        "session_properties_allowed": true,
    }))
}

/// A Rapids expression ae4j evaluates.
#[derive(Debug, PartialEq)]
enum Rapids {
    Remove(Vec<String>),
    SetTimeZone,
}

/// `(rm key …)` or `(setTimeZone "…")`; keys may be quoted.
fn parse_rapids(ast: &str) -> Result<Rapids, H2oError> {
    let inner = ast
        .trim()
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| H2oError::bad_request(format!("Rapids: malformed expression '{ast}'")))?;
    let mut words = inner.split_whitespace();
    let unquote = |s: &str| s.trim_matches(|c| c == '"' || c == '\'').to_string();
    match words.next() {
        Some("rm") => {
            let keys: Vec<String> = words.map(unquote).collect();
            if keys.is_empty() {
                return Err(H2oError::bad_request("Rapids: (rm) needs a key"));
            }
            Ok(Rapids::Remove(keys))
        }
        Some("setTimeZone") => Ok(Rapids::SetTimeZone),
        _ => Err(H2oError::bad_request(format!(
            "Rapids: ae4j serve evaluates only (rm key) and (setTimeZone ...), not '{ast}'"
        ))),
    }
}

/// `POST /99/Rapids`: `(rm key)` removes a frame (gone afterwards: 404), like DELETE.
pub async fn rapids(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let p = params::read(&uri, &headers, body, shared.max_body_bytes).await?;
    let ast = p
        .get("ast")
        .ok_or_else(|| H2oError::bad_request("Rapids: missing argument ast"))?;
    let answer = |scalar: Value| {
        json!({
            "__meta": meta("RapidsNumberV3", "Iced"),
            "_exclude_fields": "", "ast": null, "session_id": null, "id": null, "scalar": scalar,
        })
    };
    match parse_rapids(ast)? {
        Rapids::Remove(keys) => {
            let mut store = h2o.frames.lock().unwrap_or_else(|p| p.into_inner());
            for k in &keys {
                store.remove(k);
            }
            Ok(Json(answer(json!(1.0))))
        }
        Rapids::SetTimeZone => Ok(Json(json!({
            "__meta": meta("RapidsStringV3", "Iced"),
            "_exclude_fields": "", "ast": null, "session_id": null, "id": null, "string": "UTC",
        }))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rapids_rm_and_set_time_zone() {
        assert_eq!(
            parse_rapids("(rm scores.hex)").unwrap(),
            Rapids::Remove(vec!["scores.hex".into()])
        );
        assert_eq!(
            parse_rapids("(rm \"a\" b)").unwrap(),
            Rapids::Remove(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            parse_rapids("(setTimeZone \"UTC\")").unwrap(),
            Rapids::SetTimeZone
        );
        assert!(parse_rapids("(cbind a b)").is_err());
        assert!(parse_rapids("rm a").is_err());
    }
}
