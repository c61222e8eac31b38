package podtest

import "net/http"

// The generated app.go declares these for the app; the stand-ins let the
// static package compile and be tested on its own. Not copied into apps.

// appName is the app's name (the module's last element).
const appName = "podtest_static"

// needsDatabase reports whether the app has a table class or a future call.
const needsDatabase = true

// tablesSQL is out/tables.pgsql: one table, and the system table of
// future calls as in every app (emit.SystemMigrations, abridged).
const tablesSQL = `CREATE TABLE "note" ("id" bigserial PRIMARY KEY, "text" text NOT NULL);
CREATE TABLE IF NOT EXISTS "pod_future_call" (
	"id" bigserial PRIMARY KEY,
	"name" text NOT NULL,
	"due" timestamptz NOT NULL,
	"arg" text NOT NULL,
	"identifier" text,
	"state" text NOT NULL DEFAULT 'scheduled',
	"attempts" integer NOT NULL DEFAULT 0,
	"lease_owner" text,
	"lease_until" timestamptz,
	"last_error" text,
	"created" timestamptz NOT NULL DEFAULT now(),
	"user_id" bigint
);`

// Client stands in for the app's client.Client.
type Client struct {
	baseURL string
	hc      *http.Client
}

// ClientOption stands in for client.Option.
type ClientOption func(*Client)

func newClient(baseURL string, hc *http.Client, opts ...ClientOption) *Client {
	c := &Client{baseURL: baseURL, hc: hc}
	for _, o := range opts {
		o(c)
	}
	return c
}
