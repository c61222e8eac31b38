// Package endpoints holds the hello app's endpoints.
package endpoints

import "example.com/hello/out/pod"

// ExampleEndpoint is served as "example".
type ExampleEndpoint struct{}

// Hello is served as POST /example/hello.
func (e *ExampleEndpoint) Hello(s *pod.Session, name string) (string, error) {
	return "Hello " + name, nil
}

// Echo sends a greeting back as it came: POST /example/echo.
func (e *ExampleEndpoint) Echo(s *pod.Session, greeting pod.Greeting) (pod.Greeting, error) {
	return greeting, nil
}
