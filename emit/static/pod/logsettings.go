package pod

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// LogSettings are the runtime settings of logging, stored for the whole
// cluster in pod_runtime_settings and cached by every server
// (LogSettingsStore). Their JSON form (AppendJSON, DecodeJSON) is
//
//	{"logLevel":"info","logAllSessions":true,"logAllQueries":false,
//	 "slowSessionThresholdMs":1000,"slowQueryThresholdMs":100,"retentionDays":30}
type LogSettings struct {
	LogLevel             LogLevel      // s.Log entries below it are neither stored nor printed
	LogAllSessions       bool          // false: only slow and failed sessions are stored
	LogAllQueries        bool          // false: only slow and failed queries are stored
	SlowSessionThreshold time.Duration // a call at least this long is slow
	SlowQueryThreshold   time.Duration // a statement at least this long is slow
	RetentionDays        int           // logs older than this are deleted
}

// DefaultLogSettings are the settings before any were stored: level info,
// every session in development but only the slow and failed ones in other
// modes, only slow and failed queries, a session slow from 1 s, a query
// from 100 ms, logs kept 30 days.
func DefaultLogSettings(mode string) LogSettings {
	return LogSettings{
		LogLevel:             LogLevelInfo,
		LogAllSessions:       mode == "development",
		SlowSessionThreshold: time.Second,
		SlowQueryThreshold:   100 * time.Millisecond,
		RetentionDays:        30,
	}
}

// AppendJSON appends v's JSON form (all six keys) to b.
func (v LogSettings) AppendJSON(b []byte) []byte {
	b = append(b, `{"logLevel":"`...)
	b = append(b, v.LogLevel.String()...)
	b = append(b, `","logAllSessions":`...)
	b = strconv.AppendBool(b, v.LogAllSessions)
	b = append(b, `,"logAllQueries":`...)
	b = strconv.AppendBool(b, v.LogAllQueries)
	b = append(b, `,"slowSessionThresholdMs":`...)
	b = strconv.AppendInt(b, v.SlowSessionThreshold.Milliseconds(), 10)
	b = append(b, `,"slowQueryThresholdMs":`...)
	b = strconv.AppendInt(b, v.SlowQueryThreshold.Milliseconds(), 10)
	b = append(b, `,"retentionDays":`...)
	b = strconv.AppendInt(b, int64(v.RetentionDays), 10)
	return append(b, '}')
}

// DecodeJSON sets the keys that data (a JSON object) holds and keeps the
// others, so that a PUT may send only what it changes. An unknown key, a
// value of the wrong type or out of range is an error that says which key,
// and then v is unchanged.
func (v *LogSettings) DecodeJSON(data []byte) error { return v.decodeJSON(data, false) }

// decodeJSON is DecodeJSON; lenient skips unknown keys instead, as the
// stored row may hold keys of a newer podgen (a rolling upgrade) that this
// server must not choke on.
func (v *LogSettings) decodeJSON(data []byte, lenient bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("log settings: want a JSON object")
	}
	out := *v
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("log settings: %w", err)
		}
		key, _ := t.(string)
		if lenient && !knownSetting(key) {
			var skip json.RawMessage // the whole value, be it an object or an array
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("log settings: %w", err)
			}
			continue
		}
		val, err := dec.Token()
		if err != nil {
			return fmt.Errorf("log settings: %w", err)
		}
		if err := out.set(key, val); err != nil {
			return fmt.Errorf("log settings: %q: %w", key, err)
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return errors.New("log settings: want a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("log settings: data after the JSON object")
	}
	*v = out
	return nil
}

// knownSetting reports whether key is one of the six settings.
func knownSetting(key string) bool {
	switch key {
	case "logLevel", "logAllSessions", "logAllQueries", "slowSessionThresholdMs", "slowQueryThresholdMs", "retentionDays":
		return true
	}
	return false
}

// set sets the setting key to the JSON token val.
func (v *LogSettings) set(key string, val json.Token) error {
	switch key {
	case "logLevel":
		name, _ := val.(string)
		l, ok := logLevelByName(name)
		if !ok {
			return errors.New("want one of debug, info, warning, error, fatal")
		}
		v.LogLevel = l
	case "logAllSessions", "logAllQueries":
		b, ok := val.(bool)
		if !ok {
			return errors.New("want true or false")
		}
		if key == "logAllSessions" {
			v.LogAllSessions = b
		} else {
			v.LogAllQueries = b
		}
	case "slowSessionThresholdMs", "slowQueryThresholdMs", "retentionDays":
		n, err := nonNegativeInt(val)
		if err != nil {
			return err
		}
		switch key {
		case "slowSessionThresholdMs":
			v.SlowSessionThreshold = time.Duration(n) * time.Millisecond
		case "slowQueryThresholdMs":
			v.SlowQueryThreshold = time.Duration(n) * time.Millisecond
		default:
			if n < 1 {
				return errors.New("want at least 1")
			}
			if n > maxRetentionDays {
				return errors.New("want at most " + strconv.Itoa(maxRetentionDays) + " (100 years)")
			}
			v.RetentionDays = int(n)
		}
	default:
		return errors.New("unknown setting (known: logLevel, logAllSessions, logAllQueries, " +
			"slowSessionThresholdMs, slowQueryThresholdMs, retentionDays)")
	}
	return nil
}

// maxRetentionDays (100 years) keeps the cutoff, now() - days, far from
// the limits of Postgres' timestamps (about 2.4 million days back).
const maxRetentionDays = 36500

// maxSettingNumber keeps a threshold in milliseconds within a Duration and
// the retention within an int32 day count.
const maxSettingNumber = 1 << 31

func nonNegativeInt(val json.Token) (int64, error) {
	num, ok := val.(json.Number)
	if !ok {
		return 0, errors.New("want a whole number")
	}
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil || n < 0 || n > maxSettingNumber {
		return 0, errors.New("want a whole number from 0 to " + strconv.Itoa(maxSettingNumber))
	}
	return n, nil
}

// settingsReloadInterval is how often a server rereads the settings, so a
// change another server stored reaches it without a restart.
const settingsReloadInterval = 10 * time.Second

// LogSettingsStore is the cached copy of the cluster's log settings
// (Runtime.LogSettings). Get never blocks; Put stores, then caches; Run
// rereads them periodically.
type LogSettingsStore struct {
	mode    string
	current atomic.Pointer[LogSettings]
}

// NewLogSettingsStore starts with DefaultLogSettings(mode) until settings
// are loaded.
func NewLogSettingsStore(mode string) *LogSettingsStore {
	s := &LogSettingsStore{mode: mode}
	d := DefaultLogSettings(mode)
	s.current.Store(&d)
	return s
}

// Get returns the current settings (never nil; do not modify them).
func (s *LogSettingsStore) Get() *LogSettings { return s.current.Load() }

// Set replaces the cached settings of this server only, without storing
// them (tests, benchmarks; Put is the way to change a cluster's).
func (s *LogSettingsStore) Set(v LogSettings) { s.current.Store(&v) }

// The stored row is merged into, never replaced: keys this podgen does not
// know (stored by a newer one during a rolling upgrade) are kept.
const (
	putSettingsSQL = `INSERT INTO "pod_runtime_settings" ("id", "settings", "updated") VALUES (1, $1::jsonb, now())
	ON CONFLICT ("id") DO UPDATE SET "settings" = "pod_runtime_settings"."settings" || EXCLUDED."settings", "updated" = EXCLUDED."updated"`
	getSettingsSQL = `SELECT "settings"::text FROM "pod_runtime_settings" WHERE "id" = 1`
	// ensureSettingsSQL makes the row exist, so that lockSettingsSQL has a
	// row to lock even on the very first PUT ('{}' means the defaults).
	ensureSettingsSQL = `INSERT INTO "pod_runtime_settings" ("id", "settings", "updated") VALUES (1, '{}'::jsonb, now())
	ON CONFLICT ("id") DO NOTHING`
	lockSettingsSQL  = `SELECT "settings"::text FROM "pod_runtime_settings" WHERE "id" = 1 FOR UPDATE`
	mergeSettingsSQL = `UPDATE "pod_runtime_settings" SET "settings" = "settings" || $1::jsonb, "updated" = now() WHERE "id" = 1`
)

// Put stores v for the whole cluster (the other servers see it within
// their reload interval), then makes it this server's current settings.
func (s *LogSettingsStore) Put(ctx context.Context, db *DBPool, v LogSettings) error {
	if db == nil || db.pgx == nil {
		return errNoDatabase
	}
	if _, err := db.pgx.Exec(ctx, putSettingsSQL, string(v.AppendJSON(nil))); err != nil {
		return classify(err)
	}
	s.current.Store(&v)
	return nil
}

// Update applies change (a JSON object of the keys to change, decoded as
// DecodeJSON does) to the stored settings in one transaction that locks
// their row: concurrent updates through several servers are serialized,
// so none undoes another's keys. The merged settings are validated before
// anything is written, stored, and made this server's current settings.
// invalid is a bad change (nothing stored); err a database failure.
func (s *LogSettingsStore) Update(ctx context.Context, db *DBPool, change []byte) (v LogSettings, invalid, err error) {
	if db == nil || db.pgx == nil {
		return v, nil, errNoDatabase
	}
	err = pgx.BeginFunc(ctx, db.pgx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, ensureSettingsSQL); err != nil {
			return err
		}
		var raw string
		if err := tx.QueryRow(ctx, lockSettingsSQL).Scan(&raw); err != nil {
			return err
		}
		v = DefaultLogSettings(s.mode)
		if err := v.decodeJSON([]byte(raw), true); err != nil {
			return err // a stored value this podgen rejects: fix it with a PUT of that key
		}
		if invalid = v.DecodeJSON(change); invalid != nil {
			return invalid
		}
		_, err := tx.Exec(ctx, mergeSettingsSQL, string(v.AppendJSON(nil)))
		return err
	})
	if invalid != nil {
		return v, invalid, nil
	}
	if err != nil {
		return v, nil, classify(err)
	}
	s.current.Store(&v)
	return v, nil, nil
}

// Load reads the stored settings into the cache: keys the stored JSON
// lacks keep their defaults, keys it has that this podgen does not know
// are ignored; no stored row means the defaults.
func (s *LogSettingsStore) Load(ctx context.Context, db *DBPool) error {
	if db == nil || db.pgx == nil {
		return errNoDatabase
	}
	var raw string
	v := DefaultLogSettings(s.mode)
	before := s.current.Load()
	err := db.pgx.QueryRow(ctx, getSettingsSQL).Scan(&raw)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return classify(err)
	default:
		if err := v.decodeJSON([]byte(raw), true); err != nil {
			return err
		}
	}
	// A Put while the row was read is newer than what was read: keep it.
	s.current.CompareAndSwap(before, &v)
	return nil
}

// RetentionDays loads the stored settings and returns their retentionDays,
// or an error when they cannot be loaded now. Retention deletes by it, so
// it never goes by settings it has not just read: the defaults (30 days)
// of a server that could not load them might delete logs an operator chose
// to keep longer. A missing row is no error: then the defaults are the truth.
func (s *LogSettingsStore) RetentionDays(ctx context.Context, db *DBPool) (int, error) {
	if err := s.Load(ctx, db); err != nil {
		return 0, fmt.Errorf("the runtime settings cannot be loaded, so the retention is unknown: %w", err)
	}
	return s.Get().RetentionDays, nil
}

// Run loads the settings now and every interval until ctx is done. A load
// that fails (database down, table missing) keeps the current settings
// and prints one warning, until a load works again.
func (s *LogSettingsStore) Run(ctx context.Context, db *DBPool, log *slog.Logger, interval time.Duration) {
	load := func(ctx context.Context) error {
		lctx, cancel := context.WithTimeout(ctx, connectTimeout+time.Second)
		defer cancel()
		return s.Load(lctx, db)
	}
	runPeriodically(ctx, 0, interval, load, func(err error) {
		log.Warn("logging: cannot load the runtime settings from pod_runtime_settings; "+
			"using the current ones until it works", slog.String("error", err.Error()))
	}, nil)
}
