package sim

import "github.com/openhands-go/openhands-v0/api"

func detailError(msg string) api.DetailError { return api.DetailError{Detail: msg} }

func errorMessage(msg string) api.ErrorMessage { return api.ErrorMessage{Error: msg} }

func messageResponse(msg string) api.MessageResponse { return api.MessageResponse{Message: msg} }

// conversationNotFound is get_conversation's and get_conversation_metadata's 404.
func conversationNotFound(c *call, id string) {
	writeDetail(c.w, 404, "Conversation "+id+" not found")
}
