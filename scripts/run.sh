#!/usr/bin/env bash
# Starts the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
PORT="${PORT:-8000}"
PY=.venv/bin/python
mkdir -p var/celery/queue var/celery/processed var/celery/control var/mail var/log
pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  echo "Stopped."
}
trap stop INT TERM EXIT

$PY manage.py runserver "127.0.0.1:$PORT" --noreload &
pids+=($!)
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=1 --pool=solo \
  --logfile=var/log/celery-worker.log &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --logfile=var/log/celery-beat.log &
pids+=($!)

sleep 2
cat <<MSG

  Safeguarding Practice Reviews is running at http://127.0.0.1:$PORT/
  Emails are written to var/mail/; worker and beat logs are in var/log/.

$(cat var/demo-logins.txt)

  Press Ctrl-C to stop the web server, worker and beat.

MSG
# Stop everything as soon as any one of the three exits.
wait -n
