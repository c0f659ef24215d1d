package wrapper

import (
	"strings"
	"unicode/utf8"
)

// maxConversationIDLen is the server's limit (openhands/server/utils.py).
const maxConversationIDLen = 100

// ValidateConversationID checks an id as the server does before any
// request: not empty, at most 100 characters, no NUL, "..", "/", "\" or
// control character below U+0020, and not "." (which would name the
// collection, not a conversation, once the URL is resolved). The error
// matches ErrValidation.
func ValidateConversationID(id string) error {
	const op = "ValidateConversationID"
	switch {
	case id == "":
		return inputError(op, "conversation id is empty")
	case utf8.RuneCountInString(id) > maxConversationIDLen:
		return inputError(op, "conversation id is %d characters long; the server allows %d", utf8.RuneCountInString(id), maxConversationIDLen)
	case id == ".":
		return inputError(op, "conversation id %q is a dot segment", id)
	case strings.Contains(id, ".."):
		return inputError(op, "conversation id %q contains \"..\"", id)
	case strings.ContainsAny(id, `/\`):
		return inputError(op, "conversation id %q contains a slash", id)
	case strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 }):
		// The server's rule is ord(c) < 32: DEL and the C1 controls pass.
		return inputError(op, "conversation id %q contains a control character", id)
	}
	return nil
}
