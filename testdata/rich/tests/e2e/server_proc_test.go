package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serverProc is a running server process started by startServer.
type serverProc struct {
	cmd    *exec.Cmd
	url    string // "http://127.0.0.1:port"
	stdout *lockedBuilder
	stderr *lockedBuilder
	exited chan struct{}
}

var (
	buildOnce sync.Once
	serverBin string
	buildErr  error
	buildOut  []byte
)

// serverBinary builds ./out/cmd/server once per test binary.
func serverBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "podgen-server-")
		if err != nil {
			buildErr = err
			return
		}
		serverBin = filepath.Join(dir, "server")
		build := exec.Command("go", "build", "-o", serverBin, "./out/cmd/server")
		build.Dir = ".." // the module root
		buildOut, buildErr = build.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./out/cmd/server: %v\n%s", buildErr, buildOut)
	}
	return serverBin
}

// runServer starts the server in dir (which may hold a config folder) with
// extra environment and flags, without waiting for it to listen.
func runServer(t *testing.T, dir string, env []string, args ...string) *serverProc {
	t.Helper()
	cmd := exec.Command(serverBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "PODGEN_API_PORT=0", "PODGEN_INSIGHTS_PORT=0"), env...)
	p := &serverProc{cmd: cmd, stdout: &lockedBuilder{}, stderr: &lockedBuilder{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.stdout.Write([]byte(sc.Text() + "\n"))
		}
		cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			t.Logf("server stdout:\n%s\nserver stderr:\n%s", p.stdout.String(), p.stderr.String())
		}
	})
	return p
}

// startServer is runServer that waits until the server listens.
func startServer(t *testing.T, dir string, env []string, args ...string) *serverProc {
	t.Helper()
	p := runServer(t, dir, env, args...)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningRE.FindStringSubmatch(p.stdout.String()); m != nil {
			p.url = "http://127.0.0.1:" + m[1]
			waitDial(t, "127.0.0.1:"+m[1])
			return p
		}
		select {
		case <-p.exited:
			t.Fatalf("the server exited before listening:\n%s", p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("the server did not listen within 30 s")
	return nil
}

// wait waits for the process to exit and returns its exit code.
func (p *serverProc) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(limit):
		t.Fatalf("the server did not exit within %s", limit)
	}
	return -1
}

// stop sends SIGTERM and kills the server if it lingers.
func (p *serverProc) stop(t *testing.T) {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
		t.Error("the server did not stop within 10 s of SIGTERM")
	}
}
