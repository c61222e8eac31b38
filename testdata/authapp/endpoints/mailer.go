package endpoints

import (
	"fmt"
	"os"

	"example.com/authapp/out/pod"
)

// AuthMailer sends the auth module's verification codes. A real app sends
// mail here; this one appends "<kind> <email> <code>" lines to the file
// AUTHAPP_OUTBOX names, where its tests read them.
type AuthMailer struct{}

// SendVerificationCode mails the code that creates an account.
func (m *AuthMailer) SendVerificationCode(s *pod.Session, email, code string) error {
	return outbox("verify", email, code)
}

// SendPasswordResetCode mails the code that resets a password.
func (m *AuthMailer) SendPasswordResetCode(s *pod.Session, email, code string) error {
	return outbox("reset", email, code)
}

func outbox(kind, email, code string) error {
	path := os.Getenv("AUTHAPP_OUTBOX")
	if path == "" {
		return fmt.Errorf("mailer: AUTHAPP_OUTBOX is not set")
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s %s %s\n", kind, email, code)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
