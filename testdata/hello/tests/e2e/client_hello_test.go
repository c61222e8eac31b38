package e2e

import (
	"errors"
	"testing"
	"time"

	"example.com/hello/out/client"
)

// TestClientHello is SPEC §9's example against the real server process.
func TestClientHello(t *testing.T) {
	base := clientServerURL(t)
	c := client.New(base, client.WithAuthKey("unused-key"))
	msg, err := c.Example.Hello(clientCtx(t), "World")
	if err != nil || msg != "Hello World" {
		t.Fatalf("Hello(World) = %q, %v; want \"Hello World\"", msg, err)
	}
	g := client.Greeting{Message: "hi ✋", Author: "ünïcode", Timestamp: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}
	got, err := c.Example.Echo(clientCtx(t), g)
	if err != nil || got != g {
		t.Errorf("Echo = %+v, %v; want %+v", got, err, g)
	}
	// A base URL that is not the app's root: every call is a 404 *Error.
	_, err = client.New(base+"nope/").Example.Hello(clientCtx(t), "x")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.StatusCode != 404 {
		t.Errorf("call under a wrong path: got %v, want a 404 *client.Error", err)
	}
}
