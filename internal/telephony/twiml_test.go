package telephony

import (
	"strings"
	"testing"
)

func TestTwiMLEscapesValues(t *testing.T) {
	r := &Response{Verbs: []any{
		Say{Text: `Tom & Jerry's <Dental> "Care"`},
		Dial{Action: "https://x.example/a?after=front-desk&x=<y>", Method: "POST", Timeout: 20, AnswerOnBridge: true, Number: Number{Number: "+15555550199"}},
		Hangup{},
	}}
	body, err := r.MarshalTwiML()
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Response><Say>Tom &amp; Jerry&#39;s &lt;Dental&gt; &#34;Care&#34;</Say>` +
		`<Dial action="https://x.example/a?after=front-desk&amp;x=&lt;y&gt;" method="POST" timeout="20" answerOnBridge="true"><Number>+15555550199</Number></Dial>` +
		`<Hangup></Hangup></Response>`
	if string(body) != want {
		t.Errorf("TwiML =\n%s\nwant\n%s", body, want)
	}
}

func TestAgentVerbsKeepVapisTwiML(t *testing.T) {
	verbs, err := agentVerbs(`<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Connect>
    <Stream url="wss://vapi.example/c1/transport?a=1&amp;b=2"><Parameter name="k" value="v &lt; w"/></Stream>
  </Connect>
</Response>`)
	if err != nil {
		t.Fatal(err)
	}
	body, err := (&Response{Verbs: verbs}).MarshalTwiML()
	if err != nil {
		t.Fatal(err)
	}
	want := `<Response><Connect><Stream url="wss://vapi.example/c1/transport?a=1&amp;b=2"><Parameter name="k" value="v &lt; w"></Parameter></Stream></Connect></Response>`
	if !strings.HasSuffix(string(body), want) {
		t.Errorf("TwiML = %s\nwant suffix %s", body, want)
	}
	for _, bad := range []string{"", "not xml", "<Hangup/>", "<Response></Response>", "<Response>" + strings.Repeat("<Say>x</Say>", maxAgentTwiML/12+1) + "</Response>"} {
		if _, err := agentVerbs(bad); err == nil {
			t.Errorf("agentVerbs(%.40q) accepted", bad)
		}
	}
}
