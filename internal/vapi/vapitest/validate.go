package vapitest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Property whitelists and enums, from Vapi's OpenAPI DTOs (CreateFunctionToolDTO,
// CreateAssistantDTO, OpenAIModel, Server, CreateTwilioPhoneNumberDTO,
// CreateWebhookCredentialDTO, the authentication plans, the tool messages).
// Vapi's validation rejects any property a DTO does not declare.
var (
	functionToolProps = []string{"type", "async", "function", "server", "messages", "parameters", "rejectionPlan", "variableExtractionPlan"}
	transferToolProps = []string{"type", "destinations", "messages", "rejectionPlan"}
	endCallToolProps  = []string{"type", "messages", "rejectionPlan"}
	functionProps     = []string{"name", "description", "strict", "parameters"}
	jsonSchemaProps   = []string{"type", "items", "properties", "description", "pattern", "format", "required", "enum", "title"}
	jsonSchemaTypes   = []string{"string", "number", "integer", "boolean", "array", "object"}
	serverProps       = []string{"url", "timeoutSeconds", "credentialId", "headers", "backoffPlan", "staticIpAddressesEnabled", "encryptedPaths"}
	toolMessageProps  = []string{"type", "content", "contents", "conditions", "blocking", "timingMilliseconds", "role", "endCallAfterSpokenEnabled"}
	toolMessageTypes  = []string{"request-start", "request-complete", "request-failed", "request-response-delayed"}
	destinationProps  = []string{"type", "number", "sipUri", "message", "description", "extension", "callerId", "transferPlan", "numberE164CheckEnabled", "assistantName"}

	assistantProps = []string{
		"transcriber", "model", "voice", "firstMessage", "firstMessageInterruptionsEnabled", "firstMessageMode",
		"voicemailDetection", "clientMessages", "serverMessages", "maxDurationSeconds", "backgroundSound",
		"modelOutputInMessagesEnabled", "transportConfigurations", "observabilityPlan", "credentials", "hooks",
		"name", "voicemailMessage", "endCallMessage", "endCallPhrases", "compliancePlan", "metadata",
		"backgroundSpeechDenoisingPlan", "analysisPlan", "artifactPlan", "startSpeakingPlan", "stopSpeakingPlan",
		"monitorPlan", "credentialIds", "server", "keypadInputPlan",
	}
	firstMessageModes = []string{"assistant-speaks-first", "assistant-speaks-first-with-model-generated-message", "assistant-waits-for-user"}
	openAIModelProps  = []string{
		"messages", "tools", "toolIds", "toolRefs", "knowledgeBase", "provider", "model", "fallbackModels",
		"toolStrictCompatibilityMode", "promptCacheRetention", "promptCacheKey", "reasoningEffort", "temperature",
		"maxTokens", "emotionRecognitionEnabled", "numFastTurns",
	}
	messageRoles     = []string{"assistant", "function", "user", "system", "tool"}
	monitorPlanProps = []string{"listenEnabled", "listenAuthenticationEnabled", "controlEnabled", "controlAuthenticationEnabled", "monitorIds"}
	serverMessages   = []string{
		"assistant.started", "assistant.speechStarted", "conversation-update", "end-of-call-report", "function-call",
		"hang", "language-changed", "language-change-detected", "model-output", "phone-call-control", "speech-update",
		"status-update", "transcript", `transcript[transcriptType="final"]`, "tool-calls", "transfer-destination-request",
		"handoff-destination-request", "transfer-update", "user-interrupted", "voice-input", "chat.created", "chat.deleted",
		"session.created", "session.updated", "session.deleted", "call.deleted", "call.delete.failed", "call.artifact.upload",
	}

	twilioNumberProps = []string{
		"provider", "number", "twilioAccountSid", "twilioAuthToken", "twilioApiKey", "twilioApiSecret", "name",
		"assistantId", "workflowId", "squadId", "server", "fallbackDestination", "hooks", "smsEnabled",
	}
	numberProviders = []string{"byo-phone-number", "twilio", "vonage", "vapi", "telnyx"}

	credentialProps  = []string{"provider", "name", "authenticationPlan"}
	bearerPlanProps  = []string{"type", "token", "headerName", "bearerPrefixEnabled"}
	hmacPlanProps    = []string{"type", "secretKey", "algorithm", "signatureHeader", "timestampHeader", "signaturePrefix", "includeTimestamp", "payloadFormat", "messageIdHeader", "signatureEncoding", "secretIsBase64"}
	hmacAlgorithms   = []string{"sha256", "sha512", "sha1"}
	controlTypes     = []string{"say", "add-message", "control", "end-call", "transfer", "handoff"}
	functionNameRule = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	e164             = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

// validator collects NestJS class-validator messages ("name must be a
// string"); nested properties are prefixed with their parent's path.
type validator struct{ msgs []string }

func (v *validator) add(format string, args ...any) {
	v.msgs = append(v.msgs, fmt.Sprintf(format, args...))
}

func path(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func (v *validator) whitelist(obj map[string]any, prefix string, allowed []string) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			v.add("property %s should not exist", path(prefix, k))
		}
	}
}

// str checks obj[key] is a string (present when required) of at most max
// characters (0: no limit) and returns it.
func (v *validator) str(obj map[string]any, prefix, key string, required bool, max int) string {
	raw, ok := obj[key]
	if !ok || raw == nil {
		if required {
			v.add("%s should not be empty", path(prefix, key))
			v.add("%s must be a string", path(prefix, key))
		}
		return ""
	}
	s, ok := raw.(string)
	if !ok {
		v.add("%s must be a string", path(prefix, key))
		return ""
	}
	if required && s == "" {
		v.add("%s should not be empty", path(prefix, key))
	}
	if max > 0 && len([]rune(s)) > max {
		v.add("%s must be shorter than or equal to %d characters", path(prefix, key), max)
	}
	return s
}

func (v *validator) enum(obj map[string]any, prefix, key string, required bool, values []string) string {
	raw, ok := obj[key]
	s, isStr := raw.(string)
	switch {
	case (!ok || raw == nil) && !required:
		return ""
	case !isStr || !slices.Contains(values, s):
		v.add("%s must be one of the following values: %s", path(prefix, key), strings.Join(values, ", "))
		return ""
	}
	return s
}

func (v *validator) boolean(obj map[string]any, prefix, key string) {
	if raw, ok := obj[key]; ok && raw != nil {
		if _, ok := raw.(bool); !ok {
			v.add("%s must be a boolean value", path(prefix, key))
		}
	}
}

func (v *validator) number(obj map[string]any, prefix, key string, min, max float64) {
	raw, ok := obj[key]
	if !ok || raw == nil {
		return
	}
	n, ok := raw.(json.Number)
	f, err := n.Float64()
	if !ok || err != nil {
		v.add("%s must be a number conforming to the specified constraints", path(prefix, key))
		return
	}
	if f < min {
		v.add("%s must not be less than %v", path(prefix, key), min)
	}
	if f > max {
		v.add("%s must not be greater than %v", path(prefix, key), max)
	}
}

// object returns obj[key] when it is an object; nil when absent or wrong.
func (v *validator) object(obj map[string]any, prefix, key string, required bool) map[string]any {
	raw, ok := obj[key]
	if !ok || raw == nil {
		if required {
			v.add("%s should not be empty", path(prefix, key))
		}
		return nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		v.add("nested property %s must be either object or array", path(prefix, key))
		return nil
	}
	return m
}

func (v *validator) array(obj map[string]any, prefix, key string) []any {
	raw, ok := obj[key]
	if !ok || raw == nil {
		return nil
	}
	a, ok := raw.([]any)
	if !ok {
		v.add("%s must be an array", path(prefix, key))
	}
	return a
}

func (v *validator) stringArray(obj map[string]any, prefix, key string, values []string) {
	for _, item := range v.array(obj, prefix, key) {
		s, ok := item.(string)
		switch {
		case !ok:
			v.add("each value in %s must be a string", path(prefix, key))
			return
		case values != nil && !slices.Contains(values, s):
			v.add("each value in %s must be one of the following values: %s", path(prefix, key), strings.Join(values, ", "))
			return
		}
	}
}

func (v *validator) url(obj map[string]any, prefix, key string) {
	s := v.str(obj, prefix, key, false, 0)
	if s == "" {
		return
	}
	if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add("%s must be a URL address", path(prefix, key))
	}
}

func (v *validator) server(obj map[string]any, prefix string) {
	srv := v.object(obj, prefix, "server", false)
	if srv == nil {
		return
	}
	p := path(prefix, "server")
	v.whitelist(srv, p, serverProps)
	v.url(srv, p, "url")
	v.number(srv, p, "timeoutSeconds", 1, 300)
	v.str(srv, p, "credentialId", false, 0)
	v.object(srv, p, "headers", false)
}

func (v *validator) toolMessages(obj map[string]any, prefix string) {
	for i, item := range v.array(obj, prefix, "messages") {
		p := fmt.Sprintf("%s.%d", path(prefix, "messages"), i)
		m, ok := item.(map[string]any)
		if !ok {
			v.add("nested property %s must be either object or array", p)
			continue
		}
		v.whitelist(m, p, toolMessageProps)
		v.enum(m, p, "type", true, toolMessageTypes)
		v.str(m, p, "content", false, 1000)
		v.boolean(m, p, "blocking")
		v.number(m, p, "timingMilliseconds", 100, 120000)
	}
}

func (v *validator) destination(m map[string]any, p string) {
	v.whitelist(m, p, destinationProps)
	switch v.enum(m, p, "type", true, []string{"number", "sip", "assistant"}) {
	case "number":
		if n := v.str(m, p, "number", true, 0); n != "" && !e164.MatchString(n) {
			v.add("%s must be a valid phone number in the E.164 format", path(p, "number"))
		}
	case "sip":
		v.str(m, p, "sipUri", true, 0)
	}
}

// validate checks a create (stored == nil) or PATCH body of resource res.
func (s *Server) validate(res string, in, stored map[string]any) []string {
	v := &validator{}
	create := stored == nil
	switch res {
	case resTool:
		typ := v.enum(in, "", "type", create, []string{"function", "transferCall", "endCall"})
		if typ == "" && !create {
			typ, _ = stored["type"].(string)
		}
		switch typ {
		case "function":
			v.whitelist(in, "", functionToolProps)
			v.boolean(in, "", "async")
			if fn := v.object(in, "", "function", false); fn != nil {
				v.whitelist(fn, "function", functionProps)
				if name := v.str(fn, "function", "name", true, 0); name != "" && !functionNameRule.MatchString(name) {
					v.add("function.name must match /%s/ regular expression", functionNameRule)
				}
				v.str(fn, "function", "description", false, 0)
				v.boolean(fn, "function", "strict")
				if params := v.object(fn, "function", "parameters", false); params != nil {
					v.whitelist(params, "function.parameters", jsonSchemaProps)
					v.enum(params, "function.parameters", "type", true, jsonSchemaTypes)
					v.object(params, "function.parameters", "properties", false)
					v.stringArray(params, "function.parameters", "required", nil)
				}
			}
			v.server(in, "")
		case "transferCall":
			v.whitelist(in, "", transferToolProps)
			for i, d := range v.array(in, "", "destinations") {
				if m, ok := d.(map[string]any); ok {
					v.destination(m, fmt.Sprintf("destinations.%d", i))
				} else {
					v.add("nested property destinations.%d must be either object or array", i)
				}
			}
		case "endCall":
			v.whitelist(in, "", endCallToolProps)
		}
		v.toolMessages(in, "")

	case resAssistant:
		v.whitelist(in, "", assistantProps)
		v.str(in, "", "name", false, 40)
		v.str(in, "", "firstMessage", false, 0)
		v.enum(in, "", "firstMessageMode", false, firstMessageModes)
		v.str(in, "", "endCallMessage", false, 1000)
		v.number(in, "", "maxDurationSeconds", 10, 43200)
		v.object(in, "", "metadata", false)
		v.stringArray(in, "", "serverMessages", serverMessages)
		if m := v.object(in, "", "model", false); m != nil {
			if v.str(m, "model", "provider", true, 0) == "openai" {
				v.whitelist(m, "model", openAIModelProps)
			}
			v.str(m, "model", "model", true, 0)
			for i, item := range v.array(m, "model", "messages") {
				p := fmt.Sprintf("model.messages.%d", i)
				if mm, ok := item.(map[string]any); ok {
					v.whitelist(mm, p, []string{"role", "content"})
					v.enum(mm, p, "role", true, messageRoles)
					v.str(mm, p, "content", true, 0)
				} else {
					v.add("nested property %s must be either object or array", p)
				}
			}
			v.stringArray(m, "model", "toolIds", nil)
			v.number(m, "model", "temperature", 0, 2)
			v.number(m, "model", "maxTokens", 50, 10000)
		}
		if vo := v.object(in, "", "voice", false); vo != nil {
			v.str(vo, "voice", "provider", true, 0)
			v.str(vo, "voice", "voiceId", true, 0)
		}
		if mp := v.object(in, "", "monitorPlan", false); mp != nil {
			v.whitelist(mp, "monitorPlan", monitorPlanProps)
			for _, k := range []string{"listenEnabled", "listenAuthenticationEnabled", "controlEnabled", "controlAuthenticationEnabled"} {
				v.boolean(mp, "monitorPlan", k)
			}
		}
		v.server(in, "")

	case resPhoneNumber:
		provider := v.enum(in, "", "provider", create, numberProviders)
		if provider == "" && !create {
			provider, _ = stored["provider"].(string)
		}
		if provider != "" && provider != "twilio" {
			v.add("provider %s is not supported by vapitest", provider)
			break
		}
		v.whitelist(in, "", twilioNumberProps)
		number := v.str(in, "", "number", create, 0)
		v.str(in, "", "twilioAccountSid", create, 0)
		v.str(in, "", "twilioAuthToken", false, 0)
		v.str(in, "", "name", false, 40)
		v.str(in, "", "assistantId", false, 0)
		v.boolean(in, "", "smsEnabled")
		if fd := v.object(in, "", "fallbackDestination", false); fd != nil {
			v.destination(fd, "fallbackDestination")
		}
		v.server(in, "")
		if number != "" {
			for id, o := range s.objects[resPhoneNumber] {
				if o.data["number"] == number && (stored == nil || stored["id"] != id) {
					v.add("Number Already Exists")
				}
			}
		}

	case resCredential:
		v.whitelist(in, "", credentialProps)
		v.enum(in, "", "provider", true, []string{"webhook"})
		v.str(in, "", "name", false, 40)
		plan := v.object(in, "", "authenticationPlan", true)
		if plan == nil {
			break
		}
		const p = "authenticationPlan"
		switch v.enum(plan, p, "type", true, []string{"bearer", "hmac", "oauth2"}) {
		case "bearer":
			v.whitelist(plan, p, bearerPlanProps)
			v.str(plan, p, "token", true, 0)
			v.str(plan, p, "headerName", false, 0)
			v.boolean(plan, p, "bearerPrefixEnabled")
		case "hmac":
			v.whitelist(plan, p, hmacPlanProps)
			v.str(plan, p, "secretKey", true, 0)
			v.enum(plan, p, "algorithm", true, hmacAlgorithms)
			v.enum(plan, p, "signatureEncoding", false, []string{"hex", "base64"})
			v.boolean(plan, p, "includeTimestamp")
		}
	}
	return v.msgs
}

// validateControl checks a live-call control message.
func validateControl(in map[string]any) []string {
	v := &validator{}
	switch v.enum(in, "", "type", true, controlTypes) {
	case "transfer":
		if d := v.object(in, "", "destination", true); d != nil {
			v.destination(d, "destination")
		}
		v.str(in, "", "content", false, 0)
	case "say":
		v.str(in, "", "content", true, 0)
		v.boolean(in, "", "endCallAfterSpoken")
	}
	return v.msgs
}

// createCallProps are CreateCallDTO's properties, plus
// phoneCallProviderBypassEnabled, which Vapi accepts (its bypass example
// and docs send it) though no OpenAPI version declares it.
var createCallProps = []string{
	"customers", "name", "schedulePlan", "transport", "assistantId", "assistant", "assistantOverrides",
	"squadId", "squad", "workflowId", "workflow", "workflowOverrides", "phoneNumberId", "phoneNumber",
	"customerId", "customer", "phoneCallProviderBypassEnabled",
}

// validateCreateCall checks a POST /call body: a phone call needs a phone
// number, an assistant (or squad or workflow) and a customer number.
func validateCreateCall(in map[string]any) []string {
	v := &validator{}
	v.whitelist(in, "", createCallProps)
	v.str(in, "", "phoneNumberId", true, 0)
	if v.str(in, "", "assistantId", false, 0) == "" && in["assistant"] == nil && in["squadId"] == nil && in["workflowId"] == nil {
		v.add("assistantId, assistant, squadId, squad, workflowId or workflow must be provided")
	}
	v.boolean(in, "", "phoneCallProviderBypassEnabled")
	if c := v.object(in, "", "customer", true); c != nil {
		if n := v.str(c, "customer", "number", true, 0); n != "" && !e164.MatchString(n) {
			v.add("customer.number must be a valid phone number in the E.164 format")
		}
	}
	return v.msgs
}
