#!/usr/bin/env bash
# Runs the product on the embedded SQLite database: migrate, seed the demo data, start the services.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=wsgi
API_PORT=${API_PORT:-5000}
COCKPIT_PORT=${COCKPIT_PORT:-8501}
BIN=.venv/bin

mkdir -p instance
$BIN/flask db upgrade
$BIN/flask seed demo

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

PROMETHEUS_MULTIPROC_DIR="$PWD/instance/prometheus" $BIN/gunicorn -c deploy/gunicorn.conf.py --bind "127.0.0.1:${API_PORT}" --workers 2 wsgi:app &
pids+=($!)
$BIN/flask notify worker &
pids+=($!)
$BIN/flask schedule run & # every command of api/schedules.py, at its time (production: deploy/systemd timers)
pids+=($!)
$BIN/streamlit run cockpit/app.py --server.port "${COCKPIT_PORT}" --server.address 127.0.0.1 >/dev/null &
pids+=($!)

cat <<TXT

浙里民生 is running (Ctrl-C stops everything):
  Mini-app        http://127.0.0.1:${API_PORT}/miniapp/   (浙里办-style H5: pick a demo resident to sign in)
  API health      http://127.0.0.1:${API_PORT}/api/v1/health
  API docs        http://127.0.0.1:${API_PORT}/api/v1/docs
  Cockpit         http://127.0.0.1:${COCKPIT_PORT}   (数字驾驶舱: sign in as official / demo12345)
  SMS worker      console provider: messages appear in this terminal (phones masked)
  Scheduler       runs api/schedules.py's commands (flask schedule list shows them); logs are JSON lines
  Metrics         http://127.0.0.1:${API_PORT}/metrics   (Prometheus); readiness /api/v1/health/ready

Demo accounts (password demo12345):
               official (admin, every bureau)   edu1 (教育局)   eco1 (生态环境)   ocean1 (海洋与渔业)
               dispatcher1 (phone bookings)   collector1 (collection crew)   station1 (redemption station)
               partner keys: demo-bin-key (smart bin), demo-bank-key / demo-insurer-key / demo-market-key (金融助渔)
               residents: pick one in the mock 浙里办 (GET /mock-zlb/residents)
TXT
wait -n "${pids[@]}"
