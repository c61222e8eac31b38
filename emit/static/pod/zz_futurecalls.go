package pod

import "strconv"

// futureCallSet stands in for the generated futurecalls.go, which gives
// FutureCalls one field per future call type of the app. Here it has one,
// Note, whose argument is a string, for the tests. This file is not copied
// into apps.
type futureCallSet struct {
	Note FutureCall[string]
}

func (set *futureCallSet) bind(fc *FutureCalls) {
	set.Note = FutureCall[string]{fc: fc, name: "Note", enc: func(b []byte, v string) ([]byte, error) {
		return strconv.AppendQuote(b, v), nil
	}}
}
