package server

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// Main is the whole of cmd/server: flags, config, banner, serving until
// SIGINT or SIGTERM. It returns the exit code: 0 after a clean shutdown, 1
// on a bad config or a server error, 2 on bad flags.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("mode", "development", "run mode: reads <config-dir>/<mode>.yaml")
	serverID := fs.Int("server-id", 0, "this server's id within its cluster")
	dir := fs.String("config-dir", "config", "folder of <mode>.yaml and passwords.yaml")
	role := fs.String("role", roleMonolith,
		"monolith: serve and run future calls; serverless: serve only; maintenance: run the due future calls, then exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !validRole(*role) {
		fmt.Fprintf(stderr, "invalid --role %q (use monolith, serverless or maintenance)\n", *role)
		return 2
	}
	cfg, err := pod.LoadConfig(*dir, *mode, appName, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	rt := &pod.Runtime{ServerID: *serverID, Config: cfg, Logger: pod.NewConsoleLogger(stderr, cfg.Mode)}
	rt.Caches = pod.NewCaches(cfg) // does not dial Redis: start-up never waits for it
	defer rt.Caches.Close()
	if rt.DB, err = pod.OpenDBPool(cfg.Database); err != nil { // lazy: never waits for the database
		fmt.Fprintln(stderr, "database:", err)
		return 1
	}
	defer rt.DB.Close()
	cfg.WriteBanner(stdout)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go pod.WatchDB(ctx, rt.DB, cfg.Database, rt.Logger, 5*time.Second)
	if *role == roleMaintenance {
		return runMaintenance(ctx, rt, stderr)
	}
	defer startFutureCalls(ctx, rt, *role)() // on SIGTERM: finish or release running calls
	if err := New(rt).Run(ctx, stdout); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
