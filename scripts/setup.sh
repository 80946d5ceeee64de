# Shared by ./run and ./test (sourced, not executed): installs what a fresh Debian 12 machine with only the
# .NET 10 SDK is missing, quietly and idempotently, printing one line per step that does something.
# shellcheck shell=bash

SQ_ROOT="${SQ_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
SQ_PG_VERSION=15
SQ_PG_BIN="/usr/lib/postgresql/$SQ_PG_VERSION/bin"
SQ_SERVER_DIR="$SQ_ROOT/src/Shuqiao.Server"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_GENERATE_ASPNET_CERTIFICATE=false
export NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

sq_say() { printf '==> %s\n' "$*"; }
sq_warn() { printf 'warning: %s\n' "$*" >&2; }
sq_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

sq_is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly when we are root, else through sudo.
sq_as_root() {
    if sq_is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        sq_die "installing packages needs root: run as root or install sudo (missing: $*)"
    fi
}

# Prints the packages among the arguments that dpkg does not have installed.
sq_missing_packages() {
    local pkg missing=()
    for pkg in "$@"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != "installed" ]; then
            missing+=("$pkg")
        fi
    done
    printf '%s\n' "${missing[*]:-}"
}

SQ_APT_UPDATED=0

# Installs the missing packages among the arguments; runs 'apt-get update' once, the first time it is needed.
sq_apt_install() {
    local missing log
    missing="$(sq_missing_packages "$@")"
    [ -z "$missing" ] && return 0
    command -v apt-get >/dev/null 2>&1 || sq_die "missing packages ($missing) and no apt-get: install them by hand (Debian 12 is the supported system)"
    log="$(mktemp)"
    if [ "$SQ_APT_UPDATED" -eq 0 ]; then
        sq_say "Updating the package lists (apt-get update)"
        if ! sq_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1; then
            cat "$log" >&2; rm -f "$log"; sq_die "apt-get update failed"
        fi
        SQ_APT_UPDATED=1
    fi
    sq_say "Installing $missing (apt-get)"
    # shellcheck disable=SC2086 # $missing is a list of package names
    if ! sq_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"; sq_die "apt-get install $missing failed"
    fi
    rm -f "$log"
}

sq_ensure_dotnet() {
    command -v dotnet >/dev/null 2>&1 || sq_die "the .NET 10 SDK is required (dotnet was not found on PATH): see https://learn.microsoft.com/dotnet/core/install/linux-debian"
    local version
    version="$(dotnet --version 2>/dev/null || true)"
    case "$version" in
        1[0-9].*|[2-9][0-9].*) ;;
        *) sq_die "the .NET 10 SDK is required; 'dotnet --version' says '${version:-nothing}'" ;;
    esac
}

# PostgreSQL 15 server binaries. The Debian package would also create and start a system cluster ("main" on port
# 5432); Shuqiao never uses it, so postgresql-common is installed first and told not to create one.
sq_ensure_postgres() {
    if [ -x "$SQ_PG_BIN/initdb" ] && [ -x "$SQ_PG_BIN/pg_ctl" ] && [ -x "$SQ_PG_BIN/psql" ]; then
        return 0
    fi
    sq_apt_install postgresql-common
    local conf=/etc/postgresql-common/createcluster.conf
    if [ -f "$conf" ] && ! grep -Eq '^[[:space:]]*create_main_cluster[[:space:]]*=[[:space:]]*false' "$conf"; then
        if grep -Eq '^[#[:space:]]*create_main_cluster' "$conf"; then
            sq_as_root sed -i -E 's/^[#[:space:]]*create_main_cluster.*/create_main_cluster = false/' "$conf"
        else
            echo 'create_main_cluster = false' | sq_as_root tee -a "$conf" >/dev/null
        fi
    fi
    sq_apt_install "postgresql-$SQ_PG_VERSION"
    [ -x "$SQ_PG_BIN/initdb" ] || sq_die "PostgreSQL $SQ_PG_VERSION was installed but $SQ_PG_BIN/initdb is missing"
}

sq_ensure_node() {
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        sq_apt_install nodejs npm
    fi
    command -v npm >/dev/null 2>&1 || sq_die "npm is still missing after installing nodejs and npm"
}

# The console's front-end packages (Bootstrap, htmx, ECharts…) from package-lock.json; the build copies them.
sq_ensure_frontend() {
    local marker="$SQ_SERVER_DIR/node_modules/.package-lock.json"
    if [ -f "$marker" ] && [ ! "$SQ_SERVER_DIR/package-lock.json" -nt "$marker" ]; then
        return 0
    fi
    sq_say "Installing the console's front-end packages (npm ci)"
    local log
    log="$(mktemp)"
    if ! (cd "$SQ_SERVER_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"; sq_die "npm ci failed in src/Shuqiao.Server"
    fi
    rm -f "$log"
}

# Debian's Chromium for the browser tests (never a downloaded browser build), and a CJK font so that
# screenshots show the Chinese console text instead of empty boxes.
sq_ensure_chromium() {
    sq_apt_install chromium fonts-wqy-microhei
}

# What both ./run and ./test need.
sq_prepare() {
    sq_ensure_dotnet
    sq_ensure_postgres
    sq_ensure_node
    sq_ensure_frontend
}
