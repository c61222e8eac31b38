package e2e

import (
	"context"
	"testing"
	"time"

	"example.com/rich/out/client"
)

// BenchmarkClientEcho measures a whole call through the generated client
// against the real server process on loopback: encode, HTTP, decode.
func BenchmarkClientEcho(b *testing.B) {
	c := client.New(clientServerURL(b))
	ctx := context.Background()
	boss := client.Employee{Name: "Ada", Email: "ada@example.com", Age: 36, Salary: 1e5,
		Role: client.RoleManager, StartDate: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Skills: []string{}}
	e := client.Employee{ID: 7, Name: "Grace", Email: "grace@example.com", Age: 45, Salary: 12345.5,
		Role: client.RoleEngineer, StartDate: time.Date(2021, 3, 4, 5, 6, 7, 8, time.UTC),
		Manager: &boss, Skills: []string{"go", "sql", "compilers"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Echo.Employee(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}
