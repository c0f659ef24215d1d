package wrapper

import (
	"bytes"
	"net/http"
)

// CheckResponse turns an answer of the generated client (Client.API(), for
// an operation the wrapper has no method for, or to read the raw answer)
// into the error a wrapper method would return for it: nil for a 2xx
// answer, an *APIError matching the same sentinels otherwise. A 2xx whose
// body is null (getConversation of a missing conversation) or false (a
// delete of one) is ErrNotFound, as in the wrapper. operation names the
// spec operation in the error; resp and body are the generated response's
// HTTPResponse and Body:
//
//	r, err := c.API().GetConversationWithResponse(ctx, id)
//	if err == nil {
//		err = wrapper.CheckResponse(api.OpGetConversation, r.HTTPResponse, r.Body)
//	}
//
// Credentials the request sent are removed from the error, should the
// server echo them.
func CheckResponse(operation string, resp *http.Response, body []byte) error {
	if resp == nil {
		return inputError("CheckResponse", "no response")
	}
	body = redactCredentials(body, sentCredentials(resp.Request))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := describe(operation, hostApp, resp.StatusCode, resp.Header, body[:min(len(body), maxErrorRead)])
		return e
	}
	mt := mediaType(resp.Header)
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) > 0 && looksLikeHTML(mt, trimmed):
		return describe(operation, hostApp, resp.StatusCode, resp.Header, body[:min(len(body), maxErrorRead)])
	case string(trimmed) == "null" || string(trimmed) == "false":
		return &APIError{Operation: operation, Host: hostApp, StatusCode: resp.StatusCode, ContentType: mt,
			Message: "the server answered " + string(trimmed), Header: resp.Header.Clone(), kinds: []error{ErrNotFound}}
	}
	return nil
}
