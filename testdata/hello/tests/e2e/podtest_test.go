package e2e

import (
	"testing"

	"example.com/hello/out/podtest"
)

// TestPodtestWithoutDatabase: an app without table classes and future
// calls needs no database; podtest.New must not even try one (the URL
// points at a closed port).
func TestPodtestWithoutDatabase(t *testing.T) {
	t.Setenv("PODGEN_TEST_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	env := podtest.New(t)
	if env.DB != nil || env.Runtime.DB != nil {
		t.Fatal("a database was set up for an app without tables")
	}
	got, err := env.Client.Example.Hello(env.Ctx, "podtest")
	if err != nil || got != "Hello podtest" {
		t.Fatalf("Hello = %q, %v", got, err)
	}
}
