package e2e

import (
	"errors"
	"testing"
	"time"

	"example.com/rich/out/client"
	"example.com/rich/out/pod"
	"example.com/rich/out/podtest"
)

// The tests of out/podtest: endpoint calls through the typed client and
// the in-process server, one database per test, fresh caches, future
// calls run on demand.

func podtestCompany(name string) client.Company {
	return client.Company{Name: name, NumEmployees: 3, Status: client.StatusActive,
		Headquarters: client.Address{Street: "Main St 1", City: "Oslo"}}
}

// TestPodtestCall stores a company through the wire path and reads it
// back with the test's DB, then gets the NotFound exception as the client
// sees it.
func TestPodtestCall(t *testing.T) {
	env := podtest.New(t)
	c, err := env.Client.Store.CreateCompany(env.Ctx, podtestCompany("Acme"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 {
		t.Fatal("CreateCompany returned no ID")
	}
	row, err := env.DB.Company.FindByID(c.ID)
	if err != nil || row == nil || row.Name != "Acme" || row.Headquarters.City != "Oslo" {
		t.Fatalf("stored row = %+v, %v", row, err)
	}
	_, err = env.Client.Store.GetCompany(env.Ctx, c.ID+1000)
	var nf *client.NotFound
	if !errors.As(err, &nf) || nf.ID != c.ID+1000 {
		t.Fatalf("GetCompany of a missing id: %v, want *client.NotFound{ID: %d}", err, c.ID+1000)
	}
}

// TestPodtestIsolation runs subtests in parallel, each writing rows: each
// sees only its own, and its IDs start at 1 (a fresh database).
func TestPodtestIsolation(t *testing.T) {
	for _, name := range []string{"first", "second", "third"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := podtest.New(t)
			for i := 0; i < 2; i++ {
				if _, err := env.Client.Store.CreateCompany(env.Ctx, podtestCompany(name)); err != nil {
					t.Fatal(err)
				}
			}
			n, err := env.Client.Store.CountCompanies(env.Ctx)
			if err != nil || n != 2 {
				t.Fatalf("CountCompanies = %d, %v; want 2 (only this test's rows)", n, err)
			}
			rows, err := env.DB.Company.Find(nil, pod.OrderBy(pod.CompanyT.ID.Asc()))
			if err != nil || len(rows) != 2 || rows[0].ID != 1 || rows[0].Name != name {
				t.Fatalf("rows = %v, %v; want this test's two, from id 1", rows, err)
			}
		})
	}
}

// TestPodtestCaches fills the caches in one subtest and finds them empty
// in the next; ResetCaches empties them within a test.
func TestPodtestCaches(t *testing.T) {
	const key = "podtest-key"
	t.Run("fill", func(t *testing.T) {
		env := podtest.New(t)
		if got, err := env.Client.Cache.LocalName(env.Ctx, key, "first"); err != nil || got != "first" {
			t.Fatalf("LocalName = %q, %v", got, err)
		}
		if got, _ := env.Client.Cache.LocalName(env.Ctx, key, "other"); got != "first" {
			t.Fatalf("LocalName after a put = %q, want the cached %q", got, "first")
		}
		if env.Runtime.Config.Redis.Enabled {
			if err := env.Client.Cache.GlobalPut(env.Ctx, key, podtestCompany("Cached"), 0); err != nil {
				t.Fatal(err)
			}
		}
		env.ResetCaches()
		if got, _ := env.Client.Cache.LocalName(env.Ctx, key, "after reset"); got != "after reset" {
			t.Fatalf("LocalName after ResetCaches = %q, want a miss", got)
		}
		if env.Runtime.Config.Redis.Enabled {
			if err := env.Client.Cache.GlobalPut(env.Ctx, key, podtestCompany("Cached"), 0); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("fresh", func(t *testing.T) {
		env := podtest.New(t)
		if got, err := env.Client.Cache.LocalName(env.Ctx, key, "second"); err != nil || got != "second" {
			t.Fatalf("LocalName in a new test = %q, %v; want a fresh cache", got, err)
		}
		if !env.Runtime.Config.Redis.Enabled {
			t.Log("PODGEN_TEST_REDIS_ADDR is not set: the Global cache is disabled")
			return
		}
		got, err := env.Client.Cache.GlobalGet(env.Ctx, key)
		if err != nil || got != nil {
			t.Fatalf("GlobalGet in a new test = %+v, %v; want nil (the previous test's key is not visible)", got, err)
		}
	})
}

// TestPodtestFutureCall schedules a call an hour ahead: RunFutureCalls(0)
// leaves it, RunFutureCalls(2h) runs it through the scheduler, once.
func TestPodtestFutureCall(t *testing.T) {
	env := podtest.New(t)
	if _, err := env.DB.Exec(`CREATE TABLE fc_effect (n bigint NOT NULL, server int NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	s := env.Session()
	if err := s.FutureCalls.Count.After(time.Hour, 42); err != nil {
		t.Fatal(err)
	}
	count := func(sql string) int64 {
		t.Helper()
		rows, err := env.DB.Query(sql)
		if err != nil {
			t.Fatal(err)
		}
		return rows[0][0].(int64)
	}
	env.RunFutureCalls(0)
	if n := count(`SELECT count(*) FROM fc_effect`); n != 0 {
		t.Fatalf("a call due in an hour ran %d times with RunFutureCalls(0)", n)
	}
	env.RunFutureCalls(2 * time.Hour)
	if n := count(`SELECT count(*) FROM fc_effect WHERE n = 42`); n != 1 {
		t.Fatalf("the call ran %d times, want 1", n)
	}
	if n := count(`SELECT count(*) FROM pod_future_call`); n != 0 {
		t.Fatalf("%d calls left in pod_future_call after the run", n)
	}
	env.RunFutureCalls(2 * time.Hour)
	if n := count(`SELECT count(*) FROM fc_effect`); n != 1 {
		t.Fatalf("the call ran %d times after a second RunFutureCalls, want 1", n)
	}
}
