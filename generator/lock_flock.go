//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd || illumos

package generator

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an flock on f without waiting: nil when it is taken,
// errLockBusy when another build holds it, another error when the file
// system has no flock.
func tryLock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errLockBusy
		}
		return err
	}
}
