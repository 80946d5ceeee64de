# Shared helpers for bench/<name>/run scripts. Source it; it sets $repo and $results.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$repo/bench/results"
mkdir -p "$results"

bench_machine() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
  printf '{"cpu":"%s","cores":%s,"memoryGiB":%s,"os":"%s","dotnet":"%s"}' \
    "${cpu//\"/}" "$(nproc)" "$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)" \
    "$(. /etc/os-release && echo "$PRETTY_NAME")" "$(dotnet --version 2>/dev/null || echo unknown)"
}

bench_commit() { git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown; }

bench_date() { date -u +%Y-%m-%dT%H:%M:%SZ; }

bench_require() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 && continue
    echo "installing $tool" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq "$tool" >/dev/null; else sudo apt-get install -y -qq "$tool" >/dev/null; fi
  done
}
