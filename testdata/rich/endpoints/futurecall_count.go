package endpoints

import (
	"time"

	"example.com/rich/out/pod"
)

// CountFutureCall records each of its runs in the table fc_effect, which the
// future call tests create, so that they can count how often a call ran.
type CountFutureCall struct{}

// Invoke records n and the server that ran it; a negative n then keeps the
// call running for three seconds, so that a test can kill its server mid-run.
func (f *CountFutureCall) Invoke(s *pod.Session, n int64) error {
	if _, err := s.DB.Exec(`INSERT INTO fc_effect (n, server) VALUES ($1, $2)`, n, s.ServerID()); err != nil {
		return err
	}
	if n >= 0 {
		return nil
	}
	select {
	case <-time.After(3 * time.Second):
		return nil
	case <-s.Done():
		return s.Err()
	}
}
