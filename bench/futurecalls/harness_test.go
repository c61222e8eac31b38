package futurecalls

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/podgen/podgen/internal/apptest"
)

// repoRoot is podgen's checkout, seen from this module's folder.
const repoRoot = "../.."

func testDatabaseURL() string {
	if u := os.Getenv("PODGEN_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var dbSeq atomic.Int64

// freshDatabase creates an empty database, dropped when the benchmark
// ends, with the side-effect table every system under test writes to:
// one row per run of a call, stamped when the run started.
func freshDatabase(b *testing.B) string {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, testDatabaseURL())
	if err != nil {
		b.Fatalf("PostgreSQL unreachable (PODGEN_TEST_DATABASE_URL): %v", err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("podgen_fcbench_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, dbSeq.Add(1))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, testDatabaseURL()); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(testDatabaseURL())
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	execSQL(b, u.String(), `CREATE TABLE fc_effect (n bigint NOT NULL, server int NOT NULL,
		started timestamptz NOT NULL DEFAULT clock_timestamp())`)
	return u.String()
}

// execSQL runs one SQL string (possibly several statements) on a database.
func execSQL(b *testing.B, dbURL, sql string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		b.Fatal(err)
	}
}

// openPool opens a pool of at most maxConns connections to dbURL.
func openPool(b *testing.B, dbURL string, maxConns int32) *pgxpool.Pool {
	b.Helper()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return pool
}

// richApp is the rich golden app in a temporary module (the way
// TestGoldenApps builds it) and its server binary.
type richApp struct {
	module string // the module's folder: out/tables.pgsql is there
	server string // the built ./out/cmd/server
}

// schedulerFile swaps the scheduler of the golden app for another version
// of futurecall_run.go, to compare a change before `make golden`.
var schedulerFile = flag.String("fc.scheduler", "", "a futurecall_run.go (package pod) to build the rich app with instead of golden/rich/pod/futurecall_run.go")

var (
	richOnce sync.Once
	rich     richApp
	richErr  error
	richDir  string // removed by TestMain once every benchmark ran
)

func TestMain(m *testing.M) {
	code := m.Run()
	if richDir != "" {
		os.RemoveAll(richDir)
	}
	os.Exit(code)
}

// buildRich makes the rich app's module and builds its server once.
func buildRich(b *testing.B) richApp {
	b.Helper()
	richOnce.Do(func() {
		dir, err := os.MkdirTemp("", "podgen-fcbench-")
		if err != nil {
			richErr = err
			return
		}
		richDir = dir
		if rich.module, err = apptest.Module(repoRoot, "rich", dir); err != nil {
			richErr = err
			return
		}
		if *schedulerFile != "" {
			if richErr = copyFile(*schedulerFile, filepath.Join(rich.module, "out", "pod", "futurecall_run.go")); richErr != nil {
				return
			}
		}
		rich.server = filepath.Join(dir, "server")
		if out, err := apptest.Go(rich.module, "build", "-o", rich.server, "./out/cmd/server"); err != nil {
			richErr = fmt.Errorf("go build ./out/cmd/server: %v\n%s", err, out)
		}
	})
	if richErr != nil {
		b.Fatal(richErr)
	}
	return rich
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

var listeningRE = regexp.MustCompile(`listening on port (\d+)`)

// serverProc is one server process of the rich app.
type serverProc struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	exited chan struct{}
}

// startServer runs the rich server in dir with env and flags and waits
// until it listens (its scheduler has started by then).
func startServer(b *testing.B, bin, dir string, env []string, args ...string) *serverProc {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "PODGEN_API_PORT=0", "PODGEN_INSIGHTS_PORT=0"), env...)
	p := &serverProc{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		seen := false
		for sc.Scan() { // drained to the end, so the server never blocks on a full pipe
			if !seen && listeningRE.MatchString(sc.Text()) {
				seen = true
				close(listening)
			}
		}
		cmd.Wait()
		close(p.exited)
	}()
	b.Cleanup(func() { p.stop(b) })
	select {
	case <-listening:
	case <-p.exited:
		b.Fatalf("the server exited before listening:\n%s", p.stderr.String())
	case <-time.After(30 * time.Second):
		b.Fatal("the server did not listen within 30 s")
	}
	return p
}

// stop sends SIGTERM and kills the server if it lingers.
func (p *serverProc) stop(b *testing.B) {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
		b.Error("the server did not stop within 15 s of SIGTERM")
	}
}

// lockedBuffer keeps what a process writes, for error messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 {
		return len(p), nil // enough to explain a failure
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var _ io.Writer = (*lockedBuffer)(nil)
