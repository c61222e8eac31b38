package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/authapp/out/client"
)

// These tests run the auth module as users meet it: the app's server
// binary, started as a process on its own database, called over HTTP by
// the generated client and by hand-made requests.

// serverOptions are the auth settings of one server (config/development.yaml).
type serverOptions struct {
	keyLifetime   string // "" for the default (keys do not expire)
	maxFailures   int    // lockout: 0 for the default
	lockoutWindow string
	jwks          *jwksServer // Google's and Apple's keys; nil: the providers' real URLs
}

// authServer is a running server with its database and mail outbox.
type authServer struct {
	url    string
	db     *pgx.Conn // the server's database, for the test's own looks
	outbox string    // where endpoints.AuthMailer writes the codes
	stdout *lockedBuilder
	stderr *lockedBuilder
}

var (
	buildOnce sync.Once
	serverBin string
	buildErr  error
)

// binary builds ./out/cmd/server once per test binary.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "authapp-server-")
		if err != nil {
			buildErr = err
			return
		}
		serverBin = filepath.Join(dir, "server")
		build := exec.Command("go", "build", "-o", serverBin, "./out/cmd/server")
		build.Dir = ".."
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./out/cmd/server: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return serverBin
}

// startAuthServer starts the app on a fresh database and waits until it
// listens. The server and its database go when the test ends.
func startAuthServer(t *testing.T, o serverOptions) *authServer {
	t.Helper()
	u := freshDatabase(t)
	dir := t.TempDir()
	writeConfig(t, dir, o)
	s := &authServer{outbox: filepath.Join(dir, "outbox.txt"), stdout: &lockedBuilder{}, stderr: &lockedBuilder{}}
	ctx := context.Background()
	var err error
	if s.db, err = pgx.Connect(ctx, u.String()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.db.Close(context.Background()) })
	logEverySession(t, s.db)

	cmd := exec.Command(binary(t), "--mode", "development")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PODGEN_API_PORT=0", "PODGEN_INSIGHTS_PORT=0",
		"PODGEN_DATABASE_URL="+u.String(), "AUTHAPP_OUTBOX="+s.outbox)
	stdout, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, s.stderr
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	port := make(chan string, 1)
	go s.readStdout(stdout, port)
	t.Cleanup(func() {
		stopClientServer(t, cmd, exited, s.stderr)
		if t.Failed() {
			t.Logf("server stdout:\n%s", s.stdout.String())
		}
	})
	select {
	case p := <-port:
		s.url = "http://127.0.0.1:" + p + "/"
		waitDial(t, "127.0.0.1:"+p)
	case <-exited:
		t.Fatalf("the server exited before listening:\n%s", s.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not listen within 30 s")
	}
	return s
}

// readStdout keeps every line of the server's stdout and sends its port.
func (s *authServer) readStdout(r *os.File, port chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		s.stdout.Write([]byte(sc.Text() + "\n"))
		if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
			select {
			case port <- m[1]:
			default:
			}
		}
	}
	r.Close()
}

func writeConfig(t *testing.T, dir string, o serverOptions) {
	t.Helper()
	var b strings.Builder
	b.WriteString("auth:\n")
	if o.keyLifetime != "" {
		fmt.Fprintf(&b, "  keyLifetime: %s\n", o.keyLifetime)
	}
	if o.maxFailures > 0 {
		fmt.Fprintf(&b, "  lockout: {maxFailures: %d, window: %s}\n", o.maxFailures, o.lockoutWindow)
	}
	google, apple := "[test-google-client]", "[com.example.authapp]"
	fmt.Fprintf(&b, "  google: {clientIds: %s", google)
	if o.jwks != nil {
		fmt.Fprintf(&b, ", jwksUrl: %q", o.jwks.url+"/google")
	}
	fmt.Fprintf(&b, "}\n  apple: {clientIds: %s", apple)
	if o.jwks != nil {
		fmt.Fprintf(&b, ", jwksUrl: %q", o.jwks.url+"/apple")
	}
	b.WriteString("}\n")
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "development.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// logEverySession makes the server store every call's session log, so that
// the tests can look for the user id and for leaked secrets in them.
func logEverySession(t *testing.T, db *pgx.Conn) {
	t.Helper()
	_, err := db.Exec(context.Background(), `INSERT INTO pod_runtime_settings (id, settings) VALUES (1,
		'{"logLevel":"debug","logAllSessions":true,"logAllQueries":true,"slowSessionThresholdMs":1000,"slowQueryThresholdMs":100,"retentionDays":30}')`)
	if err != nil {
		t.Fatal(err)
	}
}

// client is a generated client of s, signed in with key when it is not "".
func (s *authServer) client(key string) *client.Client {
	if key == "" {
		return client.New(s.url)
	}
	return client.New(s.url, client.WithAuthKey(key))
}

// code is the last code the mailer sent to email ("verify" or "reset").
func (s *authServer) code(t *testing.T, kind, email string) string {
	t.Helper()
	data, err := os.ReadFile(s.outbox)
	if err != nil {
		t.Fatalf("no mail sent: %v", err)
	}
	code := ""
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == kind && f[1] == email {
			code = f[2]
		}
	}
	if code == "" {
		t.Fatalf("no %s code mailed to %s; outbox:\n%s", kind, email, data)
	}
	return code
}

// mails counts the lines of the outbox for email.
func (s *authServer) mails(email string) int {
	data, _ := os.ReadFile(s.outbox)
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[1] == email {
			n++
		}
	}
	return n
}

var userSeq atomic.Int64

// uniqueEmail is a new address for one test.
func uniqueEmail(name string) string {
	return fmt.Sprintf("%s%d@example.com", name, userSeq.Add(1))
}

// signUp creates an account through the email flow and returns its id.
func (s *authServer) signUp(t *testing.T, email, password string) int64 {
	t.Helper()
	ctx := context.Background()
	c := s.client("")
	ok, err := c.Auth.Email.CreateAccountRequest(ctx, "user", email, password)
	if err != nil || !ok {
		t.Fatalf("createAccountRequest(%s) = %v, %v", email, ok, err)
	}
	u, err := c.Auth.Email.CreateAccount(ctx, email, s.code(t, "verify", email))
	if err != nil || u == nil {
		t.Fatalf("createAccount(%s) = %v, %v", email, u, err)
	}
	return u.ID
}

// signIn authenticates and returns the "keyId:key" to send.
func (s *authServer) signIn(t *testing.T, email, password string) string {
	t.Helper()
	r, err := s.client("").Auth.Email.Authenticate(context.Background(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	return keyOf(t, r)
}

func keyOf(t *testing.T, r client.AuthenticationResponse) string {
	t.Helper()
	if !r.Success || r.Key == nil || r.KeyID == nil || r.UserInfo == nil {
		t.Fatalf("sign-in failed: %+v (reason %v)", r, reason(r))
	}
	return fmt.Sprintf("%d:%s", *r.KeyID, *r.Key)
}

func reason(r client.AuthenticationResponse) string {
	if r.FailReason == nil {
		return "<none>"
	}
	return r.FailReason.String()
}

// post calls POST /path with body and an Authorization header (none when
// "") and returns the status and body.
func (s *authServer) post(t *testing.T, path, authorization, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text())
	}
	return resp.StatusCode, b.String()
}

// sql runs a statement on the server's database.
func (s *authServer) sql(t *testing.T, stmt string, args ...any) {
	t.Helper()
	if _, err := s.db.Exec(context.Background(), stmt, args...); err != nil {
		t.Fatal(err)
	}
}

// texts returns every text the server has written anywhere: its output and
// its session, query and log rows.
func (s *authServer) texts(t *testing.T) string {
	t.Helper()
	time.Sleep(1500 * time.Millisecond) // the log writer flushes about every second
	var b strings.Builder
	b.WriteString(s.stdout.String())
	b.WriteString(s.stderr.String())
	for _, q := range []string{
		`SELECT concat_ws(' ', endpoint, method, error, stack_trace) FROM pod_session_log`,
		`SELECT concat_ws(' ', query, error) FROM pod_query_log`,
		`SELECT message FROM pod_log_entry`,
	} {
		rows, err := s.db.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			b.WriteString(v + "\n")
		}
		rows.Close()
	}
	return b.String()
}
