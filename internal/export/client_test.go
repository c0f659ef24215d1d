package export

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// TestClientSourceListsSubConversations: an archive of "every V0
// conversation" asks the server for sub-conversations too, which it leaves
// out by default.
func TestClientSourceListsSubConversations(t *testing.T) {
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Query().Get("include_sub_conversations")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(api.ConversationInfoResultSet{Results: []api.ConversationInfo{}})
	}))
	defer srv.Close()
	c, err := wrapper.New(wrapper.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range FromClient(c).Conversations(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if query != "true" {
		t.Fatalf("include_sub_conversations = %q, want true", query)
	}
}
