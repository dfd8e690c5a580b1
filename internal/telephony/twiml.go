package telephony

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"
)

// Response is a TwiML document: the verbs Twilio runs on the call, in
// order. It is written with encoding/xml, so every value is escaped.
type Response struct {
	XMLName xml.Name `xml:"Response"`
	Verbs   []any
}

// Say reads Text to the caller.
type Say struct {
	XMLName xml.Name `xml:"Say"`
	Text    string   `xml:",chardata"`
}

// Hangup ends the call.
type Hangup struct {
	XMLName xml.Name `xml:"Hangup"`
}

// Dial rings Number; with Action, Twilio asks that URL what to do once the
// dialled leg ends (DialCallStatus says how), and the verbs after it are
// never reached.
type Dial struct {
	XMLName        xml.Name `xml:"Dial"`
	Action         string   `xml:"action,attr,omitempty"`
	Method         string   `xml:"method,attr,omitempty"`
	Timeout        int      `xml:"timeout,attr,omitempty"`
	AnswerOnBridge bool     `xml:"answerOnBridge,attr,omitempty"`
	Number         Number
}

// Number is the number a Dial rings.
type Number struct {
	XMLName xml.Name `xml:"Number"`
	Number  string   `xml:",chardata"`
}

// Record takes a voicemail; Twilio posts the recording to Action.
type Record struct {
	XMLName   xml.Name `xml:"Record"`
	Action    string   `xml:"action,attr,omitempty"`
	Method    string   `xml:"method,attr,omitempty"`
	MaxLength int      `xml:"maxLength,attr,omitempty"`
	Timeout   int      `xml:"timeout,attr,omitempty"`
	PlayBeep  bool     `xml:"playBeep,attr"`
}

// Redirect makes Twilio fetch its next TwiML from URL.
type Redirect struct {
	XMLName xml.Name `xml:"Redirect"`
	Method  string   `xml:"method,attr,omitempty"`
	URL     string   `xml:",chardata"`
}

// node is any TwiML element, kept as it came: the verbs of Vapi's TwiML
// are passed on to Twilio unchanged.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

// maxAgentTwiML bounds the TwiML taken from Vapi: ours must stay well
// inside Twilio's 64 kB, and Vapi's is a few hundred bytes.
const maxAgentTwiML = 16 << 10

// agentVerbs parses the TwiML Vapi answered with and returns its verbs.
func agentVerbs(twiml string) ([]any, error) {
	if len(twiml) > maxAgentTwiML {
		return nil, errors.New("TwiML too large")
	}
	var root node
	if err := xml.Unmarshal([]byte(twiml), &root); err != nil {
		return nil, err
	}
	if root.XMLName.Local != "Response" || len(root.Children) == 0 {
		return nil, errors.New("not a TwiML <Response> with verbs")
	}
	verbs := make([]any, len(root.Children))
	for i, c := range root.Children {
		verbs[i] = c.trimmed()
	}
	return verbs, nil
}

// trimmed drops the whitespace between child elements.
func (n node) trimmed() node {
	if len(n.Children) > 0 {
		n.Text = strings.TrimSpace(n.Text)
		for i, c := range n.Children {
			n.Children[i] = c.trimmed()
		}
	}
	return n
}

// MarshalTwiML is the document as Twilio reads it, with the XML header.
func (r *Response) MarshalTwiML() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fallbackTwiML is what the caller gets if a response cannot be encoded.
var fallbackTwiML = []byte(xml.Header + "<Response><Say>Sorry, we cannot take your call right now. Please call back later.</Say><Hangup></Hangup></Response>")

// Write answers Twilio with r as text/xml.
func (r *Response) Write(w http.ResponseWriter) {
	body, err := r.MarshalTwiML()
	if err != nil {
		body = fallbackTwiML
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write(body)
}
