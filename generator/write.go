package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/podgen/podgen/internal/inputfile"
)

// disk is what the output folder holds now, split by owner.
type disk struct {
	generated map[string]bool // slash paths of files with podgen's header
	user      map[string]bool // slash paths of every other file
	dirs      []string        // slash paths of every folder, parents first
}

// scan reads the output folder. A missing folder is an empty one.
func scan(outDir string) (*disk, error) {
	d := &disk{generated: map[string]bool{}, user: map[string]bool{}}
	if fi, err := os.Stat(outDir); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("%s: output path exists and is not a folder", outDir)
	}
	err := filepath.WalkDir(outDir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(outDir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case e.IsDir():
			d.dirs = append(d.dirs, rel)
		case e.Type().IsRegular():
			gen, err := hasHeader(p)
			if err != nil {
				return err
			}
			if gen {
				d.generated[rel] = true
			} else {
				d.user[rel] = true
			}
		default: // symlinks, sockets...: never podgen's
			d.user[rel] = true
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		if _, statErr := os.Lstat(outDir); errors.Is(statErr, fs.ErrNotExist) {
			return d, nil
		}
	}
	return d, err
}

// hasHeader reads just enough of the file to see its first line.
func hasHeader(path string) (bool, error) {
	f, _, err := inputfile.Open(path) // never a FIFO that replaced it since the walk
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 128)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return false, err
	}
	return IsGenerated(buf[:n]), nil
}

// Check compares files with what outDir holds and returns, sorted, the
// slash paths that Write would create, change or remove. It never writes
// (beyond the lock file beside an existing outDir: it reads under a shared
// lock, so that no build swaps the folder while it is scanned). A
// generated path that is taken by a user's file is an error.
func Check(outDir string, files map[string][]byte) (changed []string, err error) {
	if outDir, err = resolveOut(outDir); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(outDir); err == nil {
		lock, err := lockOutput(outDir, false)
		if err != nil {
			return nil, err
		}
		defer lock.unlock()
	}
	_, changed, err = plan(outDir, files)
	return changed, err
}

// plan scans outDir and lists what writing files would change.
func plan(outDir string, files map[string][]byte) (d *disk, changed []string, err error) {
	if d, err = scan(outDir); err != nil {
		return nil, nil, err
	}
	if err := d.conflicts(outDir, files); err != nil {
		return nil, nil, err
	}
	for p, data := range files {
		if !d.generated[p] || !sameContent(filepath.Join(outDir, filepath.FromSlash(p)), data) {
			changed = append(changed, p)
		}
	}
	for p := range d.generated {
		if _, keep := files[p]; !keep {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	return d, changed, nil
}

// conflicts reports generated paths that a user file (or folder) occupies,
// and user files where the generator needs a folder.
func (d *disk) conflicts(outDir string, files map[string][]byte) error {
	var bad []string
	dirs := map[string]bool{}
	for _, dir := range d.dirs {
		dirs[dir] = true
	}
	for p := range files {
		if d.user[p] || dirs[p] {
			bad = append(bad, p)
		}
		for dir := pathDir(p); dir != "."; dir = pathDir(dir) {
			if d.user[dir] {
				bad = append(bad, dir)
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("%s: podgen needs to write %q, but a file there lacks the podgen header, so it is yours and podgen will not replace it (hint: move it away, or delete it if podgen wrote it)",
		outDir, bad[0])
}

func pathDir(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "."
	}
	return p[:i]
}

// sameContent reports whether the file at path holds data; a larger file
// is not read.
func sameContent(path string, data []byte) bool {
	old, err := inputfile.Read(path, int64(len(data)), "a generated file")
	return err == nil && bytes.Equal(old, data)
}
