package pod

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestConsoleLoggerFormatByMode(t *testing.T) {
	var b bytes.Buffer
	NewConsoleLogger(&b, "development").Info("hello", "n", 1)
	if got := b.String(); !strings.Contains(got, "level=INFO msg=hello n=1") {
		t.Errorf("development: %q, want slog text", got)
	}
	for _, mode := range []string{"staging", "production"} {
		b.Reset()
		NewConsoleLogger(&b, mode).Info("hello", "n", 1)
		var line struct {
			Level string
			Msg   string
			N     int
		}
		if err := json.Unmarshal(b.Bytes(), &line); err != nil || line.Msg != "hello" || line.N != 1 || line.Level != "INFO" {
			t.Errorf("%s: %q is not the JSON line (%v)", mode, b.String(), err)
		}
	}
}
