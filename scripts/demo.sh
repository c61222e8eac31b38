#!/usr/bin/env bash
# demo.sh is `make demo`: podgen's main job end to end, a line per step. It
# builds podgen, makes an app with `podgen init` plus a table class, a
# future call and endpoints that use the database and a cache, creates a
# database of its own on the local PostgreSQL, creates and applies a
# migration, starts the server, and calls it with curl and the generated Go
# and TypeScript clients (the latter when node and npm are there); then it
# reads the session log back from the insights port. A
# healthy run prints no WARN or ERROR line: the demo fails on one. It
# removes everything it made. Needs Go, curl and psql.
#
# The database: the PostgreSQL at PODGEN_DEMO_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432) when one answers there; otherwise a
# throwaway cluster (initdb + pg_ctl from PATH or /usr/lib/postgresql/*/bin,
# or PODGEN_DEMO_PG_BIN) in a temp folder on a free loopback port, stopped
# and removed at the end, also on failure or Ctrl-C; otherwise it says how
# to start one with docker compose and exits 1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/podgen-demo.XXXXXX")
app=$work/demopod
server_pid=""
pg_url_base=${PODGEN_DEMO_DATABASE_URL:-postgres://postgres@127.0.0.1:5432}
db="podgen_demo_$$"
db_made=""
secret="demo-secret-$$"
pg_bin=""
pg_tmp=""  # the throwaway cluster's folder, when the demo started one
pg_data=""

psql_admin() { psql "$pg_url_base/postgres?sslmode=disable" -v ON_ERROR_STOP=1 -qAtc "$1"; }

# as_pg runs a PostgreSQL tool: as the postgres user when root (initdb
# refuses root), else as the caller.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [ -n "$db_made" ]; then
		psql_admin "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
		# podtest keeps a template database per schema; the demo's goes too.
		for t in $(psql_admin "SELECT datname FROM pg_database WHERE datname LIKE 'podtest\_demopod\_%'" 2>/dev/null); do
			psql_admin "DROP DATABASE IF EXISTS $t WITH (FORCE)" >/dev/null 2>&1 || true
		done
	fi
	if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
		# Only the demo's own cluster, by its data folder: never another.
		as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
		echo "stopped the throwaway PostgreSQL cluster"
	fi
	[ -z "$pg_tmp" ] || rm -rf "$pg_tmp"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n==> %s\n' "$*"; }
die() {
	printf 'demo: %s\n' "$*" >&2
	if [ -f "$work/server.log" ]; then
		printf -- '--- server output ---\n' >&2
		cat "$work/server.log" >&2
	fi
	exit 1
}
# call METHOD JSON: POST to the API, print the answer, keep it in $body.
call() {
	printf '$ curl --json %s %s\n' "'$2'" "$url/$1"
	local answer status
	answer=$(curl -sS --json "$2" "$url/$1" -w '\n%{http_code}') || die "curl failed"
	status=${answer##*$'\n'}
	body=${answer%$'\n'*}
	printf '%s\n' "$body"
	[ "$status" = 200 ] || die "POST /$1 answered $status"
}

command -v curl >/dev/null || die "curl is needed"
command -v psql >/dev/null || die "psql is needed (apt-get install postgresql-client)"

# find_pg_bin prints a folder holding initdb and pg_ctl: PODGEN_DEMO_PG_BIN
# when set, else PATH's, else the newest /usr/lib/postgresql/*/bin (Debian).
find_pg_bin() {
	if [ -n "${PODGEN_DEMO_PG_BIN:-}" ]; then
		[ -x "$PODGEN_DEMO_PG_BIN/initdb" ] && [ -x "$PODGEN_DEMO_PG_BIN/pg_ctl" ] && echo "$PODGEN_DEMO_PG_BIN"
		return 0
	fi
	if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
		dirname "$(command -v initdb)"
		return 0
	fi
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
}

# free_port prints a loopback port nothing listens on (the cluster's
# start is retried on another if one takes it meanwhile).
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# start_throwaway_cluster runs initdb and pg_ctl in a temp folder and points
# pg_url_base at the new cluster.
start_throwaway_cluster() {
	pg_tmp=$(mktemp -d "${TMPDIR:-/tmp}/podgen-demo-pg.XXXXXX")
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$pg_tmp"
		runuser -u postgres -- test -w "$pg_tmp" ||
			die "the postgres user cannot write $pg_tmp; set TMPDIR to a folder it can reach"
	fi
	pg_data=$pg_tmp/data
	echo "initdb $pg_data (with $pg_bin)"
	as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust --no-sync -E UTF8 >"$pg_tmp/initdb.log" 2>&1 ||
		{ cat "$pg_tmp/initdb.log" >&2; die "initdb failed"; }
	local port
	for _ in 1 2 3; do
		port=$(free_port) || die "no free loopback port"
		# Listen on loopback only, with the socket in the temp folder, so
		# that nothing of the machine's own PostgreSQL is touched.
		if as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_tmp/server.log" -w -t 30 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $pg_tmp -c fsync=off" start >/dev/null; then
			pg_url_base="postgres://postgres@127.0.0.1:$port"
			echo "throwaway PostgreSQL cluster on 127.0.0.1:$port (removed at the end)"
			return 0
		fi
	done
	cat "$pg_tmp/server.log" >&2
	die "the throwaway PostgreSQL cluster did not start"
}

echo "working in $work (removed at the end)"
step "finding a PostgreSQL"
if psql_admin "SELECT 1" >/dev/null 2>&1; then
	echo "using the PostgreSQL at $pg_url_base"
else
	echo "no PostgreSQL answers at $pg_url_base"
	pg_bin=$(find_pg_bin)
	if [ -z "$pg_bin" ]; then
		printf 'demo: no PostgreSQL, and no initdb/pg_ctl to start a throwaway one.\n' >&2
		printf 'Start one with Docker (PostgreSQL and Redis, from this repository):\n' >&2
		printf '    docker compose -f %s up -d\n' "$root/docker-compose.yaml" >&2
		printf 'or point PODGEN_DEMO_DATABASE_URL at one, then run make demo again.\n' >&2
		exit 1
	fi
	start_throwaway_cluster
	psql_admin "SELECT 1" >/dev/null || die "the throwaway cluster does not answer"
fi

step "building podgen (bin/podgen)"
(cd "$root" && go build -o bin/podgen .) || die "podgen does not build"
podgen=$root/bin/podgen

step "podgen init demopod"
(cd "$work" && "$podgen" init demopod --module example.com/demopod) || die "podgen init failed"

step "adding a table class, a future call and endpoints that use them"
cat >"$app/protocol/note.yaml" <<'YAML'
# A note, stored in the table "note".
class: Note
table: note
fields:
  text: String
  createdAt: DateTime
  # Set by the Remind future call when it runs.
  remindedAt: DateTime?
indexes:
  note_created_idx:
    fields: createdAt
YAML
cat >"$app/endpoints/notes.go" <<'GO'
package endpoints

import (
	"strconv"
	"time"

	"example.com/demopod/out/pod"
)

// NotesEndpoint keeps notes in the database.
type NotesEndpoint struct{}

// Add stores a note and returns it with its id.
func (e *NotesEndpoint) Add(s *pod.Session, text string) (pod.Note, error) {
	n := pod.Note{Text: text, CreatedAt: time.Now()}
	err := s.DB.Note.Insert(&n)
	return n, err
}

// Find returns the notes whose text starts with prefix, oldest first.
func (e *NotesEndpoint) Find(s *pod.Session, prefix string) ([]pod.Note, error) {
	rows, err := s.DB.Note.Find(pod.NoteT.Text.Like(prefix+"%"), pod.OrderBy(pod.NoteT.ID.Asc()))
	out := make([]pod.Note, len(rows))
	for i, n := range rows {
		out[i] = *n
	}
	return out, err
}

// Text returns a note's text and where it came from: the local cache, or
// the database (then it is cached for a minute).
func (e *NotesEndpoint) Text(s *pod.Session, id int64) (string, error) {
	key := "note-" + strconv.FormatInt(id, 10)
	if v, err := s.Caches.Local.Get(key); err == nil && v != nil {
		return "cache hit: " + v.(*pod.Note).Text, nil
	}
	n, err := s.DB.Note.FindByID(id)
	if err != nil || n == nil {
		return "", err
	}
	if err := s.Caches.Local.Put(key, n, time.Minute); err != nil {
		return "", err
	}
	return "from the database: " + n.Text, nil
}

// Remind schedules the Remind future call for the note in 200 ms.
func (e *NotesEndpoint) Remind(s *pod.Session, id int64) error {
	return s.FutureCalls.Remind.After(200*time.Millisecond, id)
}

// RemindFutureCall marks a note reminded; it runs even if the server
// restarts in between.
type RemindFutureCall struct{}

// Invoke sets the note's remindedAt.
func (f *RemindFutureCall) Invoke(s *pod.Session, id int64) error {
	n, err := s.DB.Note.FindByID(id)
	if err != nil || n == nil {
		return err
	}
	now := time.Now()
	n.RemindedAt = &now
	s.Log("reminded note " + n.Text)
	return s.DB.Note.Update(n)
}
GO
echo "protocol/note.yaml, endpoints/notes.go"

step "creating the database $db on $pg_url_base"
psql_admin "CREATE DATABASE $db" || die "cannot create database $db"
db_made=1
db_url="$pg_url_base/$db?sslmode=disable"

step "podgen create-migration ./protocol --name init; podgen build"
(cd "$app" && "$podgen" create-migration ./protocol --name init && "$podgen" build ./protocol ./endpoints -o ./out) ||
	die "podgen failed"

step "building the app's server"
(cd "$app" && go build -o "$work/server" ./out/cmd/server) || die "the generated server does not build"

step "starting the server with --apply-migrations"
(cd "$app" && PODGEN_API_PORT=0 PODGEN_INSIGHTS_PORT=0 PODGEN_DATABASE_URL="$db_url" PODGEN_SERVICE_SECRET="$secret" \
	exec "$work/server" --mode development --apply-migrations) >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 300); do
	port=$(sed -n 's/.*listening on port \([0-9][0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
	[ -n "$port" ] && break
	kill -0 "$server_pid" 2>/dev/null || die "the server exited before listening"
	sleep 0.1
done
[ -n "$port" ] || die "the server did not listen within 30 s"
insights_port=$(sed -n 's/^Service port \([0-9][0-9]*\) open.*/\1/p' "$work/server.log" | head -n 1)
cat "$work/server.log"
url="http://127.0.0.1:$port"

step "calls with curl"
call example/hello '{"name":"World"}'
[ "$body" = '"Hello World"' ] || die "want \"Hello World\""
call notes/add '{"text":"demo: buy milk"}'
id=$(printf '%s' "$body" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
[ -n "$id" ] || die "no id in the answer"
call notes/add '{"text":"demo: call Ada"}'
call notes/add '{"text":"other: not found by the prefix"}'

step "rows found through the typed query builder (NoteT.Text.Like)"
call notes/find '{"prefix":"demo:"}'
[ "$(printf '%s' "$body" | grep -o '"id"' | wc -l)" = 2 ] || die "want 2 notes"

step "a cache hit"
call notes/text "{\"id\":$id}"
case $body in *"from the database"*) ;; *) die "the first read should come from the database" ;; esac
call notes/text "{\"id\":$id}"
case $body in *"cache hit"*) ;; *) die "the second read should hit the cache" ;; esac

step "a future call, scheduled and seen running"
call notes/remind "{\"id\":$id}"
for _ in $(seq 1 100); do
	answer=$(curl -sS --json '{"prefix":"demo: buy"}' "$url/notes/find")
	case $answer in *'"remindedAt":"'*) break ;; esac
	sleep 0.1
done
case $answer in *'"remindedAt":"'*) printf '%s\n' "$answer" ;; *) die "the future call did not run within 10 s" ;; esac

step "calling the server through the generated Go client"
mkdir -p "$app/democlient"
cat >"$app/democlient/main.go" <<'GO'
// Command democlient calls the demo server through the generated client.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"example.com/demopod/out/client"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := client.New(os.Args[1])
	msg, err := c.Example.Hello(ctx, "World")
	if err != nil {
		fmt.Fprintln(os.Stderr, "democlient:", err)
		os.Exit(1)
	}
	notes, err := c.Notes.Find(ctx, "demo:")
	if err != nil {
		fmt.Fprintln(os.Stderr, "democlient:", err)
		os.Exit(1)
	}
	fmt.Printf("c.Example.Hello(ctx, \"World\") = %q\n", msg)
	for _, n := range notes {
		fmt.Printf("c.Notes.Find: note %d %q, created %s\n", n.ID, n.Text, n.CreatedAt.Format(time.RFC3339))
	}
}
GO
(cd "$app" && go run ./democlient "$url") || die "the generated client failed"

step "calling the server through the generated TypeScript client (out/ts/client.ts)"
tsc=$root/testdata/node/node_modules/.bin/tsc
if command -v node >/dev/null && command -v npm >/dev/null && [ ! -x "$tsc" ]; then
	echo "installing the pinned TypeScript compiler (npm ci in testdata/node)"
	(cd "$root/testdata/node" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts >/dev/null) ||
		die "npm ci in testdata/node failed"
fi
if command -v node >/dev/null && [ -x "$tsc" ]; then
	mkdir -p "$app/demots"
	cat >"$app/demots/main.ts" <<'TS'
// demots calls the demo server through the generated TypeScript client.
import { Client } from "../out/ts/client";

declare const process: { argv: string[]; exitCode?: number };
declare const console: { log(...a: unknown[]): void; error(...a: unknown[]): void };

async function main(): Promise<void> {
  const c = new Client(process.argv[2]);
  console.log(`c.example.hello("World") = ${JSON.stringify(await c.example.hello("World"))}`);
  for (const n of await c.notes.find("demo:")) {
    console.log(`c.notes.find: note ${n.id} ${JSON.stringify(n.text)}, created ${n.createdAt.toISOString()}`);
  }
}
main().catch((e: unknown) => {
  console.error("demots:", e);
  process.exitCode = 1;
});
TS
	"$tsc" --strict --target ES2020 --lib ES2020 --module commonjs --rootDir "$app" --outDir "$work/tsjs" "$app/demots/main.ts" ||
		die "the TypeScript client does not compile"
	node "$work/tsjs/demots/main.js" "$url" || die "the TypeScript client failed"
else
	echo "skipped: node and npm are needed for the TypeScript client (apt-get install nodejs npm)"
fi

step "testing the app with out/podtest (go test ./endpoints)"
cat >"$app/endpoints/notes_test.go" <<'GO'
package endpoints_test

import (
	"testing"
	"time"

	"example.com/demopod/out/podtest"
)

// TestAddNote calls the endpoints through the generated client and server,
// in-process, on a database of this test's own.
func TestAddNote(t *testing.T) {
	env := podtest.New(t) // in-process server, typed client, a database of its own, fresh caches
	n, err := env.Client.Notes.Add(env.Ctx, "buy milk")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Notes.Remind(env.Ctx, n.ID); err != nil { // schedules a future call
		t.Fatal(err)
	}
	env.RunFutureCalls(time.Hour)          // runs the calls due within the next hour, now
	row, err := env.DB.Note.FindByID(n.ID) // arrange and assert with *pod.DB
	if err != nil || row.RemindedAt == nil {
		t.Fatalf("note after the reminder: %+v, %v", row, err)
	}
}
GO
(cd "$app" && PODGEN_TEST_DATABASE_URL="$pg_url_base/postgres?sslmode=disable" go test -count=1 -v ./endpoints/) ||
	die "the app's tests failed"

step "the session log, read back from the insights port"
sleep 1.5 # the log writer flushes in the background
sessions=$(curl -sS -H "Authorization: Bearer $secret" \
	"http://127.0.0.1:$insights_port/sessions?endpoint=notes&limit=3") || die "cannot read /sessions"
printf '%s\n' "$sessions" | head -c 1200
printf '\n'
case $sessions in *'"endpoint":"notes"'*) ;; *) die "no notes session in the log" ;; esac
echo "insights page: http://127.0.0.1:$insights_port/ (while the demo runs; sign in with the service secret $secret)"

step "stopping the server (SIGTERM)"
kill -TERM "$server_pid"
code=0
wait "$server_pid" || code=$?
server_pid=""
[ "$code" = 0 ] || die "the server exited with code $code after SIGTERM"
echo "server stopped cleanly"
if grep -E 'level=(WARN|ERROR)|"level":"(WARN|ERROR)"' "$work/server.log"; then
	die "the server logged a warning or an error (above)"
fi

printf '\ndemo passed: table, migration, queries, cache, future call, clients and the session log\n'
