package endpoints

import "example.com/app/out/pod"

// RemindFutureCall takes two arguments where one is allowed.
type RemindFutureCall struct{}

// Invoke has one parameter too many.
func (f *RemindFutureCall) Invoke(s *pod.Session, n pod.Note, times int64) error { return nil }

// ArchiveFutureCall returns a result besides the error.
type ArchiveFutureCall struct{}

// Invoke returns too much.
func (f *ArchiveFutureCall) Invoke(s *pod.Session, n pod.Note) (bool, error) { return false, nil }

// PurgeFutureCall forgets the session.
type PurgeFutureCall struct{}

// Invoke has no session.
func (f *PurgeFutureCall) Invoke(n pod.Note, s *pod.Session) error { return nil }

// CleanupFutureCall has no Invoke at all.
type CleanupFutureCall struct{}

// Run is not Invoke.
func (f *CleanupFutureCall) Run(s *pod.Session, n pod.Note) error { return nil }
