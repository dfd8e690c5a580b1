// Package tenant says who is acting and for which practice, and enforces it
// below every query: ent privacy rules (rules.go) read the Viewer from the
// context, so no resolver, webhook or job has to remember to filter by practice.
package tenant

import (
	"context"
	"slices"
)

// Role is a member's role in a practice.
type Role string

const (
	Owner Role = "OWNER"
	Staff Role = "STAFF"
)

// Membership is one practice a signed-in user belongs to.
type Membership struct {
	PracticeID string
	Role       Role
}

// Viewer is whoever the current operation acts for.
type Viewer struct {
	// Subject and Email identify a signed-in user; empty for the system.
	Subject string
	Email   string
	// EmailVerified: the issuer vouches that Email is the user's, which
	// accepting an invitation needs; EmailProblem says why not otherwise.
	EmailVerified bool
	EmailProblem  string
	// Admin users may act on every practice.
	Admin       bool
	Memberships []Membership
	// PracticeID is the practice this operation acts on: chosen with the
	// X-Practice-ID header, or the only practice of the user, or the practice
	// a webhook or job runs for. Empty when none is chosen.
	PracticeID string
	// System marks frontdesk itself acting for PracticeID (webhooks, jobs):
	// every permission, within that one practice.
	System bool
}

// PracticeIDs returns the ids of the viewer's practices.
func (v *Viewer) PracticeIDs() []string {
	ids := make([]string, 0, len(v.Memberships))
	for _, m := range v.Memberships {
		ids = append(ids, m.PracticeID)
	}
	return ids
}

// Rank orders roles: an owner may do what staff may, and more.
func (r Role) Rank() int {
	switch r {
	case Owner:
		return 2
	case Staff:
		return 1
	}
	return 0
}

// RoleIn returns the viewer's role in a practice, and whether they have one.
// Admins and the system act as owners.
func (v *Viewer) RoleIn(practiceID string) (Role, bool) {
	if v.Admin || (v.System && v.PracticeID == practiceID) {
		return Owner, true
	}
	i := slices.IndexFunc(v.Memberships, func(m Membership) bool { return m.PracticeID == practiceID })
	if i < 0 {
		return "", false
	}
	return v.Memberships[i].Role, true
}

type viewerKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer in ctx, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}

// System returns ctx acting as frontdesk itself for one practice: what a
// webhook does once it has resolved the practice, and what a job does.
func System(ctx context.Context, practiceID string) context.Context {
	return NewContext(ctx, &Viewer{System: true, PracticeID: practiceID})
}

// ActingPractice returns the practice ctx acts on: the one a signed-in user
// chose or has, or the one a webhook or job acts as. It refuses as the
// privacy rules do, one code for each case: not signed in
// (UNAUTHENTICATED), a member of no practice (FORBIDDEN), or a choice not
// made (INVALID). Services that act for "the practice" start here
// (practice.Acting adds its zone).
func ActingPractice(ctx context.Context) (string, error) {
	id, all, err := scope(ctx)
	switch {
	case err != nil:
		return "", err
	case all:
		return "", errChoose
	}
	return id, nil
}
