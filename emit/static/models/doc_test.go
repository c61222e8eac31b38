// Package models holds fixed code that podgen copies into every generated app
// (see emit/static.go). It is compiled and tested here.
package models
