// Package podtest holds fixed code that podgen copies into every generated
// app with endpoints, as out/podtest (see emit/static.go). It is compiled
// and tested here against zz_app.go, a stand-in for the generated app.go.
package podtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
	"github.com/podgen/podgen/emit/static/server"
)

// Env is one test's running app: the generated server in-process behind
// an httptest server, the typed client pointed at it, and the test's own
// database and caches. Everything is torn down when the test ends.
//
//	func TestGreeting(t *testing.T) {
//		env := podtest.New(t)
//		got, err := env.Client.Example.Hello(env.Ctx, "Ada")
//		...
//	}
type Env struct {
	// Ctx is cancelled when the test ends; pass it to client calls.
	Ctx context.Context
	// Client is the app's typed Go client (out/client), calling the
	// endpoints through the real wire path: HTTP, routing, decoding and
	// encoding, the exception mapping.
	Client *Client
	// URL is the base URL of the in-process server ("http://127.0.0.1:N/"),
	// for calls with net/http (curl's view of the API).
	URL string
	// DB is the test's database for arranging rows and asserting on them;
	// nil when the app has neither a table class nor a future call (and
	// WithDatabase was not given).
	DB *pod.DB
	// Runtime is what the server runs on: config, caches, database pool,
	// logger. Change it only before the first call.
	Runtime *pod.Runtime

	t   testing.TB
	srv *httptest.Server
}

// Option changes how New sets up an Env.
type Option func(*options)

type options struct {
	config   []func(*pod.Config)
	database bool
}

// WithConfig lets fn change the server's configuration (defaults of mode
// "test", see pod.DefaultConfig, with podtest's database, Redis and
// Global cache prefix) before the server is built, e.g. a smaller
// MaxRequestSize.
func WithConfig(fn func(*pod.Config)) Option {
	return func(o *options) { o.config = append(o.config, fn) }
}

// WithDatabase gives the test a database even when the app has no table
// class and no future call (for endpoints that use s.DB.Exec directly).
func WithDatabase() Option { return func(o *options) { o.database = true } }

// New starts the app for t. The database (when the app needs one) is a
// fresh copy of a template that holds the app's schema (see testDatabase);
// the caches are new, and the Global cache, when PODGEN_TEST_REDIS_ADDR
// names a Redis, uses a key prefix of this test alone, cleared at the end.
// A service that does not answer skips the test, or fails it when CI is
// set.
//
// Seam for authentication: the auth module does not exist yet. When it
// does, a test signs in through it (a user and a key made in the test's
// database) and calls with NewClient(client.WithAuthKey(...)), so login
// and scopes are checked on the real wire path.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	vars := map[string]string{}
	needDB := needsDatabase || o.database
	if needDB {
		vars["PODGEN_DATABASE_URL"] = testDatabase(t)
	}
	redisAddr := os.Getenv("PODGEN_TEST_REDIS_ADDR")
	if redisAddr != "" {
		vars["PODGEN_REDIS_URL"] = "redis://" + redisAddr
	}
	cfg, err := pod.LoadConfig("", "test", appName, func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("podtest: %v", err)
	}
	cfg.Caches.Global.Prefix = appName + ":podtest:" + uniqueSuffix()
	for _, fn := range o.config {
		fn(cfg)
	}
	log := &testLog{t: t}
	t.Cleanup(log.stop) // after the server, pool and caches closed: their last lines still reach t
	rt := &pod.Runtime{Config: cfg, Logger: slog.New(slog.NewTextHandler(log, nil))}
	rt.Caches = pod.NewCaches(cfg)
	t.Cleanup(func() { rt.Caches.Close() })
	if redisAddr != "" {
		pingCtx, cancelPing := context.WithTimeout(ctx, 2*time.Second)
		err := rt.Caches.Global.Ping(pingCtx)
		cancelPing()
		if err != nil {
			unavailable(t, "Redis at "+redisAddr+" (PODGEN_TEST_REDIS_ADDR)", err)
		}
		t.Cleanup(func() {
			if err := rt.Caches.Global.Clear(); err != nil {
				t.Errorf("podtest: clearing the Global cache: %v", err)
			}
		})
	}
	env := &Env{Ctx: ctx, Runtime: rt, t: t}
	if needDB {
		if rt.DB, err = pod.OpenDBPool(cfg.Database); err != nil {
			t.Fatalf("podtest: %v", err)
		}
		t.Cleanup(rt.DB.Close) // before the database is dropped
		env.DB = pod.NewDB(ctx, rt.DB)
	}
	if err := server.StartModules(rt); err != nil {
		t.Fatalf("podtest: %v", err)
	}
	env.srv = httptest.NewServer(server.New(rt).Handler())
	t.Cleanup(env.srv.Close) // first: no call runs once the rest goes
	env.URL = env.srv.URL + "/"
	env.Client = newClient(env.URL, env.srv.Client())
	return env
}

// NewClient is another client of the test's server, with options such as
// client.WithAuthKey.
func (e *Env) NewClient(opts ...ClientOption) *Client {
	return newClient(e.URL, e.srv.Client(), opts...)
}

// Session is a new session on the test's runtime, as an endpoint method
// gets one: s.DB, s.Caches, s.FutureCalls, s.Log, for arranging state
// (scheduling a future call, filling a cache) and asserting on it.
func (e *Env) Session() *pod.Session {
	s := pod.NewSession(e.Ctx, e.Runtime, "podtest", e.t.Name(), "podtest")
	e.t.Cleanup(func() { s.Close(nil, "") })
	return s
}

// ResetCaches empties the Local, LocalPrio and Global caches, as a new
// test finds them.
func (e *Env) ResetCaches() {
	e.t.Helper()
	c := e.Runtime.Caches
	caches := []pod.Cache{c.Local, c.LocalPrio}
	if e.Runtime.Config.Redis.Enabled {
		caches = append(caches, c.Global)
	}
	for _, cache := range caches {
		if err := cache.Clear(); err != nil {
			e.t.Fatalf("podtest: clearing the caches: %v", err)
		}
	}
}

// RunFutureCalls runs the future calls that are due within ahead from now
// (0: those due now), through the scheduler's code path, and returns once
// they have ended. Shifting time is done on the rows: calls due within
// ahead are moved ahead earlier, which keeps their order. A call that
// fails is rescheduled for a retry, as on a server; calls it schedules
// that are due at once run too. It fails the test when the app has no
// database or the database refuses.
func (e *Env) RunFutureCalls(ahead time.Duration) {
	e.t.Helper()
	if e.DB == nil {
		e.t.Fatal("podtest: RunFutureCalls needs a database (the app has no future calls; see WithDatabase)")
	}
	if ahead < 0 {
		e.t.Fatalf("podtest: RunFutureCalls(%v): ahead must not be negative", ahead)
	}
	if ahead > 0 {
		ms := ahead.Milliseconds()
		if _, err := e.DB.Exec(`UPDATE "pod_future_call" SET "due" = "due" - $1 * interval '1 millisecond'
WHERE "state" = 'scheduled' AND "due" <= now() + $1 * interval '1 millisecond'`, ms); err != nil {
			e.t.Fatalf("podtest: shifting future calls: %v", err)
		}
	}
	if err := server.RunDueFutureCalls(e.Ctx, e.Runtime); err != nil {
		e.t.Fatalf("podtest: running future calls: %v", err)
	}
}

// unavailable skips t because a service does not answer, or fails it when
// CI is set: CI must not pass by skipping.
func unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("podtest: %s does not answer: %v", what, err)
	}
	t.Skipf("podtest: %s does not answer, skipping (start it, or point the variable at one): %v", what, err)
}

var seq atomic.Int64

// uniqueSuffix names one test's resources: unique within the process
// (the sequence) and across processes and machines sharing a server (pid
// and random bytes).
func uniqueSuffix() string {
	var r [3]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%d_%d_%s", os.Getpid(), seq.Add(1), hex.EncodeToString(r[:]))
}

// testDatabaseURL is the server the test databases are made on.
func testDatabaseURL() string {
	if u := os.Getenv("PODGEN_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// withDatabase is base with its path replaced by name.
func withDatabase(base *url.URL, name string) string {
	u := *base
	u.Path = "/" + name
	return u.String()
}

// testLog passes the server's log lines to t.Log until the test ends, so
// that they show with a failure (or -v) beside the test's own lines.
type testLog struct {
	t       testing.TB
	mu      sync.Mutex
	stopped bool
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Log(string(bytes.TrimRight(p, "\n")))
	}
	return len(p), nil
}

// stop drops later lines: t.Log after the test panics.
func (l *testLog) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}
