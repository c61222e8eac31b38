package e2e

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"example.com/rich/out/client"
	"example.com/rich/out/pod"
	"example.com/rich/out/server"
)

// dbServer serves the app in process on a fresh database reached through
// a proxy the test can cut.
func dbServer(t *testing.T) (*client.Client, *tcpProxy) {
	u := freshDatabase(t)
	p := startProxy(t, u.Host)
	u.Host = p.addr
	ts := httptest.NewServer(server.New(testRuntime(t, u, nil)).Handler())
	t.Cleanup(ts.Close)
	return client.New(ts.URL + "/"), p
}

// testRuntime is a runtime on the database at u, with the test config
// (changed by configure, when given) and a silent logger.
func testRuntime(t *testing.T, u *url.URL, configure func(*pod.Config)) *pod.Runtime {
	t.Helper()
	cfg, err := pod.LoadConfig("", "test", "rich", func(k string) string {
		if k == "PODGEN_DATABASE_URL" {
			return u.String()
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if configure != nil {
		configure(cfg)
	}
	pool, err := pod.OpenDBPool(cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return &pod.Runtime{Config: cfg, DB: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func TestDatabaseThroughServerAndClient(t *testing.T) {
	c, _ := dbServer(t)
	ctx := context.Background()
	in := client.Company{Name: "Serverpod corp.", NumEmployees: 12, Headquarters: client.Address{City: "Oslo"},
		Offices: []client.Address{}, Tags: []string{"a"}, Status: client.StatusActive}
	made, err := c.Store.CreateCompany(ctx, in)
	if err != nil || made.ID == 0 || made.Name != in.Name {
		t.Fatalf("CreateCompany = %+v, %v", made, err)
	}
	got, err := c.Store.GetCompany(ctx, made.ID)
	if err != nil || got.Name != in.Name || got.Headquarters.City != "Oslo" || got.Tags[0] != "a" {
		t.Fatalf("GetCompany = %+v, %v", got, err)
	}
	var nf *client.NotFound
	if _, err := c.Store.GetCompany(ctx, made.ID+100); !errors.As(err, &nf) || nf.ID != made.ID+100 {
		t.Fatalf("GetCompany(absent): %v, want NotFound", err)
	}
	for i, n := range []int64{5, 50, 500} {
		x := in
		x.Name, x.NumEmployees = "c"+string(rune('a'+i)), n
		if _, err := c.Store.CreateCompany(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	list, err := c.Store.FindCompanies(ctx, 12, 2)
	if err != nil || len(list) != 2 || list[0].NumEmployees != 500 || list[1].NumEmployees != 50 {
		t.Fatalf("FindCompanies = %+v, %v", list, err)
	}
	got.Name = "Renamed"
	if err := c.Store.UpdateCompany(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := c.Store.GetCompany(ctx, got.ID); again.Name != "Renamed" {
		t.Fatalf("after UpdateCompany: %+v", again)
	}
	if n, err := c.Store.DeleteCompany(ctx, got.ID); n != 1 || err != nil {
		t.Fatalf("DeleteCompany = %d, %v", n, err)
	}
	if err := c.Store.CreateTwo(ctx, in, in, true); err == nil {
		t.Fatal("CreateTwo(fail): no error")
	}
	if n, err := c.Store.CountCompanies(ctx); n != 3 || err != nil {
		t.Fatalf("after a failed transaction Count = %d, %v; want 3", n, err)
	}
	if err := c.Store.CreateTwo(ctx, in, in, false); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Store.CountCompanies(ctx); n != 5 {
		t.Fatalf("after a transaction Count = %d, want 5", n)
	}
}

// TestDatabaseDown cuts the app off from Postgres: calls that need it get
// a quick 503 with a JSON error, and work again once it is back.
func TestDatabaseDown(t *testing.T) {
	c, p := dbServer(t)
	ctx := context.Background()
	if _, err := c.Store.CountCompanies(ctx); err != nil {
		t.Fatal(err)
	}
	p.cut()
	for i := 0; i < 3; i++ {
		start := time.Now()
		_, err := c.Store.CountCompanies(ctx)
		var ce *client.Error
		if !errors.As(err, &ce) || ce.StatusCode != 503 || ce.Message != "database unavailable" {
			t.Fatalf("call %d with the database down: %v, want a 503", i, err)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Fatalf("the 503 took %s", d)
		}
	}
	if _, err := c.Store.GetCompany(ctx, 1); err == nil {
		t.Fatal("GetCompany with the database down: no error")
	}
	p.restore(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := c.Store.CountCompanies(ctx)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing 10s after the database came back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
