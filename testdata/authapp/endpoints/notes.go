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
	n := pod.Note{Text: text, OwnerID: uid}
	return n, s.DB.Note.Insert(&n)
}

// Mine lists the signed-in user's notes, oldest first.
func (e *NotesEndpoint) Mine(s *pod.Session) ([]pod.Note, error) {
	uid, _ := s.Auth.UserID()
	return values(s.DB.Note.Find(pod.NoteT.OwnerID.Equals(uid), pod.OrderBy(pod.NoteT.ID.Asc())))
}

// All lists every user's notes with their owners: for admins only.
//
//podgen:scope admin
func (e *NotesEndpoint) All(s *pod.Session) ([]pod.Note, error) {
	return values(s.DB.Note.Find(nil, pod.OrderBy(pod.NoteT.ID.Asc()), pod.NoteT.Owner.Include()))
}

// values turns the rows a query found into the list a method returns.
func values(rows []*pod.Note, err error) ([]pod.Note, error) {
	out := make([]pod.Note, len(rows))
	for i, r := range rows {
		out[i] = *r
	}
	return out, err
}

// AddLater schedules a note written by a future call in the signed-in
// user's name: future calls know who scheduled them.
func (e *NotesEndpoint) AddLater(s *pod.Session, text string) error {
	return s.FutureCalls.Note.After(0, text)
}
