package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// lockWait bounds how long a build waits for another build of the same
// output folder to finish; tests shorten it.
var lockWait = time.Minute

// errLockBusy is tryLock's answer when another build holds the lock.
var errLockBusy = errors.New("lock held by another build")

// outputLock is one build's hold on an output folder: an flock(2) on the
// file .<out>.podgen.lock beside the folder (the folder itself is swapped
// away, so it cannot carry the lock). The lock file is left in place:
// deleting it would let a waiting build lock a file that the next build no
// longer finds. Where the system or the file system has no flock, held is
// false and builds of one output are not serialized.
type outputLock struct {
	f    *os.File
	held bool
}

// lockOutput takes the lock of outDir (absolute; its parent must exist):
// exclusive to write the folder, shared to only read it. It waits up to
// lockWait while another build holds it. A shared lock where the lock
// file cannot be made (a read-only checkout) is not held, and not needed:
// nobody can write there either.
func lockOutput(outDir string, exclusive bool) (*outputLock, error) {
	parent, base := filepath.Split(outDir)
	path := filepath.Join(parent, "."+base+".podgen.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil && !exclusive {
		if f, err = os.Open(path); err != nil {
			return &outputLock{}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(lockWait)
	for delay := time.Millisecond; ; delay = min(2*delay, 100*time.Millisecond) {
		switch err := tryLock(f, exclusive); {
		case err == nil:
			return &outputLock{f: f, held: true}, nil
		case !errors.Is(err, errLockBusy):
			return &outputLock{f: f}, nil // no locks here: build as before
		case time.Now().After(deadline):
			f.Close()
			return nil, fmt.Errorf("%s: another podgen build is writing %s and still holds its lock after %v (hint: try again when it has finished)",
				path, outDir, lockWait)
		}
		time.Sleep(delay)
	}
}

// unlock releases the lock (closing the file drops the flock).
func (l *outputLock) unlock() {
	if l.f != nil {
		l.f.Close()
	}
}

// tempPrefix starts the names of the temporary trees of outDir's builds:
// .<out>.podgen-new-<random> for a new tree, and that name plus "-old" for
// the previous tree while the two are swapped.
func tempPrefix(outDir string) string { return "." + filepath.Base(outDir) + ".podgen-new-" }

// cleanStale removes the temporary trees that killed builds left beside
// outDir. It runs under the exclusive lock, so no live build owns one. A
// build killed in the middle of its swap leaves no outDir and its previous
// tree as an -old folder: that tree is renamed back first, so the user's
// files in it are kept. Removing is best effort: a tree that cannot be
// removed is tried again by the next build.
func cleanStale(outDir string) error {
	parent := filepath.Dir(outDir)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	var stale []string
	restore, newest := "", time.Time{}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, tempPrefix(outDir)) {
			continue
		}
		stale = append(stale, name)
		if fi, err := e.Info(); err == nil && strings.HasSuffix(name, "-old") && (restore == "" || fi.ModTime().After(newest)) {
			restore, newest = name, fi.ModTime()
		}
	}
	if _, err := os.Lstat(outDir); restore != "" && errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(filepath.Join(parent, restore), outDir); err != nil {
			return fmt.Errorf("restoring %s from %s, left by an interrupted build: %w", outDir, restore, err)
		}
	}
	for _, name := range stale {
		os.RemoveAll(filepath.Join(parent, name)) // the restored one is gone already
	}
	return nil
}
