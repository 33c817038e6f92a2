#!/usr/bin/env bash
# Tests run against real PostgreSQL and Redis. Start the local servers if they are
# installed but stopped; otherwise stop with a message saying which one and how.
set -uo pipefail
db_host=$(python3 -c "import os,urllib.parse as u;p=u.urlparse(os.environ['DATABASE_URL']);print(p.hostname or '127.0.0.1', p.port or 5432)")
read -r pg_host pg_port <<<"$db_host"
redis_hostport=$(python3 -c "import os,urllib.parse as u;p=u.urlparse(os.environ['REDIS_URL']);print(p.hostname or '127.0.0.1', p.port or 6379)")
read -r redis_host redis_port <<<"$redis_hostport"

pg_up() { pg_isready -q -h "$pg_host" -p "$pg_port" 2>/dev/null \
  || python3 -c "import socket;socket.create_connection(('$pg_host',$pg_port),2)" 2>/dev/null; }
redis_up() { python3 - "$redis_host" "$redis_port" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)
s.sendall(b"PING\r\n")
sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
PY
}

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "Starting the local PostgreSQL server"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 20); do pg_up && break; sleep 0.5; done
  fi
fi
if ! pg_up; then
  echo "PostgreSQL is not reachable at $pg_host:$pg_port. Start it (for example:" >&2
  echo "  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)" >&2
  echo "or set DATABASE_URL to a server you can reach. No tests were run." >&2
  exit 1
fi
if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Starting the local Redis server"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >/dev/null
    for _ in $(seq 20); do redis_up && break; sleep 0.5; done
  fi
fi
if ! redis_up; then
  echo "Redis is not reachable at $redis_host:$redis_port. Start it (for example:" >&2
  echo "  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no)" >&2
  echo "or set REDIS_URL to a server you can reach. No tests were run." >&2
  exit 1
fi
