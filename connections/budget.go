package connections

import (
	"fmt"
	"sync"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce"
)

// budget is the latest API usage Salesforce reported for one org (Sforce-Limit-Info).
type budget struct {
	mu    sync.Mutex
	usage salesforce.Usage
	known bool
}

func (b *budget) observe(u salesforce.Usage) {
	b.mu.Lock()
	if !b.known || !u.At.Before(b.usage.At) {
		b.usage, b.known = u, true
	}
	b.mu.Unlock()
}

func (b *budget) get() (salesforce.Usage, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.usage, b.known
}

// BudgetError refuses a call because the org's daily API requests are down to the reserve
// sfmcp leaves for the org's other integrations.
type BudgetError struct {
	Connection string
	Used, Max  int // API requests used in the last 24 hours, and the daily maximum
	Reserve    int // requests sfmcp leaves unused (api_reserve)
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("connection %s: the Salesforce org has used %d of its %d API requests in the last 24 hours; "+
		"sfmcp keeps %d in reserve for the org's other integrations, so it makes no more calls now. "+
		"Ask a Salesforce admin to raise the limit (or api_reserve), or wait for the usage to drop",
		e.Connection, e.Used, e.Max, e.Reserve)
}

// Usage returns the org's latest API usage seen on any of this connection's calls.
func (c *Connection) Usage() (salesforce.Usage, bool) { return c.budget.get() }

// Reserve returns how many of the org's daily API requests sfmcp leaves unused.
func (c *Connection) Reserve(dailyMax int) int {
	return config.Connection{APIReserve: c.reserve}.Reserve(dailyMax)
}

// CheckBudget returns a *BudgetError when the org's remaining API requests (from the latest
// usage seen) are at or below the reserve; nil when they are not, or no usage is known yet.
func (c *Connection) CheckBudget() error {
	u, ok := c.budget.get()
	if !ok || u.Max <= 0 {
		return nil
	}
	reserve := c.Reserve(u.Max)
	if u.Remaining() <= reserve {
		return &BudgetError{Connection: c.Name, Used: u.Used, Max: u.Max, Reserve: reserve}
	}
	return nil
}
