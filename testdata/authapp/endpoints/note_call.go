package endpoints

import (
	"errors"

	"example.com/authapp/out/pod"
)

// NoteFutureCall writes a note for the user whose session scheduled it.
type NoteFutureCall struct{}

// Invoke runs with that user signed in.
func (c *NoteFutureCall) Invoke(s *pod.Session, text string) error {
	uid, ok := s.Auth.UserID()
	if !ok {
		return errors.New("note future call: no user")
	}
	return s.DB.Note.Insert(&pod.Note{Text: text, OwnerID: uid})
}
