package frontdesk

// Code generation, in order: ent (with entgql, which writes
// schema/ent.graphql), then gqlgen over schema/*.graphql. `make generate`.
//go:generate go run ./ent/entc.go
//go:generate go tool gqlgen generate
