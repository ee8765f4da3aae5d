# A throw-away PostgreSQL server for tests: Debian's postgresql package,
# initdb in a temporary directory, listening on 127.0.0.1 on a free port and
# on a unix socket in the same directory.  PostgreSQL refuses to run as
# root, so as root the server runs as `nobody` (runuser).
#
#   pg_start      in setup_file: start it; sets PG_URL_BASE, PG_SKIP
#   pg_stop       in teardown_file
#   pg_newdb NAME creates a database and prints its URL
#   pg_dump_rows URL   every row of every table, sorted, one per line

# pg_bindir: the newest installed server's bin directory (not on PATH).
pg_bindir() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && echo "$d"
	done | sort -V | tail -n 1
}

pg_start() {
	local bin port runas=""
	PG_SKIP=""
	bin=$(pg_bindir)
	if [ -z "$bin" ]; then
		export PG_SKIP="PostgreSQL server not installed (scripts/install-deps adds postgresql)"
		return 0
	fi
	if ! command -v psql >/dev/null; then
		export PG_SKIP="psql not installed"
		return 0
	fi
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dq-pg.XXXXXX")
	chmod 755 "$PG_DIR"
	mkdir "$PG_DIR/data" "$PG_DIR/run"
	if [ "$(id -u)" -eq 0 ]; then
		if ! id nobody >/dev/null 2>&1 || ! command -v runuser >/dev/null; then
			export PG_SKIP="running as root without a 'nobody' user or runuser: cannot start PostgreSQL"
			return 0
		fi
		chown nobody "$PG_DIR/data" "$PG_DIR/run"
		runas="runuser -u nobody --"
	fi
	# A free port: bind port 0 and read what the kernel chose.
	port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	$runas "$bin/initdb" -D "$PG_DIR/data" -A trust -U dq -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
		export PG_SKIP="initdb failed: $(tail -n 3 "$PG_DIR/initdb.log")"
		return 0
	}
	$runas "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/run/server.log" -w \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR/run -c fsync=off" \
		start >"$PG_DIR/pg_ctl.log" 2>&1 || {
		export PG_SKIP="pg_ctl start failed: $(tail -n 3 "$PG_DIR/run/server.log")"
		return 0
	}
	export PG_DIR PG_BIN="$bin" PG_RUNAS="$runas"
	export PG_URL_BASE="postgresql://dq@127.0.0.1:$port"
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		$PG_RUNAS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop \
			>/dev/null 2>&1 || true
	fi
	rm -rf "$PG_DIR"
}

pg_need() {
	if [ -n "${PG_SKIP:-}" ]; then skip "$PG_SKIP"; fi
}

pg_newdb() {
	psql -X -q -v ON_ERROR_STOP=1 "$PG_URL_BASE/postgres" \
		-c "CREATE DATABASE \"$1\"" >/dev/null || return 1
	echo "$PG_URL_BASE/$1"
}

# pg_dump_rows URL: each table's rows as text, sorted; the order rows lie
# in on disk changes with updates, the rows themselves must not.
pg_dump_rows() {
	local t
	for t in $(psql -X -A -t "$1" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
		psql -X -A -t "$1" -c "SELECT '$t ' || x::text FROM $t x ORDER BY 1" || return 1
	done
}
