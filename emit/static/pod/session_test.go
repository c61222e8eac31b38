package pod

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestSessionIsTheCallsContext(t *testing.T) {
	var log bytes.Buffer
	rt := &Runtime{ServerID: 3, Logger: slog.New(slog.NewTextHandler(&log, nil))}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	s := NewSession(ctx, rt, "example", "hello", "req-1")
	var _ context.Context = s
	if s.ServerID() != 3 {
		t.Errorf("ServerID = %d", s.ServerID())
	}
	if d, ok := s.Deadline(); !ok || time.Until(d) < time.Minute {
		t.Errorf("deadline %v %v", d, ok)
	}
	s.Log("hi")
	s.Log("bad", LogLevelError)
	cancel()
	select {
	case <-s.Done():
	case <-time.After(time.Second):
		t.Fatal("session not cancelled with its request")
	}
	if s.Err() != context.Canceled {
		t.Errorf("Err = %v", s.Err())
	}
	out := log.String()
	for _, want := range []string{"level=INFO msg=hi endpoint=example method=hello request=req-1", "level=ERROR msg=bad"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
