package endpoints

import "example.com/app/out/pod"

// NotesEndpoint serves notes.
type NotesEndpoint struct{}

// Save has one closing brace too many.
func (e *NotesEndpoint) Save(s *pod.Session, n pod.Note) error {
	if n.Text == "" {
		return nil
	}}
	return nil
}
