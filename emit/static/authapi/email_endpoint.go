package auth

import "github.com/podgen/podgen/emit/static/pod"

// EmailEndpoint is served as "auth.email": accounts with an email address
// and a password. An account is created in two steps, so that only the
// owner of an address can use it: CreateAccountRequest mails a
// verification code, CreateAccount redeems it.
type EmailEndpoint struct{}

// CreateAccountRequest asks for an account and mails a verification code
// to email. It answers true for an address already taken too (creating
// nothing), so that it does not tell who has an account.
func (e *EmailEndpoint) CreateAccountRequest(s *pod.Session, userName, email, password string) (bool, error) {
	return s.Auth.EmailCreateAccountRequest(userName, email, password)
}

// CreateAccount redeems a verification code and creates the account; nil
// when the code is wrong, used or expired.
func (e *EmailEndpoint) CreateAccount(s *pod.Session, email, verificationCode string) (*pod.UserInfo, error) {
	return s.Auth.EmailCreateAccount(email, verificationCode)
}

// Authenticate signs in with an email and a password and returns a new key.
// An unknown email and a wrong password fail alike.
func (e *EmailEndpoint) Authenticate(s *pod.Session, email, password string) (pod.AuthenticationResponse, error) {
	return s.Auth.EmailAuthenticate(email, password)
}

// InitiatePasswordReset mails a reset code to email when it has an
// account; it answers true either way.
func (e *EmailEndpoint) InitiatePasswordReset(s *pod.Session, email string) (bool, error) {
	return s.Auth.EmailInitiatePasswordReset(email)
}

// ResetPassword redeems a reset code and sets a new password.
func (e *EmailEndpoint) ResetPassword(s *pod.Session, verificationCode, password string) (bool, error) {
	return s.Auth.EmailResetPassword(verificationCode, password)
}
