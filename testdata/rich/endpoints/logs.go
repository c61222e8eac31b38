package endpoints

import "example.com/rich/out/pod"

// LogsEndpoint does a little of everything that lands in the session log,
// for the logging tests: queries, a slow one, and entries at three levels.
type LogsEndpoint struct{}

// Work runs two quick queries around one that sleeps sleepMillis in the
// database, logs at debug, info and warning, and returns the first
// query's answer (41 + 1).
func (e *LogsEndpoint) Work(s *pod.Session, sleepMillis int64) (int64, error) {
	s.Log("work: debug detail", pod.LogLevelDebug)
	rows, err := s.DB.Query(`SELECT $1::bigint + 1`, int64(41))
	if err != nil {
		return 0, err
	}
	s.Log("work: started")
	if _, err := s.DB.Exec(`SELECT pg_sleep($1::float8 / 1000)`, sleepMillis); err != nil {
		return 0, err
	}
	if _, err := s.DB.Exec(`SELECT 2`); err != nil {
		return 0, err
	}
	s.Log("work: done", pod.LogLevelWarning)
	return rows[0][0].(int64), nil
}
