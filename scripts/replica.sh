#!/bin/sh
# A real PostgreSQL streaming replica of the local server, for the cockpit (COCKPIT_DATABASE_URL) and its test.
#
#   scripts/replica.sh start   # base backup of 127.0.0.1:5432, replica on 127.0.0.1:54329 (REPLICA_PORT)
#   scripts/replica.sh stop    # stop it and delete its data directory
#
# The primary must accept replication connections from 127.0.0.1. If its pg_hba.conf has no replication rule,
# this script APPENDS one ("host replication all 127.0.0.1/32 trust", the same trust the local server already
# gives 127.0.0.1) and reloads the server; it checks first, so running it again changes nothing. wal_level must be
# replica or logical (Debian's default is replica) and max_wal_senders > 0; the script refuses otherwise.
# Uses Debian's PostgreSQL binaries (/usr/lib/postgresql/<newest>/bin); runs the replica as the postgres user.
set -eu

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PORT=${REPLICA_PORT:-54329}
DATA=${REPLICA_DATA:-/tmp/zheli-replica-$PORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PSQL="psql -h $PRIMARY_HOST -p $PRIMARY_PORT -U postgres -Atq"

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
start)
    level=$($PSQL -c "show wal_level")
    senders=$($PSQL -c "show max_wal_senders")
    if [ "$level" = minimal ] || [ "$senders" = 0 ]; then
        echo "primary has wal_level=$level max_wal_senders=$senders: streaming replication needs replica and > 0" >&2
        exit 1
    fi
    rules=$($PSQL -c "select count(*) from pg_hba_file_rules where 'replication' = any(database) and error is null")
    if [ "$rules" = 0 ]; then
        hba=$($PSQL -c "show hba_file")
        echo "adding a replication rule for 127.0.0.1 to $hba and reloading the primary"
        echo "host replication all 127.0.0.1/32 trust  # added by zheli scripts/replica.sh" >>"$hba"
        $PSQL -c "select pg_reload_conf()" >/dev/null
    fi
    if [ -f "$DATA/postmaster.pid" ]; then
        as_postgres "$BIN/pg_ctl" -D "$DATA" stop -m fast >/dev/null 2>&1 || true
    fi
    rm -rf "$DATA"
    mkdir -p "$DATA"
    chmod 700 "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
    as_postgres "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$DATA" -R -X stream -c fast
    # Debian keeps the cluster's configuration in /etc: the copy needs its own (defaults, plus who may connect).
    as_postgres sh -c "printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > '$DATA/pg_hba.conf'; : > '$DATA/postgresql.conf'"
    as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/replica.log" -w -t 60 \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp -c hot_standby=on" start >/dev/null
    echo "replica streaming from $PRIMARY_HOST:$PRIMARY_PORT on 127.0.0.1:$PORT (data: $DATA)"
    echo "COCKPIT_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/<database>"
    ;;
stop)
    if [ -f "$DATA/postmaster.pid" ]; then
        as_postgres "$BIN/pg_ctl" -D "$DATA" stop -m fast >/dev/null
    fi
    rm -rf "$DATA"
    echo "replica on port $PORT stopped"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
