// Package client holds fixed code that podgen copies into every generated
// client package (see emit/static.go). It is compiled and tested here.
package client

import "strconv"

// Error is any failure of a call that is not one of the app's exceptions:
// a non-200 answer of the server (StatusCode and the server's message), a
// transport failure (StatusCode 0) or a response that could not be decoded.
type Error struct {
	// StatusCode is the HTTP status of the answer, 0 when there was none.
	StatusCode int
	// Message says what went wrong, as the server or the transport put it.
	Message string

	cause error // the transport's error, kept for errors.Is(err, context.Canceled)
}

// Error returns the message, prefixed with the status code when there is one.
func (e *Error) Error() string {
	if e.StatusCode == 0 {
		return e.Message
	}
	return "status " + strconv.Itoa(e.StatusCode) + ": " + e.Message
}

// Unwrap returns the transport error behind a StatusCode 0 failure, if any.
func (e *Error) Unwrap() error { return e.cause }
