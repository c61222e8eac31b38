// Package watch runs a build whenever its inputs change: podgen build
// --watch. It watches folders recursively with fsnotify (inotify on Linux,
// no polling), waits for a short quiet spell so that an editor's burst of
// writes makes one build, and keeps watching after a failed build.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Config is what to watch and what to do on a change.
type Config struct {
	// Paths are folders (watched with everything below them) and files;
	// a missing one is watched from its parent once it appears.
	Paths []string
	// Debounce is the quiet spell after the last change before a build.
	Debounce time.Duration
	// Build builds once. Its error is printed to Log, and watching goes on.
	Build func() error
	// Built, when set, runs after each build that succeeded.
	Built func()
	// Log receives a line per build and the errors.
	Log io.Writer
}

// Run builds once, then again after every change, until ctx is done.
func Run(ctx context.Context, cfg Config) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()
	for _, p := range cfg.Paths {
		if err := addTree(w, p); err != nil {
			return err
		}
	}
	build(cfg)
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-w.Errors:
			fmt.Fprintf(cfg.Log, "watch: %v\n", err)
		case ev := <-w.Events:
			if !cfg.watched(ev.Name) || !relevant(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					addTree(w, ev.Name) //nolint:errcheck // a folder that vanished at once has nothing to watch
				}
			}
			timer = time.After(cfg.Debounce)
		case <-timer:
			timer = nil
			build(cfg)
		}
	}
}

func build(cfg Config) {
	start := time.Now()
	if err := cfg.Build(); err != nil {
		fmt.Fprintf(cfg.Log, "%v\nbuild failed; watching for changes\n", err)
		return
	}
	fmt.Fprintf(cfg.Log, "built in %s; watching for changes\n", time.Since(start).Round(time.Millisecond))
	if cfg.Built != nil {
		cfg.Built()
	}
}

// addTree watches p and every folder below it; a missing p is watched for
// from its nearest existing parent.
func addTree(w *fsnotify.Watcher, p string) error {
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		parent := filepath.Dir(p)
		if parent == p {
			return nil
		}
		return addTree(w, parent)
	}
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	if !fi.IsDir() {
		return w.Add(filepath.Dir(p)) // a file: its folder's events name it
	}
	return filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if path != p && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		return w.Add(path)
	})
}

// watched reports whether path is one of cfg.Paths or below one: a
// watched file's folder reports its neighbours too, such as the output
// folder being swapped in, which must not start another build.
func (cfg Config) watched(path string) bool {
	for _, p := range cfg.Paths {
		if rel, err := filepath.Rel(p, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// relevant skips what editors write beside a file: hidden files, backups
// and swap files.
func relevant(path string) bool {
	name := filepath.Base(path)
	return !strings.HasPrefix(name, ".") && !strings.HasSuffix(name, "~") &&
		!strings.HasSuffix(name, ".swp") && !strings.HasSuffix(name, ".swx")
}
