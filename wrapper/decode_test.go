package wrapper

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
)

// jsonAnswer is a 200 application/json answer with body.
func jsonAnswer(body string) *http.Response {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body))}
}

func TestDecodeJSONNull(t *testing.T) {
	for _, body := range []string{"null", " \n\tnull\n"} {
		var info api.ConversationInfo
		err := decodeJSON("op", hostApp, jsonAnswer(body), &info)
		if !errors.Is(err, ErrUnexpectedResponse) {
			t.Errorf("%q into a struct: %v, want ErrUnexpectedResponse", body, err)
		}
		var ptr *api.ConversationInfo
		if err := decodeJSON("op", hostApp, jsonAnswer(body), &ptr); err != nil || ptr != nil {
			t.Errorf("%q into a pointer: %v, %v; want nil, nil", body, ptr, err)
		}
		var ok bool
		if err := decodeJSON("op", hostApp, jsonAnswer(body), &ok); err != nil {
			t.Errorf("%q into a bool: %v", body, err)
		}
	}
	var info api.ConversationInfo
	if err := decodeJSON("op", hostApp, jsonAnswer(`{"conversation_id":"abc","title":"t"}`), &info); err != nil || info.ConversationID != "abc" || info.Title != "t" {
		t.Errorf("object into a struct: %+v, %v", info, err)
	}
	var ptr *api.ConversationInfo
	if err := decodeJSON("op", hostApp, jsonAnswer(`{"conversation_id":"abc"}`), &ptr); err != nil || ptr == nil || ptr.ConversationID != "abc" {
		t.Errorf("object into a pointer: %+v, %v", ptr, err)
	}
	if err := decodeJSON("op", hostApp, jsonAnswer(`{"conversation_id":`), &info); !errors.Is(err, ErrUnexpectedResponse) {
		t.Errorf("cut object: %v", err)
	}
}
