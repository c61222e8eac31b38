package inputfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 1536: "1.5 KiB",
		1 << 20: "1 MiB", 200 << 20: "200 MiB", 3 << 30: "3 GiB", 5 << 40: "5 TiB",
	} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestReadLimit: a file of exactly limit bytes is read, one byte more is
// refused, and a missing file is still fs.ErrNotExist to the caller.
func TestReadLimit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, err := Read(path, 5, "a test file"); err != nil || string(data) != "12345" {
		t.Errorf("Read at the limit = %q, %v", data, err)
	}
	want := path + ":1:1: file is 5 bytes, larger than the 4 bytes limit for a test file"
	if _, err := Read(path, 4, "a test file"); err == nil || err.Error() != want {
		t.Errorf("Read over the limit: %v, want %s", err, want)
	}
	_, err := Read(filepath.Join(dir, "missing"), 5, "a test file")
	var e *Error
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &e) || e.Msg != "file does not exist" {
		t.Errorf("Read(missing) = %v", err)
	}
}
