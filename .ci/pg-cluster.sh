#!/usr/bin/env bash
# A throwaway Postgres cluster for the tests (issue 13): `start DIR` creates one in DIR (initdb
# with a random password, scram-sha-256 over TCP on 127.0.0.1, a free port) and prints its URL,
# password included, on stdout; `stop DIR` stops it. initdb refuses to run as root: as root the
# cluster runs as the postgres user (nobody when there is none). Used by .ci/run and by
# test/helpers/pg-cluster.ts, so `npx vitest run` alone starts the same cluster.
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start|stop DIR}
dir=${2:?usage: pg-cluster.sh start|stop DIR}

bindir() {
  local initdb
  initdb=$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$initdb" ] || { echo "initdb not found: install Debian's postgresql (apt-get install -y postgresql)" >&2; exit 1; }
  dirname "$(readlink -f "$initdb")"
}
BIN=$(bindir)

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    local user=postgres
    id -u postgres >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ "$(id -u)" = 0 ]; then
      if id -u postgres >/dev/null 2>&1; then chown postgres "$dir"; else chown nobody "$dir"; fi
    fi
    password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
    as_owner sh -c "umask 077 && printf '%s\n' '$password' > '$dir/pwfile'"
    as_owner "$BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres:$password@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: pg-cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
