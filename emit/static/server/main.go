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
	apply := fs.Bool("apply-migrations", false,
		"apply the pending schema migrations before serving (with --role maintenance: only migrate, then exit)")
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
	if err := startModules(rt); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	cfg.WriteBanner(stdout)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *apply {
		if !applyMigrations(ctx, rt, stderr) {
			return 1
		}
		if *role == roleMaintenance {
			return 0 // a deploy step: migrate, and nothing else
		}
	} else {
		go warnIfBehind(ctx, rt)
	}
	go pod.WatchDB(ctx, rt.DB, cfg.Database, rt.Logger, 5*time.Second)
	defer pod.StartLogging(ctx, rt)() // on exit: flush the session logs, before the pool closes
	if *role == roleMaintenance {
		pruneLogsOnce(ctx, rt) // maintenance runs the log retention too, as in Serverpod
		return runMaintenance(ctx, rt, stderr)
	}
	// The background work stops on SIGTERM, and also when Run fails (a
	// port in use), so that waiting for it never hangs.
	background, stopBackground := context.WithCancel(ctx)
	sched, waitCalls := startFutureCalls(background, rt, *role)
	defer waitCalls() // finish or release running calls
	srv := New(rt)
	srv.scheduler = sched
	defer srv.startInsightsJobs(background, *role)() // health metrics, log retention
	defer stopBackground()                           // first of these defers to run
	if err := srv.Run(ctx, stdout); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
