package tenant_test

import (
	"context"
	"testing"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

func TestActingPractice(t *testing.T) {
	member := func(ids ...string) *tenant.Viewer {
		v := &tenant.Viewer{Subject: "u"}
		for _, id := range ids {
			v.Memberships = append(v.Memberships, tenant.Membership{PracticeID: id, Role: tenant.Staff})
		}
		return v
	}
	chosen := member("p1", "p2")
	chosen.PracticeID = "p2"
	tests := []struct {
		name string
		ctx  context.Context
		want string
		code apperr.Code
	}{
		{"not signed in", context.Background(), "", apperr.Unauthenticated},
		{"member of none", tenant.NewContext(context.Background(), member()), "", apperr.Forbidden},
		{"several, none chosen", tenant.NewContext(context.Background(), member("p1", "p2")), "", apperr.Invalid},
		{"admin, none chosen", tenant.NewContext(context.Background(), &tenant.Viewer{Subject: "a", Admin: true}), "", apperr.Invalid},
		{"chosen", tenant.NewContext(context.Background(), chosen), "p2", ""},
		{"webhook or job", tenant.System(context.Background(), "p3"), "p3", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tenant.ActingPractice(tt.ctx)
			if got != tt.want || (err == nil) != (tt.code == "") || (err != nil && apperr.CodeOf(err) != tt.code) {
				t.Fatalf("ActingPractice = %q, %v; want %q, %s", got, err, tt.want, tt.code)
			}
		})
	}
}
