package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sfmcp/sfmcp/salesforce/soql"
)

const (
	defaultBatch = 2000
	minBatch     = 200
	maxLocators  = 100
	locatorIdle  = 15 * time.Minute
)

// locator is an open query cursor (nextRecordsUrl = /query/<id>-<offset>).
type locator struct {
	id      string
	p       *plan
	rows    []*record
	user    *User
	batch   int
	expires time.Time
}

// batchSize reads Sforce-Query-Options: batchSize=N (default 2000, clamped to 200..2000).
func batchSize(r *http.Request) int {
	for _, part := range strings.Split(r.Header.Get("Sforce-Query-Options"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "batchSize") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return min(max(n, minBatch), defaultBatch)
			}
		}
	}
	return defaultBatch
}

func (o *Org) newEnv(u *User, stmt string, all bool) *env {
	return &env{o: o, u: u, stmt: stmt, all: all, now: o.now().UTC()}
}

// runQuery parses, compiles and executes a statement (caller holds the read lock).
func (o *Org) runQuery(u *User, q string, all bool) (*plan, []*record, *apiError) {
	if strings.TrimSpace(q) == "" {
		return nil, nil, errMalformedQuery("SOQL statements cannot be empty or null")
	}
	ast, err := soql.Parse(q)
	if err != nil {
		return nil, nil, errMalformedQuery(err.Error())
	}
	e := o.newEnv(u, q, all)
	p, aerr := e.compile(ast)
	if aerr != nil {
		return nil, nil, aerr
	}
	return p, p.rows(), nil
}

func (c *reqCtx) query(all bool) {
	c.o.mu.RLock()
	defer c.o.mu.RUnlock()
	p, rows, err := c.o.runQuery(c.u, c.r.URL.Query().Get("q"), all)
	if err != nil {
		c.fail(err)
		return
	}
	if p.countOnly {
		b := append([]byte(`{"totalSize":`), strconv.Itoa(len(rows))...)
		c.writeBody(append(b, `,"done":true,"records":[]}`...))
		return
	}
	loc := &locator{p: p, rows: rows, user: c.u, batch: batchSize(c.r)}
	if len(rows) > loc.batch {
		c.o.db.addLocator(loc, c.o.now())
	}
	c.writePage(loc, 0)
}

func (c *reqCtx) writeBody(b []byte) {
	c.w.Header().Set("Content-Type", contentTypeJSON)
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(b)
	}
}

// writePage renders rows[off:off+batch] with totalSize, done and nextRecordsUrl.
func (c *reqCtx) writePage(loc *locator, off int) {
	end := min(off+loc.batch, len(loc.rows))
	b := make([]byte, 0, 256*(end-off)+64)
	b = append(b, `{"totalSize":`...)
	b = strconv.AppendInt(b, int64(len(loc.rows)), 10)
	if end < len(loc.rows) {
		b = append(b, `,"done":false,"nextRecordsUrl":`...)
		b = appendJSONString(b, c.base+"/query/"+loc.id+"-"+strconv.Itoa(end))
	} else {
		b = append(b, `,"done":true`...)
	}
	b = append(b, `,"records":[`...)
	for i := off; i < end; i++ {
		if i > off {
			b = append(b, ',')
		}
		b = loc.p.appendRow(b, loc.rows[i], c.base)
	}
	c.writeBody(append(b, "]}"...))
}

func (s *store) addLocator(loc *locator, now time.Time) {
	s.locMu.Lock()
	defer s.locMu.Unlock()
	s.locSeq++
	loc.id = makeID("01g", s.locSeq)
	loc.expires = now.Add(locatorIdle)
	for id, l := range s.locators {
		if now.After(l.expires) {
			delete(s.locators, id)
		}
	}
	if len(s.locators) >= maxLocators {
		var oldest *locator
		for _, l := range s.locators {
			if oldest == nil || l.expires.Before(oldest.expires) {
				oldest = l
			}
		}
		delete(s.locators, oldest.id)
	}
	s.locators[loc.id] = loc
}

func errLocator() *apiError {
	return &apiError{Status: 400, Code: "INVALID_QUERY_LOCATOR", Message: "invalid query locator"}
}

// queryMore serves /query/<locator>-<offset>.
func (c *reqCtx) queryMore(seg string) {
	i := strings.LastIndexByte(seg, '-')
	if i < 0 {
		c.fail(errLocator())
		return
	}
	off, err := strconv.Atoi(seg[i+1:])
	now := c.o.now()
	s := c.o.db
	s.locMu.Lock()
	loc := s.locators[seg[:i]]
	if loc != nil && now.After(loc.expires) {
		delete(s.locators, loc.id)
		loc = nil
	}
	if loc != nil {
		loc.expires = now.Add(locatorIdle)
	}
	s.locMu.Unlock()
	if loc == nil || err != nil || loc.user != c.u || off < 0 || off >= len(loc.rows) {
		c.fail(errLocator())
		return
	}
	c.o.mu.RLock()
	defer c.o.mu.RUnlock()
	c.writePage(loc, off)
}
