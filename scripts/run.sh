#!/usr/bin/env bash
# `make run`: migrate, load the demo, then start the web server, a Celery worker and Celery
# beat together, served like production (scripts/local_env.sh); Ctrl-C stops all three.
# The demo logins are printed last, once all three have started.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/local_env.sh
PY=.venv/bin/python
mkdir -p var/celery/queue var/celery/processed var/celery/control var/mail var/log

$PY manage.py migrate --noinput || exit 1
$PY manage.py seed_demo --on-a-served-instance >var/demo-logins.txt || exit 1

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  echo "Stopped."
}
trap stop INT TERM EXIT

# Worker and beat write only to their logs (a fresh one each run), so the console shows the
# web server's requests and, once everything is up, the logins.
for name in worker beat; do
  [ -f "var/log/celery-$name.log" ] && mv "var/log/celery-$name.log" "var/log/celery-$name.log.1"
done
$PY manage.py runserver "127.0.0.1:$PORT" --noreload &
pids+=($!)
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=1 --pool=solo \
  --logfile=var/log/celery-worker.log >>var/log/celery-worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --logfile=var/log/celery-beat.log \
  >>var/log/celery-beat.log 2>&1 &
pids+=($!)

all_running() { for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done; }
started() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null \
    && grep -qs " ready\." var/log/celery-worker.log \
    && grep -qs "beat: Starting" var/log/celery-beat.log
}
for _ in $(seq 1 120); do
  started && break
  if ! all_running; then
    echo "The web server, worker or beat did not start: see the messages above and var/log/." >&2
    exit 1
  fi
  sleep 0.5
done
started || echo "Still starting after a minute: see var/log/ if pages do not answer." >&2

cat <<MSG

  Safeguarding Practice Reviews is running at http://127.0.0.1:$PORT/
  Emails are written to var/mail/; worker and beat logs are in var/log/.

$(cat var/demo-logins.txt)

  Press Ctrl-C to stop the web server, worker and beat.

MSG
# Stop everything as soon as any one of the three exits.
wait -n
