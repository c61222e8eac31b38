package watch

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

const fakeServer = `package main

import (
	"fmt"
	"os"
	"os/signal"
)

func main() {
	fmt.Println("up", os.Args[1:], os.Getpid())
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	<-c
	fmt.Println("drained", os.Getpid())
}
`

// Restart builds the package, stops the running server with an interrupt
// (it drains) and starts the new one with the user's flags; a package that
// does not compile leaves the old server running.
func TestServerRestart(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module fake\n\ngo 1.22\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "cmd", "server"), 0o755)
	main := filepath.Join(dir, "cmd", "server", "main.go")
	os.WriteFile(main, []byte(fakeServer), 0o644)
	t.Chdir(dir)
	var out, log syncWriter
	s := &Server{Package: "./cmd/server", Args: []string{"--mode", "development"}, Log: &log, Stdout: &out, Stderr: &log}
	defer s.Close()
	waitFor := func(what string, n int) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if strings.Count(out.String(), what) >= n {
				return
			}
		}
		t.Fatalf("no %q x%d in %q (log %q)", what, n, out.String(), log.String())
	}
	s.Restart()
	waitFor("up [--mode development]", 1)
	s.Restart()
	waitFor("drained", 1)
	waitFor("up [--mode development]", 2)
	os.WriteFile(main, []byte("package main\nfunc main() { x }\n"), 0o644)
	s.Restart()
	if !strings.Contains(log.String(), "the old server keeps running") || strings.Count(out.String(), "drained") != 1 {
		t.Errorf("a failed build stopped the server: out %q, log %q", out.String(), log.String())
	}
	s.Close()
	waitFor("drained", 2)
}
