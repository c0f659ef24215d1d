package drift

import "slices"

// SDKUse names the exported wrapper functions and methods that send an
// operation of the spec, as "Client.StopConversation".
type SDKUse struct {
	// Direct send the operation themselves.
	Direct []string `json:"direct"`
	// Via send it through other functions (every conversation-scoped
	// method reads the conversation first, to find its runtime).
	Via []string `json:"via,omitempty"`
}

// SDKMethods returns who sends the operation with this operationId; both
// lists are empty for an operation only package api calls. The table is
// generated from package wrapper's source (sdkmethods_gen.go).
func SDKMethods(operationID string) SDKUse {
	u := sdkMethods[operationID]
	return SDKUse{Direct: slices.Clone(u.Direct), Via: slices.Clone(u.Via)}
}
