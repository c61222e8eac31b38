package pod

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DBPool is the server's connection pool, shared by every session
// (Runtime.DB). It is opened once at start-up and never fails for a
// database that is down: connections are made when queries need them.
type DBPool struct {
	pgx   *pgxpool.Pool
	hook  func(ctx context.Context, e QueryEvent)
	cache sqlCache
}

// connectTimeout bounds how long a query waits for a new connection, so that
// a call made while the database is unreachable fails fast with a 503.
const connectTimeout = 3 * time.Second

// OpenDBPool prepares the pool for c (at most c.MaxConnections
// connections, TLS required when c.RequireSSL). Only a configuration pgx
// cannot parse is an error; whether the database is up is not checked here
// (see WatchDB).
func OpenDBPool(c DatabaseConfig) (*DBPool, error) {
	cfg, err := pgxpool.ParseConfig(c.URL())
	if err != nil {
		return nil, err
	}
	if c.MaxConnections > 0 {
		cfg.MaxConns = int32(c.MaxConnections)
	}
	cfg.ConnConfig.ConnectTimeout = connectTimeout
	// A pooled connection idle for a second is pinged before use, so a
	// database restart costs at most the one query that finds out.
	cfg.HealthCheckPeriod = 5 * time.Second
	// JIT compilation pays off for long analytic queries, not for an app
	// server's: it starts on the planner's cost estimate, which the
	// correlated subqueries of includes inflate on tables without fresh
	// statistics, and then a 0.3 ms query spends 100 ms compiling. A
	// DATABASE_URL that sets jit itself (options=-c jit=on) wins.
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	return &DBPool{pgx: p}, nil
}

// SetQueryHook makes hook see every statement run through the pool: its
// SQL, duration, row count and error. Set it before serving; nil removes it.
func (p *DBPool) SetQueryHook(hook func(ctx context.Context, e QueryEvent)) { p.hook = hook }

// Ping checks that the database answers.
func (p *DBPool) Ping(ctx context.Context) error { return classify(p.pgx.Ping(ctx)) }

// DBPoolStats is a snapshot of the pool, for the service port's metrics.
type DBPoolStats struct {
	MaxConns      int32
	TotalConns    int32 // open connections, idle or in use
	IdleConns     int32
	InUseConns    int32
	Acquires      int64         // connections handed out since start
	EmptyAcquires int64         // acquires that had to wait or dial
	AcquireWait   time.Duration // total time spent waiting for a connection
}

// Stats returns the pool's counters now.
func (p *DBPool) Stats() DBPoolStats {
	s := p.pgx.Stat()
	return DBPoolStats{MaxConns: s.MaxConns(), TotalConns: s.TotalConns(), IdleConns: s.IdleConns(),
		InUseConns: s.AcquiredConns(), Acquires: s.AcquireCount(), EmptyAcquires: s.EmptyAcquireCount(),
		AcquireWait: s.AcquireDuration()}
}

// Close closes every connection; calls after Close fail.
func (p *DBPool) Close() { p.pgx.Close() }

// WatchDB checks the database at start-up and logs clearly when it cannot
// be reached, then keeps checking (every interval) until it answers and
// logs that too. It returns when ctx is done or the database is reachable.
// Calls made meanwhile get a *DatabaseUnavailableError (503).
func WatchDB(ctx context.Context, p *DBPool, c DatabaseConfig, log *slog.Logger, interval time.Duration) {
	where := slog.String("database", c.display())
	down := false
	for {
		pctx, cancel := context.WithTimeout(ctx, connectTimeout)
		err := p.Ping(pctx)
		cancel()
		if err == nil {
			if down {
				log.Info("database is reachable again", where)
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		if !down {
			log.Error("database unreachable; serving anyway, calls that need it get 503 until it is back",
				where, slog.String("error", err.Error()))
			down = true
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// sqlCache interns the SQL text of built queries: a query shape that was
// built before gets the same string back (without allocating), so pgx's
// statement cache prepares each shape once.
type sqlCache struct {
	mu sync.RWMutex
	m  map[string]string
}

// maxCachedSQL bounds the cache: shapes past it are built every time.
const maxCachedSQL = 4096

// get returns the SQL kept under key.
func (c *sqlCache) get(key string) (string, bool) {
	c.mu.RLock()
	s, ok := c.m[key]
	c.mu.RUnlock()
	return s, ok
}

// put keeps sql under key (while the cache has room) and returns it.
func (c *sqlCache) put(key, sql string) string {
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]string)
	}
	if len(c.m) < maxCachedSQL {
		c.m[key] = sql
	}
	c.mu.Unlock()
	return sql
}

func (c *sqlCache) intern(b []byte) string {
	c.mu.RLock()
	s, ok := c.m[string(b)]
	c.mu.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]string)
	}
	if len(c.m) < maxCachedSQL {
		c.m[s] = s
	}
	c.mu.Unlock()
	return s
}
