package timestamp_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// An event's timestamp is naive (the server host's wall clock); a
// conversation's created_at is zoned. Both are time.Time values, and encode
// back as the server wrote them.
func Example() {
	var ev api.Event
	_ = json.Unmarshal([]byte(`{"id":3,"timestamp":"2025-11-28T10:14:05.482113"}`), &ev)
	var conv api.ConversationInfo
	_ = json.Unmarshal([]byte(`{"conversation_id":"c1","title":"t","status":"RUNNING","created_at":"2025-11-28T10:14:03.001234Z"}`), &conv)

	fmt.Println(ev.Timestamp.Naive(), conv.CreatedAt.Naive())
	fmt.Println(ev.Timestamp.Sub(conv.CreatedAt.Time).Round(time.Millisecond))
	fmt.Println(ev.Timestamp.AssumeZone(time.FixedZone("CET", 3600)).UTC().Format(time.Kitchen)) // a server on CET
	b, _ := json.Marshal(ev)
	fmt.Println(string(b))
	// Output:
	// true false
	// 2.481s
	// 9:14AM
	// {"id":3,"timestamp":"2025-11-28T10:14:05.482113"}
}
