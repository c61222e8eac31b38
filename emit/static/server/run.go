package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// Server is the app's API server: every served endpoint method behind one
// http.Handler.
type Server struct {
	rt      *pod.Runtime
	router  *router
	handler http.Handler
	// scheduler is the future-call scheduler Main started, for /health;
	// nil: none runs in this process.
	scheduler *pod.FutureCallScheduler
	// started is when New built the server, for the uptime of /live.
	started time.Time
}

// New builds the server for rt, routing every served method (routes.go).
func New(rt *pod.Runtime) *Server {
	r := newRouter(rt)
	routes(r)
	return &Server{rt: rt, router: r, handler: r, started: time.Now()}
}

// Handler is the API as an http.Handler, e.g. for httptest.
func (s *Server) Handler() http.Handler { return s.handler }

// Run serves the API port, and the service port when a service secret is
// configured, until ctx is done. Then it drains (SPEC §8): for
// apiServer.drainDelay /readyz answers 503 and every response carries
// Connection: close, so that load balancers stop sending and drop their
// kept-alive connections while they still get answers; then it stops
// accepting and lets in-flight calls finish for up to
// apiServer.shutdownTimeout. It prints
// "Server id N listening on port P" to stdout once the ports are open (with
// port 0, P is the port the system chose).
func (s *Server) Run(ctx context.Context, stdout io.Writer) error {
	cfg := s.rt.Config.APIServer
	srv, ln, err := s.listen(cfg, s.handler)
	if err != nil {
		return err
	}
	served := make(chan error, 2)
	if s.rt.Config.ServiceSecret == "" {
		fmt.Fprintln(stdout, "Service port closed: no serviceSecret configured")
	} else {
		isrv, iln, err := s.listen(s.rt.Config.InsightsServer, s.InsightsHandler())
		if err != nil {
			ln.Close()
			return fmt.Errorf("service port: %w", err)
		}
		defer isrv.Close()
		fmt.Fprintf(stdout, "Service port %d open (needs the service secret)\n", iln.Addr().(*net.TCPAddr).Port)
		go func() { served <- isrv.Serve(iln) }()
	}
	fmt.Fprintf(stdout, "Server id %d listening on port %d\n", s.rt.ServerID, ln.Addr().(*net.TCPAddr).Port)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	s.drain(cfg.DrainDelay, served)
	s.rt.Logger.Info("shutting down", slog.Duration("grace", cfg.ShutdownTimeout))
	grace, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if dl, ok := ln.(*drainListener); ok { // one grace for the wait and the shutdown
		dl.stopAccepting()
		dl.waitIdle(grace)
	}
	if err := srv.Shutdown(grace); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: in-flight calls did not finish within %s", cfg.ShutdownTimeout)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// drain marks the server draining and keeps serving for delay.
func (s *Server) drain(delay time.Duration, served chan error) {
	s.router.draining.Store(true)
	if delay <= 0 {
		return
	}
	s.rt.Logger.Info("draining: /readyz answers 503", slog.Duration("for", delay))
	select {
	case <-time.After(delay):
	case err := <-served: // a listener failed: stop now, and let Run see it
		served <- err
	}
}

// listen opens cfg's port for h with cfg's timeouts.
func (s *Server) listen(cfg pod.ServerConfig, h http.Handler) (*http.Server, net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.rt.Logger.Handler(), slog.LevelWarn),
	}
	if tcp, ok := ln.(*net.TCPListener); ok {
		dl := newDrainListener(tcp)
		srv.ConnState = dl.connState
		return srv, dl, nil
	}
	return srv, ln, nil
}
