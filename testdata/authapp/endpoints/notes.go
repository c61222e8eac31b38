package endpoints

import (
	"example.com/authapp/out/pod"
)

// NotesEndpoint is served as "notes": every method needs a signed-in user,
// whose own notes it works on.
//
//podgen:login
type NotesEndpoint struct{}

// Add writes a note of the signed-in user.
func (e *NotesEndpoint) Add(s *pod.Session, text string) (pod.Note, error) {
	uid, _ := s.Auth.UserID() // //podgen:login: always signed in here
	return s.DB.Note.Insert(pod.Note{Text: text, OwnerID: uid})
}

// Mine lists the signed-in user's notes, oldest first.
func (e *NotesEndpoint) Mine(s *pod.Session) ([]pod.Note, error) {
	uid, _ := s.Auth.UserID()
	return s.DB.Note.Find(pod.NoteT.OwnerID.Equals(uid), pod.OrderBy(pod.NoteT.ID))
}

// All lists every user's notes with their owners: for admins only.
//
//podgen:scope admin
func (e *NotesEndpoint) All(s *pod.Session) ([]pod.Note, error) {
	return s.DB.Note.Find(nil, pod.OrderBy(pod.NoteT.ID), pod.NoteT.Owner.Include())
}

// AddLater schedules a note written by a future call in the signed-in
// user's name: future calls know who scheduled them.
func (e *NotesEndpoint) AddLater(s *pod.Session, text string) error {
	return s.FutureCalls.Note.After(0, text)
}
