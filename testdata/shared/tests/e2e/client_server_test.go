package e2e

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// clientServerURL builds the app's server (cmd/server of the module this
// test runs in), starts it on a port the system chooses and returns its
// base URL. The server is stopped with SIGTERM, and killed if it lingers,
// when the test ends; its output is logged on failure.
func clientServerURL(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "server")
	build := exec.Command("go", "build", "-o", bin, "./out/cmd/server")
	build.Dir = ".." // the module root: this package is <root>/e2e
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./out/cmd/server: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--mode", "development")
	cmd.Dir = t.TempDir() // no config folder: the server runs on its defaults
	cmd.Env = append(os.Environ(), "PODGEN_API_PORT=0", "PODGEN_INSIGHTS_PORT=0")
	// An os.Pipe rather than StdoutPipe: Wait must not close the reading
	// end while the scanner still reads from it.
	stdout, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = w
	var stderr lockedBuilder
	cmd.Stderr = &stderr
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { stopClientServer(t, cmd, exited, &stderr) })
	port := waitListening(t, stdout)
	addr := net.JoinHostPort("127.0.0.1", port)
	waitDial(t, addr)
	return "http://" + addr + "/"
}

var listeningRE = regexp.MustCompile(`listening on port (\d+)`)

// waitListening reads the server's stdout until it names its port, then
// keeps draining it so that the server never blocks on a full pipe.
func waitListening(t testing.TB, stdout io.ReadCloser) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		stdout.Close()
		close(found)
	}()
	select {
	case port, ok := <-found:
		if !ok {
			t.Fatal("the server exited before listening")
		}
		return port
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not listen within 30 s")
	}
	return ""
}

// waitDial polls addr until it accepts a connection.
func waitDial(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("server at %s not reachable: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stopClientServer sends SIGTERM, waits up to 10 s for a clean exit, then
// kills the process.
func stopClientServer(t testing.TB, cmd *exec.Cmd, exited chan struct{}, stderr *lockedBuilder) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		t.Error("the server did not stop within 10 s of SIGTERM")
	}
	if t.Failed() {
		t.Logf("server stderr:\n%s", stderr.String())
	}
}

// lockedBuilder collects the server's stderr, written by exec's copying
// goroutine and read by the test.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// clientCtx is the context of one client call in these tests.
func clientCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
