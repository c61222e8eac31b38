package watch

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Server is the app's server, rebuilt and restarted after each good build
// (podgen build --watch --run). It is `go build` of Package followed by
// running the binary, which is what `go run` does, except that the old
// server keeps serving while the new one compiles, and signals reach the
// server itself rather than the go command.
type Server struct {
	Package string   // "./out/cmd/server"
	Args    []string // the user's server flags
	Log     io.Writer
	Stdout  io.Writer
	Stderr  io.Writer

	bin  string // the binary, in a temp folder
	cmd  *exec.Cmd
	done chan struct{}
}

// stopGrace is how long a server may take to drain after SIGINT before it
// is killed.
const stopGrace = 15 * time.Second

// Restart builds the server; when that works, it stops the running one
// and starts the new one.
func (s *Server) Restart() {
	if s.bin == "" {
		dir, err := os.MkdirTemp("", "podgen-watch-")
		if err != nil {
			fmt.Fprintf(s.Log, "run: %v\n", err)
			return
		}
		s.bin = filepath.Join(dir, "server")
	}
	next := s.bin + ".next"
	build := exec.Command("go", "build", "-o", next, s.Package)
	build.Stdout, build.Stderr = s.Stderr, s.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(s.Log, "run: go build %s failed; the old server keeps running\n", s.Package)
		return
	}
	s.Stop()
	if err := os.Rename(next, s.bin); err != nil {
		fmt.Fprintf(s.Log, "run: %v\n", err)
		return
	}
	cmd := exec.Command(s.bin, s.Args...)
	cmd.Stdout, cmd.Stderr = s.Stdout, s.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(s.Log, "run: %v\n", err)
		return
	}
	s.cmd, s.done = cmd, make(chan struct{})
	go func(done chan struct{}) { cmd.Wait(); close(done) }(s.done) //nolint:errcheck // its exit is the server's business
	fmt.Fprintf(s.Log, "run: server started (pid %d)\n", cmd.Process.Pid)
}

// Stop interrupts the running server, as Ctrl-C would, and waits for it
// to drain; one that does not stop in time is killed.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.done:
	default:
		if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
			s.cmd.Process.Kill() //nolint:errcheck // it is gone, or going
		}
		select {
		case <-s.done:
		case <-time.After(stopGrace):
			s.cmd.Process.Kill() //nolint:errcheck // as above
			<-s.done
		}
	}
	s.cmd = nil
}

// Close stops the server and removes its binary.
func (s *Server) Close() {
	s.Stop()
	if s.bin != "" {
		os.RemoveAll(filepath.Dir(s.bin)) //nolint:errcheck // a temp folder
	}
}
