#!/usr/bin/env bash
# Installs the Debian packages the service needs when they are missing.
#   runtime: WeasyPrint's Pango libraries.   test: Chromium for browser tests, pdftotext,
#   pg_dump and pg_restore (the backup and restore test), redis-server (the soak test's).
set -euo pipefail
want=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
case "${1:-runtime}" in
  runtime)
    have_lib libpango-1.0.so.0 || want+=(libpango-1.0-0)
    have_lib libpangoft2-1.0.so.0 || want+=(libpangoft2-1.0-0)
    ;;
  test)
    [ -x /usr/bin/chromium ] || want+=(chromium)
    [ -x /usr/bin/chromedriver ] || want+=(chromium-driver)
    command -v pdftotext >/dev/null || want+=(poppler-utils)
    command -v redis-server >/dev/null || want+=(redis-server)  # the soak test's own Redis
    command -v pg_restore >/dev/null || want+=(postgresql-client)
    fc-list 2>/dev/null | grep -qi "dejavu\|liberation" || want+=(fonts-dejavu-core)
    ;;
esac
[ ${#want[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${want[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Need root to install: ${want[*]} (apt-get install ${want[*]})" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
