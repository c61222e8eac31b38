package generator

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/podgen/podgen/internal/inputfile"
)

// Write makes outDir hold exactly files plus the user's own files.
//
// It builds the complete new tree in a temporary folder beside outDir (same
// file system, so renames are atomic), carries over every file without the
// podgen header, and then swaps the two folders; stale generated files are
// thereby gone. Unchanged files are hard-linked from the old tree, so their
// modification times stay put, and when nothing changed at all, Write does
// not touch outDir. On any error before the swap, outDir is left as it was.
//
// Builds of one outDir take turns: Write holds the output's lock (see
// lockOutput) from the scan to the swap, and under it first removes the
// temporary trees of killed builds (see cleanStale).
func Write(outDir string, files map[string][]byte) error {
	_, err := write(outDir, files)
	return err
}

// write is Write, returning the slash paths that it changed.
func write(outDir string, files map[string][]byte) (changed []string, err error) {
	if outDir, err = resolveOut(outDir); err != nil {
		return nil, err
	}
	parent := filepath.Dir(outDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	lock, err := lockOutput(outDir, true)
	if err != nil {
		return nil, err
	}
	defer lock.unlock()
	if lock.held {
		if err := cleanStale(outDir); err != nil {
			return nil, err
		}
	}
	d, changed, err := plan(outDir, files)
	if err != nil || len(changed) == 0 {
		return changed, err
	}
	tmp, err := os.MkdirTemp(parent, tempPrefix(outDir))
	if err != nil {
		return nil, err
	}
	if err := fill(tmp, outDir, d, files); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := swap(tmp, outDir); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return changed, nil
}

// resolveOut makes outDir absolute and, when it is a symbolic link to a
// folder, follows it, so that the swap replaces the folder, not the link.
func resolveOut(outDir string) (string, error) {
	abs, err := filepath.Abs(outDir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	return abs, nil
}

// fill writes the new tree into tmp.
func fill(tmp, outDir string, d *disk, files map[string][]byte) error {
	mode := fs.FileMode(0o755)
	if fi, err := os.Stat(outDir); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return err
	}
	for p, data := range files {
		src, dst := filepath.Join(outDir, filepath.FromSlash(p)), filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if d.generated[p] && sameContent(src, data) && os.Link(src, dst) == nil {
			continue
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	for p := range d.user {
		src, dst := filepath.Join(outDir, filepath.FromSlash(p)), filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := carry(src, dst); err != nil {
			return fmt.Errorf("keeping your file %s: %w", src, err)
		}
	}
	return nil
}

// carry moves a user's file into the new tree unchanged: a hard link where
// the file system allows it, else a copy with the same mode and mtime.
func carry(src, dst string) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	if os.Link(src, dst) == nil {
		return nil
	}
	in, _, err := inputfile.Open(src) // it may have been replaced by a FIFO since
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chtimes(dst, fi.ModTime(), fi.ModTime())
}

// swap puts tmp in place of outDir: outDir is renamed away first and
// renamed back if tmp cannot take its place, so outDir is never half
// written and never missing after an error.
func swap(tmp, outDir string) error {
	if _, err := os.Lstat(outDir); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, outDir)
	}
	old := tmp + "-old"
	if err := os.Rename(outDir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, outDir); err != nil {
		if back := os.Rename(old, outDir); back != nil {
			return fmt.Errorf("%w (and restoring %s from %s failed: %v)", err, outDir, old, back)
		}
		return err
	}
	return os.RemoveAll(old)
}
