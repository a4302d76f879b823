package server

import "context"

type principalKey struct{}

// WithPrincipal returns a context carrying the principal: the person on whose
// behalf a request runs (the local user over stdio, the authenticated user
// over HTTP).
func WithPrincipal(ctx context.Context, principal string) context.Context {
	return context.WithValue(ctx, principalKey{}, principal)
}

// PrincipalFromContext returns the principal of a request, "" if none.
func PrincipalFromContext(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(string)
	return p
}
