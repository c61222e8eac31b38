// Package inputfile reads the files podgen is given (protocol YAML,
// endpoint Go files, go.mod, migrations) without trusting the file system:
// only regular files are read (a link is followed to its target, which
// must be one), a device or a FIFO is refused before it is opened for
// long, and no read goes past the caller's size limit, even when the file
// grows while it is read.
//
//	Read("protocol/z.yaml", 1<<20, "a protocol file") with z.yaml → /dev/zero:
//	protocol/z.yaml:1:1: not a regular file (a character device)
package inputfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Error is an input file that podgen refuses or cannot read. It prints as
// a user error at the file's start, `path:1:1: message`, like the other
// file-level errors of podgen.
type Error struct {
	Path string
	Msg  string // lower-case: "not a regular file (a named pipe)"
	Err  error  // the underlying I/O error, if any
}

func (e *Error) Error() string { return e.Path + ":1:1: " + e.Msg }

func (e *Error) Unwrap() error { return e.Err }

// Open opens the regular file at path for reading. It stats path first,
// so that a FIFO or a device is never opened; it opens without blocking
// (a FIFO put there meanwhile cannot hang it) and checks again what it
// opened, so that a swap between the stat and the open is caught too.
func Open(path string) (*os.File, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, statError(path, err)
	}
	if err := regular(path, fi); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, &Error{Path: path, Msg: "cannot read it: " + reason(err), Err: err}
	}
	if fi, err = f.Stat(); err == nil {
		err = regular(path, fi)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// Read returns the contents of the regular file at path, which may hold at
// most limit bytes; what names the kind of file in the message about its
// size ("a protocol file"). The size is checked before reading, and the
// read stops at limit+1 bytes.
func Read(path string, limit int64, what string) ([]byte, error) {
	f, fi, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, &Error{Path: path, Msg: TooLarge(fi.Size(), limit, what)}
	}
	var b bytes.Buffer
	b.Grow(int(fi.Size()) + 1)
	if _, err := b.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, &Error{Path: path, Msg: "cannot read it: " + reason(err), Err: err}
	}
	if int64(b.Len()) > limit { // it grew after the stat: its size is unknown
		return nil, &Error{Path: path, Msg: fmt.Sprintf("file is larger than the %s limit for %s", Size(limit), what)}
	}
	return b.Bytes(), nil
}

// TooLarge is the message for data of size bytes, over limit: "file is
// 200 MiB, larger than the 1 MiB limit for a protocol file".
func TooLarge(size, limit int64, what string) string {
	return fmt.Sprintf("file is %s, larger than the %s limit for %s", Size(size), Size(limit), what)
}

// Size spells a byte count for people: 512 bytes, 4 KiB, 1.5 MiB, 200 MiB.
func Size(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB", "TiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0") + " " + suffix
}

// regular refuses anything but a regular file, naming what it is.
func regular(path string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	return &Error{Path: path, Msg: "not a regular file (" + Kind(fi.Mode()) + ")"}
}

// Kind names the type of a file mode that is not a regular file: "a
// folder", "a named pipe", "a character device", ...
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	default:
		return "an irregular file"
	}
}

// statError describes a failed stat: a broken link or a missing file
// (which a caller may look for with errors.Is(err, fs.ErrNotExist)),
// a permission problem, ...
func statError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		if li, lerr := os.Lstat(path); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
			return &Error{Path: path, Msg: "broken symbolic link (its target does not exist)", Err: err}
		}
		return &Error{Path: path, Msg: "file does not exist", Err: err}
	}
	return &Error{Path: path, Msg: "cannot read it: " + reason(err), Err: err}
}

// reason is an I/O error without the operation and path that *PathError
// repeats: "permission denied".
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
