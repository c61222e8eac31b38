package endpoints

import "example.com/app/out/pod"

// NotesEndpoint serves notes.
//
//podgen:ignor
type NotesEndpoint struct{}

// Save saves a note.
//
//podgen:auth admin
func (e *NotesEndpoint) Save(s *pod.Session, n pod.Note) error { return nil }
