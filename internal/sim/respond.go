package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// Content types as the upstream server sends them.
const (
	contentJSON  = "application/json"
	contentHTML  = "text/html; charset=utf-8"
	contentPlain = "text/plain; charset=utf-8"
	contentZip   = "application/zip"
)

// encodeJSON marshals v the way FastAPI's JSONResponse does: compact, no
// HTML escaping, no trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// mustJSON encodes values the simulator builds itself, which always encode.
func mustJSON(v any) []byte {
	b, err := encodeJSON(v)
	if err != nil {
		// Only values built by this package get here; a failure is a bug in it.
		return []byte(`null`)
	}
	return b
}

// setNoCache adds the headers the upstream server puts on every response.
func setNoCache(h http.Header) {
	h.Set("Cache-Control", "no-cache, no-store, must-revalidate, max-age=0")
	h.Set("Pragma", "no-cache")
	h.Set("Expires", "0")
}

// writeBody sends a complete response with a Content-Length.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	setNoCache(h)
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeJSON sends v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, status, contentJSON, mustJSON(v))
}

// writeDetail sends FastAPI's HTTPException body {"detail": msg}.
func writeDetail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, detailError(msg))
}

// writeError sends {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorMessage(msg))
}

// writeInternalError sends what an uncaught exception produces: 500
// text/plain "Internal Server Error".
func writeInternalError(w http.ResponseWriter) {
	writeBody(w, http.StatusInternalServerError, contentPlain, []byte("Internal Server Error"))
}

// writeMethodNotAllowed sends Starlette's 405.
func writeMethodNotAllowed(w http.ResponseWriter) {
	writeDetail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
}
