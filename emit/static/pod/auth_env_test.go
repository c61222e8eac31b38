package pod

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// authEnv is a runtime on a fresh database holding the system tables and
// the auth module's (applied as the server does, with ApplyMigrations),
// with a capturing mailer, a hand-moved auth clock, its console log in a
// buffer and a count of the statements run.
type authEnv struct {
	rt      *Runtime
	clock   *fakeClock
	mail    *captureMailer
	log     *lockedBuffer
	queries atomic.Int64
}

// newAuthEnv starts the auth module of a new env after edit (nil: none)
// changes its config.
func newAuthEnv(t *testing.T, edit func(c *Config)) *authEnv {
	t.Helper()
	rt, log := systemTablesRuntime(t)
	applied, err := ApplyMigrations(context.Background(), rt.DB, []MigrationModule{AuthMigrationModule()})
	if err != nil || strings.Join(applied, ",") != "auth/0001-auth" {
		t.Fatalf("auth migration: %v %v", applied, err)
	}
	e := &authEnv{rt: rt, clock: &fakeClock{t: time.Now()}, mail: &captureMailer{}, log: log}
	rt.DB.SetQueryHook(func(ctx context.Context, ev QueryEvent) {
		e.queries.Add(1)
		if rt.Logs != nil {
			rt.Logs.QueryHook(ctx, ev)
		}
	})
	if edit != nil {
		edit(rt.Config)
	}
	if err := rt.StartAuth(e.mail); err != nil {
		t.Fatal(err)
	}
	rt.auth.now = e.clock.Now
	return e
}

// session is a call's session whose request carried header from addr.
func (e *authEnv) session(header, addr string) *Session {
	s := NewSession(context.Background(), e.rt, "test", "auth", "req")
	s.Auth.FromRequest(header, addr)
	return s
}

// signUp makes an email account through the whole flow.
func (e *authEnv) signUp(t *testing.T, name, email, password string) *UserInfo {
	t.Helper()
	s := e.session("", "10.0.0.1")
	ok, err := s.Auth.EmailCreateAccountRequest(name, email, password)
	if err != nil || !ok {
		t.Fatalf("account request: %v %v", ok, err)
	}
	u, err := s.Auth.EmailCreateAccount(email, e.mail.last(t, "verify", email))
	if err != nil || u == nil {
		t.Fatalf("create account: %v %v", u, err)
	}
	return u
}

// signIn authenticates and returns the Authorization header of the key.
func (e *authEnv) signIn(t *testing.T, email, password string) string {
	t.Helper()
	r, err := e.session("", "10.0.0.2").Auth.EmailAuthenticate(email, password)
	if err != nil || !r.Success {
		t.Fatalf("authenticate: %+v %v", r, err)
	}
	return bearer(r)
}

// bearer is the header a client sends for the key of r.
func bearer(r AuthenticationResponse) string {
	return "Bearer " + strconv.FormatInt(*r.KeyID, 10) + ":" + *r.Key
}

// userOf is the user id a request with header gets.
func (e *authEnv) userOf(header string) (int64, bool) {
	return e.session(header, "10.0.0.3").Auth.UserID()
}

// count is the result of a count(*) query.
func (e *authEnv) count(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	rows, err := NewDB(context.Background(), e.rt.DB).Query(sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	return rows[0][0].(int64)
}

// captureMailer keeps the codes it is asked to send.
type captureMailer struct {
	mu   sync.Mutex
	sent []sentCode
	err  error // returned by every send when set
}

type sentCode struct{ kind, email, code string }

func (m *captureMailer) SendVerificationCode(_ *Session, email, code string) error {
	return m.add("verify", email, code)
}

func (m *captureMailer) SendPasswordResetCode(_ *Session, email, code string) error {
	return m.add("reset", email, code)
}

func (m *captureMailer) add(kind, email, code string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, sentCode{kind, email, code})
	return m.err
}

// last is the newest code of kind sent to email.
func (m *captureMailer) last(t *testing.T, kind, email string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.sent) - 1; i >= 0; i-- {
		if c := m.sent[i]; c.kind == kind && c.email == email {
			return c.code
		}
	}
	t.Fatalf("no %s code sent to %s (sent: %v)", kind, email, m.sent)
	return ""
}

func (m *captureMailer) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sent)
}

// allText is everything the database holds in the tables whose names
// start with pod_, as text, for tests that look for secrets in it.
func (e *authEnv) allText(t *testing.T) string {
	t.Helper()
	db := NewDB(context.Background(), e.rt.DB)
	tables, err := db.Query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'pod\_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tr := range tables {
		rows, err := db.Query(`SELECT t::text FROM ` + quoteIdent(tr[0].(string)) + ` t`)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			fmt.Fprintln(&b, tr[0], r[0])
		}
	}
	return b.String()
}
