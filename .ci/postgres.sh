#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: run as the non-root user 'postgres' in a
# temporary folder, listening only on a private Unix socket (no TCP).
#
#   .ci/postgres.sh install     installs Debian's postgresql package if it is missing
#   .ci/postgres.sh start DIR   installs postgresql if missing, creates and starts the cluster
#                               in DIR, creates the database 'workbench' and prints its URL
#   .ci/postgres.sh stop DIR    stops the cluster and removes DIR
set -euo pipefail
action=${1:?usage: postgres.sh install | start DIR | stop DIR}
dir=${2:-}
if [ "$action" != install ] && [ -z "$dir" ]; then echo "usage: postgres.sh start|stop DIR" >&2; exit 2; fi
port=${WB_PG_PORT:-54329}
pg_user=postgres

bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

install_if_missing() {
    if [ -z "$(bindir)" ]; then
        echo "Installing PostgreSQL (Debian's postgresql package)..." >&2
        flock /tmp/apt.lock apt-get install -y -q postgresql >&2 \
            || { flock /tmp/apt.lock apt-get update -q >&2 \
                 && flock /tmp/apt.lock apt-get install -y -q postgresql >&2; }
    fi
}

case "$action" in
install)
    install_if_missing
    ;;
start)
    install_if_missing
    bin=$(bindir)
    if [ "$(id -u)" != 0 ]; then pg_user=$(id -un); fi
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown "$pg_user" "$dir"; fi
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
        -o "-k $dir -p $port -c listen_addresses='' -c fsync=off -c max_connections=100" >/dev/null
    as_pg "$bin/createdb" -h "$dir" -p "$port" -U postgres workbench
    echo "postgresql+psycopg://postgres@/workbench?host=$dir&port=$port"
    ;;
stop)
    bin=$(bindir)
    if [ -n "$bin" ] && [ -d "$dir/data" ]; then
        if [ "$(id -u)" != 0 ]; then pg_user=$(id -un); fi
        as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
