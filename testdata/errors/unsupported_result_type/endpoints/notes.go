package endpoints

import "example.com/app/out/pod"

// NotesEndpoint serves notes.
type NotesEndpoint struct{}

// Count returns a plain int.
func (e *NotesEndpoint) Count(s *pod.Session) (int, error) {
	return 0, nil
}

// All returns a pointer to a slice.
func (e *NotesEndpoint) All(s *pod.Session) (*[]pod.Note, error) {
	return nil, nil
}

// Get forgets the error.
func (e *NotesEndpoint) Get(s *pod.Session) pod.Note {
	return pod.Note{}
}

// Touch returns nothing.
func (e *NotesEndpoint) Touch(s *pod.Session) {}
