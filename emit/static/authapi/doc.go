// Package auth serves podgen's auth module (SPEC §11): sign-in with an
// email and a password, with Google and with Apple, and the status of the
// signed-in user. podgen copies the endpoints an app enables in podgen.yaml
// into its out/auth package and serves them as "auth.email", "auth.google",
// "auth.apple" and "auth.status", like the app's own endpoints.
//
// Every method hands its work to the session's s.Auth (package pod), which
// holds the module's logic next to the database layer it uses.
package auth
