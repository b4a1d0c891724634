#!/bin/sh
# Back up the site: the PostgreSQL database in pg_dump's custom format, and the media
# folder (uploaded images and documents) as a tar archive, into a new folder.
#
#   DATABASE_URL=postgres://user:password@host:5432/portfolio \
#   MEDIA_ROOT=/app/media deploy/backup.sh /backups/2026-11-29
#
# Writes DIR/database.dump (restore with deploy/restore.sh or pg_restore), DIR/media.tar.gz
# (when MEDIA_ROOT exists; with an S3 bucket, back the bucket up with versioning or
# `aws s3 sync` instead: README "Backups") and DIR/SHA256SUMS. Needs pg_dump (Debian's
# postgresql-client, the same major version as the server or newer) and tar.
# Safe while the site runs: pg_dump reads one consistent snapshot.
set -eu

usage() { echo "usage: DATABASE_URL=postgres://... [MEDIA_ROOT=dir] $0 NEW_DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
target=$1
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to back up}"
case "$DATABASE_URL" in
    postgres://*|postgresql://*) ;;
    *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL (SQLite: copy db.sqlite3)" >&2; exit 2 ;;
esac
if [ -e "$target" ] && [ -n "$(ls -A "$target" 2>/dev/null)" ]; then
    echo "backup.sh: $target exists and is not empty; choose a new folder" >&2
    exit 1
fi
mkdir -p "$target"

# --no-owner/--no-privileges: restorable by another role, into another server.
pg_dump --format=custom --compress=6 --no-owner --no-privileges \
    --file="$target/database.dump" --dbname="$DATABASE_URL"

media=${MEDIA_ROOT:-media}
if [ -d "$media" ]; then
    tar -czf "$target/media.tar.gz" -C "$media" .
else
    echo "backup.sh: no media folder at $media (media in a bucket?): database only" >&2
fi

(cd "$target" && sha256sum database.dump $( [ -f media.tar.gz ] && echo media.tar.gz ) > SHA256SUMS)
echo "backup.sh: wrote $(ls "$target" | tr '\n' ' ')in $target"
