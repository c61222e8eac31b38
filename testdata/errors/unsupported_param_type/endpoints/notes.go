package endpoints

import (
	"time"

	"example.com/app/out/pod"
)

// NotesEndpoint serves notes.
type NotesEndpoint struct{}

// Page takes Go types that have no wire form in podgen.
func (e *NotesEndpoint) Page(s *pod.Session, offset int, scale float32, tags *[]string) ([]pod.Note, error) {
	return nil, nil
}

// Since misspells a class and uses an unsupported time type.
func (e *NotesEndpoint) Since(s *pod.Session, after pod.Note2, month time.Month) error {
	return nil
}

// ByKey has a map key that cannot be compared and sorted.
func (e *NotesEndpoint) ByKey(s *pod.Session, notes map[pod.Note]int64) error {
	return nil
}
