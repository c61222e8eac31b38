// Package models holds fixed code that podgen copies into every generated app
// as part of packages pod and client (see emit/static.go): the JSON reader,
// the JSON append helpers and UUID. It is compiled and tested here.
package models

import (
	"errors"
	"fmt"
	"strconv"
)

// JSONError is an error of the generated JSON codecs. Path locates the value
// ("author.tags[2]"), Label says what the first element of Path is ("field"
// or "parameter") and Msg says what is wrong with it.
type JSONError struct {
	Label string
	Path  string
	Msg   string
	Err   error // the cause, when it is one of the ErrJSON… values
}

// Unwrap returns the cause, for errors.Is(err, ErrJSONBusy).
func (e *JSONError) Unwrap() error { return e.Err }

// Error returns `field "author.tags[2]": expected String, got number`, or
// just Msg for an error about the whole document.
func (e *JSONError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	label := e.Label
	if label == "" {
		label = "field"
	}
	return fmt.Sprintf("%s %q: %s", label, e.Path, e.Msg)
}

// asJSONError returns err as a *JSONError, wrapping any other error.
func asJSONError(err error) *JSONError {
	var je *JSONError
	if errors.As(err, &je) {
		return je
	}
	return &JSONError{Msg: err.Error()}
}

// JSONFieldError puts the object member key in front of err's path, so that
// errors read from the outside in as they travel up the generated decoders.
// The label of the outermost member wins.
func JSONFieldError(err error, label, key string) error {
	je := asJSONError(err)
	switch {
	case je.Path == "":
		je.Path = key
	case je.Path[0] == '[':
		je.Path = key + je.Path
	default:
		je.Path = key + "." + je.Path
	}
	je.Label = label
	return je
}

// JSONIndexError puts the array index i in front of err's path.
func JSONIndexError(err error, i int) error {
	je := asJSONError(err)
	idx := "[" + strconv.Itoa(i) + "]"
	if je.Path == "" || je.Path[0] == '[' {
		je.Path = idx + je.Path
	} else {
		je.Path = idx + "." + je.Path
	}
	return je
}

// JSONMissingError reports a required object member that is absent.
func JSONMissingError(label, key string) error {
	return &JSONError{Label: label, Path: key, Msg: "required, but missing"}
}

// JSONEnumError reports a string that is not one of an enum's values.
func JSONEnumError(enum string, value []byte, valid string) error {
	return &JSONError{Msg: fmt.Sprintf("unknown %s %q (valid: %s)", enum, value, valid)}
}

// JSONEnumIndexError reports an integer that is not the position of one of
// the n values of a byIndex enum.
func JSONEnumIndexError(enum string, i int64, n int) error {
	return &JSONError{Msg: fmt.Sprintf("unknown %s index %d (valid: 0 to %d)", enum, i, n-1)}
}
