package endpoints

import (
	"errors"
	"time"

	"example.com/rich/out/pod"
)

// CallsEndpoint has one method per way a call can end.
type CallsEndpoint struct{}

// Nothing returns only an error, here none: the answer is null.
func (e *CallsEndpoint) Nothing(s *pod.Session) error { return nil }

// NotFound always returns the NotFound exception with the id it was given.
func (e *CallsEndpoint) NotFound(s *pod.Session, id int64) (pod.Company, error) {
	return pod.Company{}, &pod.NotFound{ID: id}
}

// Invalid always returns the InvalidInput exception.
func (e *CallsEndpoint) Invalid(s *pod.Session, field string) error {
	return &pod.InvalidInput{Field: field, Reason: "not acceptable"}
}

// Internal returns a plain error whose text must stay in the server log.
func (e *CallsEndpoint) Internal(s *pod.Session) error {
	return errors.New("connection to secret-db.internal refused")
}

// Panic panics; the client sees a 500 with a request id only.
func (e *CallsEndpoint) Panic(s *pod.Session) (string, error) {
	panic("secret panic detail")
}

// Slow answers after millis milliseconds unless the call is cancelled first.
func (e *CallsEndpoint) Slow(s *pod.Session, millis int64) (string, error) {
	select {
	case <-time.After(time.Duration(millis) * time.Millisecond):
		s.Log("slow call finished")
		return "done", nil
	case <-s.Done():
		return "", s.Err()
	}
}

// ServerID tells which server answered.
func (e *CallsEndpoint) ServerID(s *pod.Session) (int64, error) { return int64(s.ServerID()), nil }

// EchoEndpoint serves the benchmark's method.
type EchoEndpoint struct{}

// Employee echoes an employee: ten fields, one of them a list.
func (e *EchoEndpoint) Employee(s *pod.Session, employee pod.Employee) (pod.Employee, error) {
	return employee, nil
}

// SendReminderFutureCall sends a reminder when it is due.
type SendReminderFutureCall struct{}

// Invoke sends r.
func (f *SendReminderFutureCall) Invoke(s *pod.Session, r pod.Reminder) error {
	s.Log("reminder: " + r.Message)
	return nil
}
