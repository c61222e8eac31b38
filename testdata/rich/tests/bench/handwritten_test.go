package bench

import (
	"encoding/json"
	"net/http"
	"time"
)

// employee is what a hand-written server would declare for the same class.
type employee struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Age       int64     `json:"age"`
	Salary    float64   `json:"salary"`
	Role      string    `json:"role"`
	StartDate time.Time `json:"startDate"`
	Manager   *employee `json:"manager"`
	Skills    []string  `json:"skills"`
}

// handwritten is the baseline: net/http and encoding/json, written the way
// most people would.
func handwritten() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo/employee", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Employee *employee `json:"employee"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil || in.Employee == nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "bad request"})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(in.Employee)
	})
	return mux
}
