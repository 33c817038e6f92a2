# Sourced by scripts/run.sh: the settings `make run` serves with on this machine. Like
# production (DEBUG off: the service's own error pages), except that it answers plain
# HTTP on localhost and, when SECRET_KEY is not set, keeps a generated key in var/ (mode
# 600) so sessions survive a restart. Production never reads that file: there a missing
# SECRET_KEY still refuses to start (config/settings.py).
export DEBUG="${DEBUG:-false}"
export PORT="${PORT:-8000}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_COOKIES="${SECURE_COOKIES:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
# Links in emails point at this server (config/settings.py builds SITE_URL from PORT).
if [ -z "${SECRET_KEY:-}" ]; then
  _key_file="${VAR_DIR:-var}/secret_key"
  if [ ! -s "$_key_file" ]; then
    mkdir -p "$(dirname "$_key_file")"
    (umask 077 && python3 -c "import secrets; print(secrets.token_urlsafe(50))" \
      >"$_key_file.new" && mv "$_key_file.new" "$_key_file")
  fi
  chmod 600 "$_key_file"
  SECRET_KEY="$(cat "$_key_file")"
  export SECRET_KEY
  unset _key_file
fi
