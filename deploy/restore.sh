#!/bin/sh
# Restore a backup made by deploy/backup.sh into an EMPTY database and media folder.
#
#   createdb portfolio_restored
#   DATABASE_URL=postgres://user:password@host:5432/portfolio_restored \
#   MEDIA_ROOT=/app/media deploy/restore.sh /backups/2026-11-29
#
# Refuses a database that already has tables, or a media folder that is not empty,
# so a restore can never mix two sites. Checks SHA256SUMS first. After it, point the
# site at the restored database and run `manage.py migrate` (a no-op for a backup of
# the same release; it brings an older backup up to date).
set -eu

usage() { echo "usage: DATABASE_URL=postgres://... [MEDIA_ROOT=dir] $0 BACKUP_DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
source_dir=$1
: "${DATABASE_URL:?DATABASE_URL must point at the empty database to restore into}"
[ -f "$source_dir/database.dump" ] || { echo "restore.sh: no database.dump in $source_dir" >&2; exit 1; }

(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS) || {
    echo "restore.sh: the backup's files do not match SHA256SUMS" >&2
    exit 1
}

tables=$(psql --dbname="$DATABASE_URL" --tuples-only --no-align --command \
    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
    echo "restore.sh: the target database already has $tables tables; restore into an empty one" >&2
    exit 1
fi

media=${MEDIA_ROOT:-media}
if [ -f "$source_dir/media.tar.gz" ]; then
    if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
        echo "restore.sh: the media folder $media is not empty" >&2
        exit 1
    fi
fi

# One transaction: a failed restore leaves the database empty, not half-written.
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
    --dbname="$DATABASE_URL" "$source_dir/database.dump"

if [ -f "$source_dir/media.tar.gz" ]; then
    mkdir -p "$media"
    tar -xzf "$source_dir/media.tar.gz" -C "$media"
fi
echo "restore.sh: restored $source_dir"
