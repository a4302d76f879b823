package emulator

// store holds the org's schema and records.
type store struct{}

func newStore(o *Org) *store { return &store{} }

func (o *Org) seed() {}
