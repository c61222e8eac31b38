package e2e

import (
	"context"
	"testing"
	"time"
)

// TestFutureCallKnowsUser: a future call scheduled by a signed-in user
// runs with that user in s.Auth.
func TestFutureCallKnowsUser(t *testing.T) {
	s := startAuthServer(t, serverOptions{})
	ctx := context.Background()
	email := uniqueEmail("later")
	s.signUp(t, email, "later password")
	c := s.client(s.signIn(t, email, "later password"))
	if err := c.Notes.AddLater(ctx, "written later"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		notes, err := c.Notes.Mine(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) == 1 && notes[0].Text == "written later" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the future call did not write the user's note within 20 s")
}
