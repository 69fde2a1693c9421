#!/usr/bin/env bash
# The guide's raw REST flow, step by step with curl, against an H2O-compatible server:
#   curl_flow.sh URL MODEL CSV_PATH CATEGORICALS_JSON_TYPES OUT_CSV
# ImportFiles → ParseSetup → Parse (column_types given) → Jobs poll → Predictions
# (reconstruction_error, predictions_frame=scores.hex) → GET Frames → DownloadDataset →
# DELETE both frames. Needs curl and python3 (to read JSON). Exits non-zero on any failure.
set -euo pipefail
url=$1 model=$2 file=$3 types=$4 out=$5
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

src=$(curl -sf -X POST "$url/3/ImportFiles" --data-urlencode "path=$file" | json 'd["destination_frames"][0]')
setup=$(curl -sf -X POST "$url/3/ParseSetup" --data-urlencode "source_frames=[\"$src\"]")
names=$(echo "$setup" | json 'json.dumps(d["column_names"])')
sep=$(echo "$setup" | json 'd["separator"]')
ncol=$(echo "$setup" | json 'd["number_columns"]')
job=$(curl -sf -X POST "$url/3/Parse" \
  --data-urlencode "destination_frame=score.hex" \
  --data-urlencode "source_frames=[\"$src\"]" \
  --data-urlencode "parse_type=CSV" --data-urlencode "separator=$sep" \
  --data-urlencode "number_columns=$ncol" --data-urlencode "column_names=$names" \
  --data-urlencode "column_types=$types" --data-urlencode "check_header=1" \
  --data-urlencode "delete_on_done=true" | json 'd["job"]["key"]["name"]')
for _ in $(seq 1 50); do
  status=$(curl -sf "$url/3/Jobs/$job" | json 'd["jobs"][0]["status"]')
  [ "$status" = RUNNING ] || break
  sleep 0.2
done
[ "$status" = DONE ] || { echo "parse job: $status" >&2; exit 1; }
pred=$(curl -sf -X POST "$url/3/Predictions/models/$model/frames/score.hex" \
  -d reconstruction_error=true -d predictions_frame=scores.hex | json 'd["predictions_frame"]["name"]')
[ "$pred" = scores.hex ]
curl -sf "$url/3/Frames/scores.hex?row_count=1000" | json 'd["frames"][0]["rows"]' >/dev/null
curl -sf "$url/3/DownloadDataset?frame_id=scores.hex" -o "$out"
curl -sf -X DELETE "$url/3/Frames/score.hex" >/dev/null
curl -sf -X DELETE "$url/3/Frames/scores.hex" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/3/Frames/scores.hex")
[ "$code" = 404 ] || { echo "scores.hex after DELETE: $code" >&2; exit 1; }
echo "ok"
