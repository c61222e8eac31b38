#!/usr/bin/env bash
# demo.sh is `make demo`, the README's "run it": it builds podgen, creates a
# sample app with `podgen init` in a temporary folder, starts the app's
# server on a free port, calls it with curl and with the generated Go
# client, stops the server and cleans up. It exits non-zero on any failure.
# Needs Go and the Go module proxy (or a filled module cache); no database.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/podgen-demo.XXXXXX")
app=$work/demopod
server_pid=""

cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }
die() {
	printf 'demo: %s\n' "$*" >&2
	if [ -f "$work/server.log" ]; then
		printf -- '--- server output ---\n' >&2
		cat "$work/server.log" >&2
	fi
	exit 1
}

step "building podgen (bin/podgen)"
(cd "$root" && go build -o bin/podgen .) || die "podgen does not build"

step "podgen init demopod"
(cd "$work" && "$root/bin/podgen" init demopod --module example.com/demopod) || die "podgen init failed"

step "building the app's server"
(cd "$app" && go build -o "$work/server" ./out/cmd/server) || die "the generated server does not build"

step "starting the server on a free port"
# Port 0 lets the system choose a free port; the server prints the one it got.
(cd "$app" && PODGEN_API_PORT=0 PODGEN_INSIGHTS_PORT=0 exec "$work/server" --mode development) \
	>"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 200); do
	port=$(sed -n 's/.*listening on port \([0-9][0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
	[ -n "$port" ] && break
	kill -0 "$server_pid" 2>/dev/null || die "the server exited before listening"
	sleep 0.1
done
[ -n "$port" ] || die "the server did not listen within 20 s"
cat "$work/server.log"
url="http://127.0.0.1:$port"

if command -v curl >/dev/null; then
	step "curl -X POST $url/example/hello -d '{\"name\":\"World\"}'"
	answer=$(curl -sS -X POST "$url/example/hello" -H 'Content-Type: application/json' \
		-d '{"name":"World"}' -w '\n%{http_code}') || die "curl failed"
	status=${answer##*$'\n'}
	body=${answer%$'\n'*}
	printf 'status %s, body %s\n' "$status" "$body"
	[ "$status" = 200 ] && [ "$body" = '"Hello World"' ] || die "curl got an unexpected answer"
else
	step "curl is not installed: skipping the curl call"
fi

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
	fmt.Println(msg)
}
GO
got=$(cd "$app" && go run ./democlient "$url") || die "the generated client failed"
printf 'c.Example.Hello(ctx, "World") = "%s"\n' "$got"
[ "$got" = "Hello World" ] || die "the client got $got, want Hello World"

step "stopping the server (SIGTERM)"
kill -TERM "$server_pid"
code=0
wait "$server_pid" || code=$?
server_pid=""
[ "$code" = 0 ] || die "the server exited with code $code after SIGTERM"
echo "server stopped cleanly"

printf '\ndemo passed: the server answered "Hello World" to curl and to the Go client\n'
