package vapi

import (
	"encoding/json"
	"time"
)

// The REST DTOs below carry only the fields frontdesk sets or reads. Every
// field is omitempty/omitzero so a PATCH body holds exactly what the caller
// set: a nil slice or map is left alone by Vapi, an empty non-nil one
// replaces the stored value with an empty one. The read-only fields (ID,
// OrgID, CreatedAt, UpdatedAt) are never sent.

// Tool is a Vapi tool; frontdesk creates "function" tools.
type Tool struct {
	ID        string    `json:"id,omitempty"`
	OrgID     string    `json:"orgId,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`

	Type string `json:"type,omitempty"` // "function"
	// Async makes the assistant move on without waiting for our answer;
	// frontdesk's tools are all synchronous. A pointer, so false is sent.
	Async    *bool         `json:"async,omitempty"`
	Function *Function     `json:"function,omitempty"`
	Server   *Server       `json:"server,omitempty"`
	Messages []ToolMessage `json:"messages,omitzero"`
}

// Function is an OpenAI-style function definition.
type Function struct {
	// Name must match [a-zA-Z0-9_-]{1,64}.
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Strict      *bool  `json:"strict,omitempty"`
	// Parameters is a JSON Schema object.
	Parameters json.RawMessage `json:"parameters,omitempty"`
}

// Server is where Vapi sends a tool's or an assistant's webhooks.
type Server struct {
	URL string `json:"url,omitempty"`
	// TimeoutSeconds defaults to 20 at Vapi (1 to 300).
	TimeoutSeconds int               `json:"timeoutSeconds,omitempty"`
	CredentialID   string            `json:"credentialId,omitempty"`
	Headers        map[string]string `json:"headers,omitzero"`
}

// ToolMessage is spoken around a tool call: request-start,
// request-response-delayed, request-complete or request-failed.
type ToolMessage struct {
	Type    string `json:"type"`
	Content string `json:"content,omitempty"`
	// Blocking (request-start) waits until the message is spoken.
	Blocking bool `json:"blocking,omitempty"`
	// TimingMilliseconds (request-response-delayed) is how long our server
	// may be silent before the message is spoken (100 to 120000).
	TimingMilliseconds int    `json:"timingMilliseconds,omitempty"`
	Role               string `json:"role,omitempty"`
	// EndCallAfterSpokenEnabled (request-complete) hangs up afterwards.
	EndCallAfterSpokenEnabled bool `json:"endCallAfterSpokenEnabled,omitempty"`
}

// Assistant is a Vapi assistant.
type Assistant struct {
	ID        string    `json:"id,omitempty"`
	OrgID     string    `json:"orgId,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`

	// Name is at most 40 characters; no patient data (Vapi's HIPAA note).
	Name             string  `json:"name,omitempty"`
	FirstMessage     string  `json:"firstMessage,omitempty"`
	FirstMessageMode string  `json:"firstMessageMode,omitempty"`
	Model            *Model  `json:"model,omitempty"`
	Voice            *Voice  `json:"voice,omitempty"`
	Server           *Server `json:"server,omitempty"`
	// ServerMessages selects the events Vapi posts to Server. When set it
	// must include "tool-calls" (the client refuses it otherwise): without
	// it tool webhooks never arrive.
	ServerMessages     []string       `json:"serverMessages,omitzero"`
	Metadata           map[string]any `json:"metadata,omitzero"`
	MonitorPlan        *MonitorPlan   `json:"monitorPlan,omitempty"`
	MaxDurationSeconds int            `json:"maxDurationSeconds,omitempty"`
	EndCallMessage     string         `json:"endCallMessage,omitempty"`
}

// Model is the assistant's LLM. A PATCH that carries a model replaces the
// whole model, and ToolIDs replaces the tool list.
type Model struct {
	Provider    string         `json:"provider"`
	Model       string         `json:"model"`
	Messages    []ModelMessage `json:"messages,omitzero"`
	ToolIDs     []string       `json:"toolIds,omitzero"`
	Temperature *float64       `json:"temperature,omitempty"`
	MaxTokens   int            `json:"maxTokens,omitempty"`
}

// ModelMessage is a starting message, usually the system prompt.
type ModelMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Voice is the assistant's text-to-speech voice.
type Voice struct {
	Provider string `json:"provider"`
	VoiceID  string `json:"voiceId"`
}

// MonitorPlan controls live listening and control; transfers from our
// transfer-to-human tool need ControlEnabled (Vapi's default is true).
type MonitorPlan struct {
	ListenEnabled                *bool `json:"listenEnabled,omitempty"`
	ControlEnabled               *bool `json:"controlEnabled,omitempty"`
	ControlAuthenticationEnabled *bool `json:"controlAuthenticationEnabled,omitempty"`
}

// PhoneNumber is a number imported into Vapi (frontdesk imports Twilio
// numbers: Provider "twilio").
type PhoneNumber struct {
	ID        string    `json:"id,omitempty"`
	OrgID     string    `json:"orgId,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
	Status    string    `json:"status,omitempty"`

	Provider         string `json:"provider,omitempty"`
	Number           string `json:"number,omitempty"`
	Name             string `json:"name,omitempty"`
	TwilioAccountSID string `json:"twilioAccountSid,omitempty"`
	TwilioAuthToken  string `json:"twilioAuthToken,omitempty"`
	// AssistantID answers the number's calls; leave it empty to have Vapi
	// send assistant-request to Server instead.
	AssistantID         string               `json:"assistantId,omitempty"`
	Server              *Server              `json:"server,omitempty"`
	FallbackDestination *TransferDestination `json:"fallbackDestination,omitempty"`
	// SMSEnabled false stops Vapi taking over the number's messaging URL.
	SMSEnabled *bool `json:"smsEnabled,omitempty"`
}

// Credential is a Vapi credential; frontdesk creates "webhook" credentials
// that tell Vapi how to authenticate to our server.
type Credential struct {
	ID        string    `json:"id,omitempty"`
	OrgID     string    `json:"orgId,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`

	Provider           string              `json:"provider"`
	Name               string              `json:"name,omitempty"`
	AuthenticationPlan *AuthenticationPlan `json:"authenticationPlan,omitempty"`
}

// AuthenticationPlan is a webhook credential's bearer or HMAC plan.
type AuthenticationPlan struct {
	Type string `json:"type"` // "bearer" | "hmac"

	// bearer
	Token               string `json:"token,omitempty"`
	HeaderName          string `json:"headerName,omitempty"`
	BearerPrefixEnabled *bool  `json:"bearerPrefixEnabled,omitempty"`

	// hmac
	SecretKey         string `json:"secretKey,omitempty"`
	Algorithm         string `json:"algorithm,omitempty"`
	SignatureHeader   string `json:"signatureHeader,omitempty"`
	TimestampHeader   string `json:"timestampHeader,omitempty"`
	SignaturePrefix   string `json:"signaturePrefix,omitempty"`
	SignatureEncoding string `json:"signatureEncoding,omitempty"`
	PayloadFormat     string `json:"payloadFormat,omitempty"`
}

// BearerCredential is a webhook credential that makes Vapi send token as
// "Authorization: Bearer <token>" (headerName "" keeps Vapi's default), or,
// with headerName HeaderSecret and prefix false, as the legacy X-Vapi-Secret.
func BearerCredential(name, token, headerName string, prefix bool) Credential {
	return Credential{Provider: "webhook", Name: name, AuthenticationPlan: &AuthenticationPlan{
		Type: "bearer", Token: token, HeaderName: headerName, BearerPrefixEnabled: &prefix,
	}}
}

// HMACCredential is a webhook credential that makes Vapi sign each message
// the way Verifier checks it: hex HMAC-SHA256 of "{x-timestamp}.{body}" in
// x-signature.
func HMACCredential(name, secret string) Credential {
	return Credential{Provider: "webhook", Name: name, AuthenticationPlan: &AuthenticationPlan{
		Type: "hmac", SecretKey: secret, Algorithm: "sha256",
		SignatureHeader: "x-signature", TimestampHeader: "x-timestamp",
		PayloadFormat: "{timestamp}.{body}", SignatureEncoding: "hex",
	}}
}

// ControlMessage is posted to a live call's monitor.controlUrl.
type ControlMessage struct {
	Type        string               `json:"type"` // "transfer" | "say" | "end-call"
	Destination *TransferDestination `json:"destination,omitempty"`
	Content     string               `json:"content,omitempty"`
	// EndCallAfterSpoken (say) hangs up once Content is spoken.
	EndCallAfterSpoken bool `json:"endCallAfterSpoken,omitempty"`
}

// TransferControl transfers the live call to number, saying content first.
func TransferControl(number, content string) ControlMessage {
	return ControlMessage{Type: "transfer", Destination: &TransferDestination{Type: "number", Number: number}, Content: content}
}

// SayControl makes the assistant say content, hanging up after it if
// endCall.
func SayControl(content string, endCall bool) ControlMessage {
	return ControlMessage{Type: "say", Content: content, EndCallAfterSpoken: endCall}
}

// EndCallControl ends the live call.
func EndCallControl() ControlMessage { return ControlMessage{Type: "end-call"} }
