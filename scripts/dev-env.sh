#!/usr/bin/env bash
# scripts/dev-env.sh: local services and environment for ENT Groupement.
#
# Execute it; do not source it. The Makefile calls it, and a shell can pick up the environment with
#     eval "$(scripts/dev-env.sh env)"        # DATABASE_URL
#     eval "$(scripts/dev-env.sh env-test)"   # DATABASE_URL and REDIS_URL
#
# Commands:
#   install             create .venv (Python 3.11) and `pip install -e '.[dev]'` when pyproject.toml changed
#   services | env-test start PostgreSQL and Redis if needed, print `export` lines
#   env                 start PostgreSQL if needed, print `export` lines
#   run                 migrate_schemas, seed the demo groupement and its people, print the URLs
#                       and where the demo logins are (.var/demo-logins.txt), serve with uvicorn
#   test [ARGS...]      PostgreSQL + Redis (+ Debian's chromium for the browser tests when root),
#                       then .venv/bin/pytest ARGS (exits with pytest's code)
#   lint                ruff check . ; mypy platform/config tenants apps provisioning ; lint-imports
#   bench [ARGS...]     install wrk if missing, then bench/provision.py, bench/routing.py, bench/import_onde.py, bench/messaging.py, bench/load.py
#   exec CMD [ARGS...]  PostgreSQL + Redis, then exec CMD with the environment exported
#   psql [ARGS...]      psql on the development database
#   status              show the private services
#   stop                stop the private PostgreSQL and Redis (never the machine's own services)
#   clean               stop, then delete .var/
#
# Settings (environment):
#   DATABASE_URL          used unchanged when set; otherwise a private cluster in .var/pg is used
#   ENT_PG_PORT           port of the private cluster, on 127.0.0.1 (default 54329; 5432 is refused)
#   REDIS_URL             used unchanged when set
#   ENT_SYSTEM_REDIS_PORT the machine's Redis probed on 127.0.0.1 (default 6379; "off" to skip it)
#   ENT_REDIS_PORT        port of the private Redis, started when the machine's does not answer (63799)
#   PORT                  port of `run` (default 8000)
#   DJANGO_SETTINGS_MODULE  defaults to config.settings.dev for `run` (pytest uses its ini setting)
#   ENT_SEED_FILE         groupement file seeded by `run` (provisioning/demo/groupement.yaml)
#   ENT_PYTHON            interpreter for a new .venv (default python3.11, else python3)
#
# Layout: .var/pg/{data,run,log} (PostgreSQL, run as the system user `entpg` when invoked as root),
#         .var/redis/{redis.pid,redis.log} (Redis).

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    echo "dev-env.sh: execute it instead of sourcing it, e.g. eval \"\$(scripts/dev-env.sh env)\"" >&2
    return 1
fi

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

VENV=$ROOT/.venv
VAR=$ROOT/.var
PG_DIR=$VAR/pg
PG_DATA=$PG_DIR/data
PG_RUN=$PG_DIR/run
PG_LOG=$PG_DIR/log
PG_SYSTEM_USER=entpg
PG_DB=ent
REDIS_DIR=$VAR/redis
REDIS_PIDFILE=$REDIS_DIR/redis.pid
REDIS_LOG=$REDIS_DIR/redis.log

info() { printf 'dev-env: %s\n' "$*" >&2; }
warn() { printf 'dev-env: warning: %s\n' "$*" >&2; }
die() { printf 'dev-env: error: %s\n' "$*" >&2; exit 1; }

is_root() { [[ $(id -u) -eq 0 ]]; }

# logged NAME CMD...: run CMD with its output in .var/logs/NAME.log, so that a person sees the
# steps and not hundreds of lines of migrations; on failure the end of the log is shown.
logged() {
    local name=$1 log
    shift
    mkdir -p "$VAR/logs"
    log=$VAR/logs/$name.log
    if ! "$@" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "$name failed (full log: ${log#"$ROOT"/})"
    fi
}

# Print KEY='value' as an export line that any POSIX shell can eval, on fd 3 (the real stdout of the
# env commands, whose other output is sent to stderr).
emit_export() {
    local name=$1 value=${!1-}
    printf "export %s='%s'\n" "$name" "${value//\'/\'\\\'\'}" >&3
}

# Serialise concurrent invocations while they create or start services.
lock_var() {
    mkdir -p "$VAR"
    exec 9>"$VAR/.lock"
    if command -v flock >/dev/null 2>&1; then
        flock -w 300 9 || die "timed out waiting for $VAR/.lock (another dev-env.sh is running?)"
    fi
}
unlock_var() { exec 9>&-; }

apt_install() {
    if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
        return 1
    fi
    info "installing Debian package(s): $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "$@" >&2
}

# True when something accepts TCP connections on host:port.
port_open() {
    timeout 2 bash -c 'exec 5<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# ----------------------------------------------------------------------------------------- venv

pick_python() {
    local candidate
    for candidate in ${ENT_PYTHON:-} python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    local stamp=$VENV/.installed python
    if [[ ! -x $VENV/bin/python ]]; then
        python=$(pick_python) || die "Python 3.11 is required to create .venv (set ENT_PYTHON to a python3.11)"
        info "creating .venv with $python"
        "$python" -m venv "$VENV" >&2 || die "could not create .venv with $python"
        rm -f "$stamp"
    fi
    if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
        info "installing the project into .venv (pip install -e '.[dev]'; a few minutes the first time, log in .var/logs/pip.log)"
        logged pip "$VENV/bin/python" -m pip install --disable-pip-version-check -e '.[dev]'
        touch "$stamp"
    fi
}

export_pythonpath() {
    export PYTHONPATH="$ROOT/platform:$ROOT${PYTHONPATH:+:$PYTHONPATH}"
}

# ------------------------------------------------------------------------------------ PostgreSQL

# Directory holding initdb/pg_ctl/psql: `pg_config --bindir`, else the highest /usr/lib/postgresql/*/bin.
pg_bindir() {
    local dir
    if [[ -f $PG_DATA/PG_VERSION ]]; then
        # An existing cluster needs binaries of its own major version.
        dir=/usr/lib/postgresql/$(cat "$PG_DATA/PG_VERSION")/bin
        [[ -x $dir/pg_ctl ]] && { echo "$dir"; return 0; }
    fi
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]] && { echo "$dir"; return 0; }
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        [[ -x $dir/initdb && -x $dir/pg_ctl ]] && { echo "$dir"; return 0; }
    done
    return 1
}

# Run a server-side PostgreSQL program: as `entpg` when we are root (initdb and pg_ctl refuse root).
as_pg() {
    if is_root; then
        runuser -u "$PG_SYSTEM_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_pg_system_user() {
    is_root || return 0
    id -u "$PG_SYSTEM_USER" >/dev/null 2>&1 && return 0
    info "creating system user $PG_SYSTEM_USER to own the private PostgreSQL cluster"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
        "$PG_SYSTEM_USER" 2>/dev/null || id -u "$PG_SYSTEM_USER" >/dev/null 2>&1 ||
        die "could not create system user $PG_SYSTEM_USER (useradd failed)"
}

pg_port() { echo "${ENT_PG_PORT:-54329}"; }

# 0 when the private cluster's postmaster is running.
pg_running() {
    local bindir=$1
    [[ -f $PG_DATA/postmaster.pid ]] || return 1
    as_pg "$bindir/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

ensure_postgres() {
    if [[ -n ${DATABASE_URL:-} ]]; then
        info "PostgreSQL: using DATABASE_URL from the environment"
        return 0
    fi
    local port bindir out
    port=$(pg_port)
    [[ $port =~ ^[0-9]+$ ]] || die "ENT_PG_PORT must be a port number, got '$port'"
    [[ $port != 5432 ]] || die "ENT_PG_PORT must not be 5432 (that is the machine's PostgreSQL); set DATABASE_URL to use it"

    if ! bindir=$(pg_bindir); then
        apt_install postgresql || true
        bindir=$(pg_bindir) ||
            die "PostgreSQL server binaries not found: install Debian's postgresql package (apt-get install postgresql) or set DATABASE_URL"
    fi

    lock_var
    mkdir -p "$PG_DIR"
    if is_root; then
        ensure_pg_system_user
        chown "$PG_SYSTEM_USER:" "$PG_DIR"
        runuser -u "$PG_SYSTEM_USER" -- test -w "$PG_DIR" -a -x "$PG_DIR" ||
            die "user $PG_SYSTEM_USER cannot reach $PG_DIR (a parent directory is not world-searchable); move the checkout or set DATABASE_URL"
    fi

    if [[ ! -f $PG_DATA/PG_VERSION ]]; then
        [[ ! -e $PG_DATA ]] || die "$PG_DATA exists but is not a PostgreSQL cluster; run 'make clean'"
        info "PostgreSQL: creating a private cluster in .var/pg ($("$bindir/postgres" --version))"
        rm -rf "$PG_DIR/data.tmp"
        mkdir -p "$PG_RUN"
        touch "$PG_LOG"
        is_root && chown -R "$PG_SYSTEM_USER:" "$PG_DIR"
        as_pg "$bindir/initdb" -D "$PG_DIR/data.tmp" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
            >"$PG_DIR/initdb.log" 2>&1 ||
            die "initdb failed, see .var/pg/initdb.log: $(tail -n 3 "$PG_DIR/initdb.log" | tr '\n' ' ')"
        # A disposable development cluster: trade crash safety for speed (tests create many schemas).
        cat >>"$PG_DIR/data.tmp/postgresql.conf" <<'EOF'

# --- ENT Groupement development cluster (scripts/dev-env.sh) ---
# Disposable data: durability is traded for speed. Port, address and socket directory are given
# on the pg_ctl command line.
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
        mv "$PG_DIR/data.tmp" "$PG_DATA"
    fi
    mkdir -p "$PG_RUN"
    [[ -e $PG_LOG ]] || touch "$PG_LOG"
    is_root && chown "$PG_SYSTEM_USER:" "$PG_RUN" "$PG_LOG"

    if pg_running "$bindir"; then
        # Already up: keep it, on whatever port it was started with.
        local running_port
        running_port=$(sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || true)
        if [[ $running_port =~ ^[0-9]+$ && $running_port != "$port" ]]; then
            warn "the private PostgreSQL already runs on port $running_port (not $port); using it ('make stop' to change)"
            port=$running_port
        fi
    else
        if port_open 127.0.0.1 "$port"; then
            die "port $port on 127.0.0.1 is already in use by another program; set ENT_PG_PORT to a free port"
        fi
        info "PostgreSQL: starting the private cluster on 127.0.0.1:$port"
        if ! out=$(as_pg "$bindir/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
            -o "-p $port -c listen_addresses=127.0.0.1 -k '$PG_RUN'" start </dev/null 2>&1 3>&- 9>&-); then
            printf '%s\n' "$out" >&2
            tail -n 15 "$PG_LOG" >&2 || true
            die "PostgreSQL did not start (log: .var/pg/log)"
        fi
    fi

    local exists
    exists=$("$bindir/psql" -w -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAq \
        -c "select 1 from pg_database where datname = '$PG_DB'" 2>&1) ||
        die "cannot query the private PostgreSQL on port $port: $exists"
    if [[ $exists != 1 ]]; then
        info "PostgreSQL: creating database $PG_DB"
        "$bindir/createdb" -w -h 127.0.0.1 -p "$port" -U postgres "$PG_DB" ||
            die "createdb $PG_DB failed"
    fi
    unlock_var
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/$PG_DB"
    info "PostgreSQL: $DATABASE_URL"
}

stop_postgres() {
    local bindir
    [[ -f $PG_DATA/PG_VERSION ]] || { info "PostgreSQL: no private cluster"; return 0; }
    bindir=$(pg_bindir) || die "PostgreSQL binaries not found, cannot stop the private cluster"
    if pg_running "$bindir"; then
        info "PostgreSQL: stopping the private cluster"
        as_pg "$bindir/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null ||
            die "pg_ctl stop failed (log: .var/pg/log)"
    else
        info "PostgreSQL: private cluster not running"
    fi
}

# ----------------------------------------------------------------------------------------- Redis

# 0 when a Redis on host:port answers PING with PONG.
redis_ping() {
    local host=$1 port=$2 reply
    if command -v redis-cli >/dev/null 2>&1; then
        reply=$(timeout 3 redis-cli -h "$host" -p "$port" ping 2>/dev/null) || return 1
    else
        reply=$(timeout 3 bash -c 'exec 5<>"/dev/tcp/$0/$1" && printf "PING\r\n" >&5 && IFS= read -r line <&5 && printf "%s" "$line"' \
            "$host" "$port" 2>/dev/null) || return 1
    fi
    [[ $reply == *PONG* ]]
}

redis_private_pid() {
    local pid
    [[ -f $REDIS_PIDFILE ]] || return 1
    pid=$(cat "$REDIS_PIDFILE" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
        [[ $(cat "/proc/$pid/comm" 2>/dev/null || echo redis-server) == redis* ]] || return 1
    echo "$pid"
}

ensure_redis() {
    if [[ -n ${REDIS_URL:-} ]]; then
        info "Redis: using REDIS_URL from the environment"
        return 0
    fi
    local system_port=${ENT_SYSTEM_REDIS_PORT:-6379} port=${ENT_REDIS_PORT:-63799}
    if [[ $system_port != off ]] && redis_ping 127.0.0.1 "$system_port"; then
        export REDIS_URL="redis://127.0.0.1:$system_port/0"
        info "Redis: using the machine's Redis, $REDIS_URL"
        return 0
    fi
    [[ $port =~ ^[0-9]+$ ]] || die "ENT_REDIS_PORT must be a port number, got '$port'"

    lock_var
    if ! redis_ping 127.0.0.1 "$port"; then
        if ! command -v redis-server >/dev/null 2>&1; then
            apt_install redis-server || true
            command -v redis-server >/dev/null 2>&1 ||
                die "redis-server not found: install Debian's redis-server package (apt-get install redis-server) or set REDIS_URL"
        fi
        port_open 127.0.0.1 "$port" &&
            die "port $port on 127.0.0.1 is in use by something that is not Redis; set ENT_REDIS_PORT to a free port"
        mkdir -p "$REDIS_DIR"
        info "Redis: starting a private redis-server on 127.0.0.1:$port"
        redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$REDIS_DIR" \
            --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" --save "" --appendonly no \
            </dev/null >>"$REDIS_LOG" 2>&1 3>&- 9>&- ||
            die "redis-server failed to start (log: .var/redis/redis.log)"
        for _ in $(seq 50); do
            redis_ping 127.0.0.1 "$port" && break
            sleep 0.1
        done
        redis_ping 127.0.0.1 "$port" || {
            tail -n 10 "$REDIS_LOG" >&2 || true
            die "the private Redis does not answer on port $port (log: .var/redis/redis.log)"
        }
    fi
    unlock_var
    export REDIS_URL="redis://127.0.0.1:$port/0"
    info "Redis: $REDIS_URL"
}

stop_redis() {
    local pid
    if ! pid=$(redis_private_pid); then
        info "Redis: private redis-server not running"
        rm -f "$REDIS_PIDFILE"
        return 0
    fi
    info "Redis: stopping the private redis-server (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && die "redis-server (pid $pid) did not stop"
    rm -f "$REDIS_PIDFILE"
}

# -------------------------------------------------------------------------------------- commands

ensure_wrk() {
    command -v wrk >/dev/null 2>&1 && return 0
    apt_install wrk || true
    command -v wrk >/dev/null 2>&1 || die "wrk not found: install Debian's wrk package (apt-get install wrk)"
}

cmd_run() {
    local port=${PORT:-8000} seed=${ENT_SEED_FILE:-provisioning/demo/groupement.yaml} urls
    [[ $port =~ ^[0-9]+$ ]] || die "PORT must be a port number, got '$port'"
    ensure_venv
    ensure_postgres
    export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
    export PORT=$port
    export_pythonpath
    [[ -f manage.py ]] || die "manage.py not found in $ROOT"
    [[ -f $seed ]] || die "seed file $seed not found"
    if [[ -z ${REDIS_URL:-} ]]; then
        info "REDIS_URL is not set: background tasks run in-process"
    fi

    info "1/3 database schemas (migrate_schemas; log in .var/logs/migrate.log)"
    logged migrate "$VENV/bin/python" manage.py migrate_schemas --noinput
    info "2/3 the groupement and its communes ($seed; log in .var/logs/seed.log)"
    logged seed "$VENV/bin/python" manage.py seed_groupement "$seed"
    info "3/3 demo schools, classes and people (log in .var/logs/seed-demo.log)"
    logged seed-demo "$VENV/bin/python" manage.py seed_demo --logins-file "$VAR/demo-logins.txt"
    urls=$("$VENV/bin/python" manage.py list_communes --urls) || {
        warn "manage.py list_communes --urls failed; commune URLs not listed"
        urls=
    }

    {
        echo
        echo "ENT Groupement is served on 127.0.0.1:$port"
        echo "  coordination: http://ent.localhost:$port/"
        if [[ -n $urls ]]; then
            # list_communes may list the coordination URL too: show it once.
            printf '%s\n' "$urls" |
                grep -v -x -e '[[:space:]]*' -e "http://ent\.localhost:$port/\{0,1\}" |
                sed 's/^/  commune:      /' || true
        fi
        if [[ -f $VAR/demo-logins.txt ]]; then
            echo "Demo logins (full list with the 2FA URIs: $VAR/demo-logins.txt):"
            # The table of named accounts: from its header line to the first blank line.
            sed -n '/^identifiant/,/^$/p' "$VAR/demo-logins.txt" | sed '/^$/d; s/^/  /'
        fi
        echo "Stop with Ctrl-C; 'make stop' stops the private PostgreSQL."
        echo
    } >&2

    exec "$VENV/bin/uvicorn" config.asgi:application --app-dir platform --host 127.0.0.1 --port "$port" --ws-max-size 16384
}

# The browser tests (tests/browser) drive Debian's /usr/bin/chromium; never Playwright's downloads.
# The pupil's pages lead with emoji icons: without a colour emoji font the screenshots show
# empty boxes (the tests do not depend on it, the artefacts do).
ensure_chromium() {
    [[ -x /usr/bin/chromium && -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] && return 0
    if is_root; then
        apt_install chromium fonts-noto-color-emoji || true
    fi
    [[ -x /usr/bin/chromium ]] ||
        warn "chromium: /usr/bin/chromium not found; the browser tests will fail (as root: apt-get install chromium)"
}

cmd_test() {
    local rc=0
    ensure_venv
    ensure_postgres
    ensure_redis
    ensure_chromium
    export_pythonpath
    "$VENV/bin/pytest" "$@" || rc=$?
    case $rc in
        0) ;;
        5) printf 'dev-env: error: pytest collected no tests (exit 5); counted as a failure\n' >&2 ;;
        *) printf 'dev-env: error: pytest failed (exit %s)\n' "$rc" >&2 ;;
    esac
    exit "$rc"
}

cmd_lint() {
    local rc=0
    ensure_venv
    export_pythonpath
    "$VENV/bin/ruff" check . || rc=1
    "$VENV/bin/mypy" platform/config tenants apps provisioning || rc=1
    # The import contracts of pyproject.toml ([tool.importlinter]); its caches are kept in .var/.
    "$VENV/bin/lint-imports" --cache-dir "$VAR/import-linter" || rc=1
    [[ $rc -eq 0 ]] || die "lint failed"
}

cmd_bench() {
    local script
    for script in bench/provision.py bench/routing.py bench/import_onde.py bench/messaging.py bench/chat.py bench/load.py; do
        [[ -f $script ]] || die "$script not found"
    done
    ensure_wrk
    ensure_venv
    ensure_postgres
    ensure_redis  # bench/chat.py: the channel layer
    export_pythonpath
    for script in bench/provision.py bench/routing.py bench/import_onde.py bench/messaging.py bench/chat.py bench/load.py; do
        info "bench: $script"
        "$VENV/bin/python" "$script" "$@" || die "$script failed"
    done
}

cmd_status() {
    local bindir port
    if [[ -f $PG_DATA/PG_VERSION ]] && bindir=$(pg_bindir) && pg_running "$bindir"; then
        port=$(sed -n 4p "$PG_DATA/postmaster.pid")
        echo "PostgreSQL: running, postgres://postgres@127.0.0.1:$port/$PG_DB (data .var/pg/data)"
    elif [[ -f $PG_DATA/PG_VERSION ]]; then
        echo "PostgreSQL: stopped (data .var/pg/data)"
    else
        echo "PostgreSQL: no private cluster"
    fi
    if redis_private_pid >/dev/null; then
        echo "Redis: private redis-server running (pid $(redis_private_pid), port ${ENT_REDIS_PORT:-63799})"
    else
        echo "Redis: no private redis-server running"
    fi
}

usage() {
    sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
}

main() {
    local cmd=${1:-}
    [[ $# -gt 0 ]] && shift
    case $cmd in
        install)
            ensure_venv
            ;;
        env)
            exec 3>&1 1>&2
            ensure_postgres
            emit_export DATABASE_URL
            ;;
        env-test | services)
            exec 3>&1 1>&2
            ensure_postgres
            ensure_redis
            emit_export DATABASE_URL
            emit_export REDIS_URL
            ;;
        run) cmd_run "$@" ;;
        test) cmd_test "$@" ;;
        lint) cmd_lint ;;
        bench) cmd_bench "$@" ;;
        exec)
            [[ $# -gt 0 ]] || die "usage: scripts/dev-env.sh exec CMD [ARGS...]"
            ensure_postgres
            ensure_redis
            export_pythonpath
            exec "$@"
            ;;
        psql)
            local bindir
            ensure_postgres
            bindir=$(pg_bindir) || bindir=
            exec "${bindir:+$bindir/}psql" "$DATABASE_URL" "$@"
            ;;
        status) cmd_status ;;
        stop)
            stop_redis
            stop_postgres
            ;;
        clean)
            stop_redis
            stop_postgres
            info "removing .var/"
            rm -rf "$VAR"
            ;;
        help | -h | --help) usage ;;
        "") usage; exit 2 ;;
        *) usage; die "unknown command '$cmd'" ;;
    esac
}

main "$@"
