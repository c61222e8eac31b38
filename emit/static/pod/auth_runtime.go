package pod

import (
	"errors"
	"log/slog"
	"time"
)

// runtimeModules is the part of Runtime that belongs to the optional
// modules: here what the auth module keeps for the server's life. An app
// without the module has an empty runtimeModules.
type runtimeModules struct {
	auth authRuntime
}

// authRuntime is set once by StartAuth, before serving, and only read
// afterwards.
type authRuntime struct {
	started       bool
	mailer        AuthMailer
	google, apple *idTokenVerifier
	now           func() time.Time // nil: time.Now; tests move it
}

// AuthMailer sends the verification codes of the email sign-in. The app
// writes a type with these methods in its endpoints folder, and the server
// hands it to StartAuth. A returned error fails the call (a 500); its
// text stays in the server log.
type AuthMailer interface {
	// SendVerificationCode sends the code that confirms an account request.
	SendVerificationCode(s *Session, email, code string) error
	// SendPasswordResetCode sends the code that allows a new password.
	SendPasswordResetCode(s *Session, email, code string) error
}

// errAuthNotStarted is a sign-in on a runtime whose server did not call
// StartAuth: a bug of the server, not of the user.
var errAuthNotStarted = errors.New("auth: the server did not call Runtime.StartAuth")

// StartAuth prepares the auth module, once, after the config is read and
// before serving: the mailer (m), and the ID-token verifiers of Google
// and Apple with their key caches. Without a mailer (m nil), development
// mode logs each code on rt.Logger instead of sending it; any other mode
// refuses to start, since its users would never get their codes.
func (rt *Runtime) StartAuth(m AuthMailer) error {
	if rt.Config == nil {
		return errors.New("auth: StartAuth needs the runtime's Config")
	}
	if m == nil {
		if rt.Config.Mode != "development" {
			return errors.New("auth: no mailer in mode " + rt.Config.Mode +
				": write a type with the methods of pod.AuthMailer (SendVerificationCode, SendPasswordResetCode)" +
				" in the endpoints folder and run podgen again (only development mode logs the codes instead)")
		}
		m = authLogMailer{log: rt.Logger}
	}
	cfg := rt.Config.Auth.withDefaults()
	google, apple := googleProvider(cfg.Google.ClientIDs...), appleProvider(cfg.Apple.ClientIDs...)
	google.jwksURL, apple.jwksURL = cfg.Google.JWKSURL, cfg.Apple.JWKSURL
	rt.auth.mailer = m
	rt.auth.google = newIDTokenVerifier(google, nil)
	rt.auth.apple = newIDTokenVerifier(apple, nil)
	authDummyHash() // made now, so the first unknown email costs no more than a wrong password
	rt.auth.started = true
	return nil
}

// authLogMailer is development mode's stand-in for a mailer: it writes
// the code to the console log (never to the session logs, which are kept
// in the database).
type authLogMailer struct{ log *slog.Logger }

func (m authLogMailer) SendVerificationCode(_ *Session, email, code string) error {
	m.log.Info("auth: verification code for "+email+": "+code, slog.String("purpose", "account request"))
	return nil
}

func (m authLogMailer) SendPasswordResetCode(_ *Session, email, code string) error {
	m.log.Info("auth: verification code for "+email+": "+code, slog.String("purpose", "password reset"))
	return nil
}

// authNow is the auth module's clock.
func (rt *Runtime) authNow() time.Time {
	if rt.auth.now != nil {
		return rt.auth.now()
	}
	return time.Now()
}

// authConfig is the auth settings, defaults filled in.
func (rt *Runtime) authConfig() AuthConfig {
	if rt.Config == nil {
		return defaultAuthConfig()
	}
	return rt.Config.Auth.withDefaults()
}
