package server

import (
	"embed"
	"net/http"
	"path"
)

// web holds the insights page: one HTML file, its script and its style
// sheet, written by hand (no build step, no library, no request to any
// other host). The page asks for the service secret, keeps it in the tab's
// sessionStorage and sends it as the Bearer header of every API call.
//
//go:embed web/index.html web/app.js web/app.css web/icon.svg
var web embed.FS

// webTypes are the content types of the files in web; any other name is a 404.
var webTypes = map[string]string{
	"app.js":   "text/javascript; charset=utf-8",
	"app.css":  "text/css; charset=utf-8",
	"icon.svg": "image/svg+xml",
}

// pageCSP allows the page its own script, style sheet and API calls and
// nothing else: no inline script or style, no other host, no frames, no
// plugins, no form posts. The page builds its charts as SVG elements
// through the DOM, which the policy allows.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// pageHeaders sets the security headers of every file of the page.
func pageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
}

// servePage answers GET /: the insights page. It holds no data; everything
// it shows comes from the guarded API.
func servePage(w http.ResponseWriter, _ *http.Request) {
	serveWebFile(w, "index.html", "text/html; charset=utf-8")
}

// serveAsset answers GET /ui/{file}: the page's script or style sheet.
func serveAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	typ, ok := webTypes[name]
	if !ok {
		writeJSON(w, http.StatusNotFound, errorBody(nil, "no file "+name+" on the service port", "", nil, ""))
		return
	}
	serveWebFile(w, name, typ)
}

func serveWebFile(w http.ResponseWriter, name, typ string) {
	b, err := web.ReadFile(path.Join("web", name))
	if err != nil { // cannot happen: the names are embedded above
		writeJSON(w, http.StatusInternalServerError, errorBody(nil, "internal server error", "", nil, ""))
		return
	}
	pageHeaders(w.Header())
	w.Header().Set("Content-Type", typ)
	w.Write(b) //nolint:errcheck // the browser went away
}
