#!/bin/sh
# Runs once, when PostgreSQL first initialises the pgdata volume (the postgres image runs
# /docker-entrypoint-initdb.d/): creates spr_app, the role the application connects as. It
# owns nothing; compose's migrate service grants its rights after every migrate
# (python manage.py db_grant_app_role spr_app). For a volume made before this script, run
# the same CREATE ROLE once by hand (README.md, "Database roles").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE spr_app LOGIN PASSWORD :'app_password';
SQL
