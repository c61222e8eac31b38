//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd || illumos)

package generator

import (
	"errors"
	"os"
)

// tryLock has no flock to take on this system: builds of one output are
// not serialized, and stale temporary trees are not removed.
func tryLock(*os.File, bool) error { return errors.New("no flock on this system") }
