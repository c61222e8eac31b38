package schema

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// loadWithin runs Load and fails the test when it takes longer than a few
// seconds: no input may make podgen hang (a FIFO) or read forever
// (/dev/zero).
func loadWithin(t *testing.T, protocol, endpoints string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(protocol, endpoints)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Load(%s, %s) still running after 5s", protocol, endpoints)
		return nil
	}
}

// wantFileError checks that err is an ErrorList holding exactly want.
func wantFileError(t *testing.T, err error, want string) {
	t.Helper()
	var list ErrorList
	if !errors.As(err, &list) || err.Error() != want {
		t.Errorf("err = %v (%T)\nwant the user error %s", err, err, want)
	}
}

// inputDirs makes empty protocol and endpoints folders.
func inputDirs(t *testing.T) (protocol, endpoints string) {
	t.Helper()
	dir := t.TempDir()
	protocol, endpoints = filepath.Join(dir, "protocol"), filepath.Join(dir, "endpoints")
	for _, d := range []string{protocol, endpoints} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return protocol, endpoints
}

// TestLoadRefusesIrregularFiles: an input that is not a regular file is a
// positioned error, at once: never read (a device), never waited on (a
// FIFO, a socket).
func TestLoadRefusesIrregularFiles(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		make       func(path string) error
		what       string
	}{
		{"device", "protocol/z.yaml", func(p string) error { return os.Symlink("/dev/zero", p) }, "not a regular file (a character device)"},
		{"fifo", "protocol/pipe.yaml", func(p string) error { return syscall.Mkfifo(p, 0o644) }, "not a regular file (a named pipe)"},
		{"endpoint fifo", "endpoints/pipe.go", func(p string) error { return syscall.Mkfifo(p, 0o644) }, "not a regular file (a named pipe)"},
		{"socket", "protocol/s.yaml", listenUnix(t), "not a regular file (a socket)"},
		{"link to a folder", "protocol/dir.yaml", func(p string) error { return os.Symlink(t.TempDir(), p) }, "not a regular file (a folder)"},
		{"broken link", "protocol/gone.yaml", func(p string) error { return os.Symlink("missing.yaml", p) }, "broken symbolic link (its target does not exist)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			protocol, endpoints := inputDirs(t)
			path := filepath.Join(filepath.Dir(protocol), tc.file)
			if err := tc.make(path); err != nil {
				t.Skip(err)
			}
			wantFileError(t, loadWithin(t, protocol, endpoints), path+":1:1: "+tc.what)
		})
	}
}

// listenUnix makes a Unix socket at a path; the listener closes with t.
func listenUnix(t *testing.T) func(string) error {
	return func(p string) error {
		l, err := net.Listen("unix", p)
		if err != nil {
			return err
		}
		t.Cleanup(func() { l.Close() })
		return nil
	}
}

// TestLoadFollowsLinkToRegularFile: a link to a regular file is read.
func TestLoadFollowsLinkToRegularFile(t *testing.T) {
	protocol, endpoints := inputDirs(t)
	target := filepath.Join(t.TempDir(), "greeting.yaml")
	if err := os.WriteFile(target, []byte("class: Greeting\nfields:\n  text: String\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(protocol, "greeting.yaml")); err != nil {
		t.Skip(err)
	}
	if err := loadWithin(t, protocol, endpoints); err != nil {
		t.Fatal(err)
	}
}

// TestLoadRefusesOversizedFiles: a file over the limit is an error found
// from its size, without reading it (the sparse 200 MiB files cost no
// disk, and reading one would allocate 200 MiB).
func TestLoadRefusesOversizedFiles(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"protocol/big.yaml", "file is 200 MiB, larger than the 1 MiB limit for a protocol file"},
		{"endpoints/big.go", "file is 200 MiB, larger than the 4 MiB limit for an endpoint file"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			protocol, endpoints := inputDirs(t)
			path := filepath.Join(filepath.Dir(protocol), tc.file)
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(200 << 20); err != nil {
				t.Skip(err)
			}
			f.Close()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err = loadWithin(t, protocol, endpoints)
			runtime.ReadMemStats(&after)
			wantFileError(t, err, path+":1:1: "+tc.want)
			if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
				t.Errorf("Load allocated %d MiB: it read the file", n>>20)
			}
		})
	}
}

// TestLoadReportsEveryBadFile: each bad file is its own error, sorted,
// beside the errors of the files that could be read.
func TestLoadReportsEveryBadFile(t *testing.T) {
	protocol, endpoints := inputDirs(t)
	for _, name := range []string{"a.yaml", "c.yaml"} {
		if err := syscall.Mkfifo(filepath.Join(protocol, name), 0o644); err != nil {
			t.Skip(err)
		}
	}
	if err := os.WriteFile(filepath.Join(protocol, "b.yaml"), []byte("class: book\nfields: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantFileError(t, loadWithin(t, protocol, endpoints),
		filepath.Join(protocol, "a.yaml")+":1:1: not a regular file (a named pipe)\n"+
			filepath.Join(protocol, "b.yaml")+`:1:8: invalid class name "book": want UpperCamelCase (^[A-Z][A-Za-z0-9]*$)`+"\n"+
			filepath.Join(protocol, "c.yaml")+":1:1: not a regular file (a named pipe)")
}
