package endpoints

import "example.com/app/out/pod"

// Count forgets a comma.
func (e *NotesEndpoint) Count(s *pod.Session) (int64, error) {
	return 0 nil
}

// Fine is fine.
func (e *NotesEndpoint) Fine(s *pod.Session) error {
	return nil
}
