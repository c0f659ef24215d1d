package spec

// FindingKind says what part of an exchange broke the spec. Callers branch
// on it, never on a finding's message.
type FindingKind string

// The kinds of finding.
const (
	// FindingRoute: the method and path are not an operation of the spec.
	FindingRoute FindingKind = "route"
	// FindingRequest: the request breaks its operation's parameters, body
	// schema or security requirements, or could not be read.
	FindingRequest FindingKind = "request"
	// FindingStatus: the response's status is not declared for the operation.
	FindingStatus FindingKind = "status"
	// FindingContentType: the response's content type is not declared for
	// its status, or a body came without one.
	FindingContentType FindingKind = "content_type"
	// FindingBody: the response body cannot be decoded or does not match
	// its schema.
	FindingBody FindingKind = "body"
)

// Finding is one way an exchange broke the spec.
type Finding struct {
	// Kind says what broke the spec.
	Kind FindingKind
	// Operation is the spec's operationId ("" for FindingRoute).
	Operation string
	// Location says where: `query parameter "limit"`, "request body /title",
	// "body /0/id", "status", "content type" or the route.
	Location string
	// Message is one line for people; it never holds a field's value.
	Message string
}

// OnRequest reports whether the finding is about the request (its route
// included) rather than the response.
func (f Finding) OnRequest() bool { return f.Kind == FindingRoute || f.Kind == FindingRequest }

// messages returns the messages of the findings for which keep is true.
func messages(fs []Finding, keep func(Finding) bool) []string {
	var out []string
	for _, f := range fs {
		if keep(f) {
			out = append(out, f.Message)
		}
	}
	return out
}
