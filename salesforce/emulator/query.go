package emulator

type locator struct{}

func (c *reqCtx) query(all bool)       { c.fail(errNotFound()) }
func (c *reqCtx) queryMore(loc string) { c.fail(errNotFound()) }
func (c *reqCtx) search()              { c.fail(errNotFound()) }
