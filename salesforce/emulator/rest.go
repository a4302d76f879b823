package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// minVersion..maxVersion are the API versions served; search answers a bare array
// below v37.0 and upsert-update answers 204 below v46.0.
const (
	minVersion = 31
	maxVersion = 66
)

// versionLabel names a release: v62.0 is Winter '25, v63.0 Spring '25, v64.0 Summer '25.
func versionLabel(v int) string {
	d := v - 62
	year := 25 + floorDiv(d, 3)
	season := []string{"Winter", "Spring", "Summer"}[d-3*floorDiv(d, 3)]
	return fmt.Sprintf("%s '%02d", season, year)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// reqCtx is one authenticated REST call.
type reqCtx struct {
	o       *Org
	w       http.ResponseWriter
	r       *http.Request
	u       *User
	version int    // e.g. 62
	ver     string // "v62.0"
	base    string // "/services/data/v62.0"
}

func (c *reqCtx) fail(e *apiError) { writeErrors(c.w, 0, nil, e) }

// serveREST serves /services/data/...
func (o *Org) serveREST(w http.ResponseWriter, r *http.Request) {
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/services/data"), "/")
	if rest == "" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeErrors(w, 0, nil, errMethod(r.Method, "HEAD", "GET"))
			return
		}
		o.serveVersions(w)
		return
	}
	u, err := o.authenticate(r)
	if err != nil {
		w.Header().Set("Sforce-Limit-Info", o.limitInfo())
		writeErr(w, err)
		return
	}
	o.stats.setUser(r, u.ID)
	used, ok := o.chargeAPI()
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", used, o.opts.APIDailyLimit))
	if !ok {
		writeErrors(w, 0, nil, errLimitExceeded())
		return
	}
	o.incr("rest." + r.Method)
	if r.Method == http.MethodPost && r.URL.Query().Get("_HttpMethod") == http.MethodPatch {
		r.Method = http.MethodPatch
	}
	seg := strings.Split(rest, "/")
	c := &reqCtx{o: o, w: w, r: r, u: u}
	if !strings.HasPrefix(seg[0], "v") || !strings.HasSuffix(seg[0], ".0") {
		c.fail(errNotFound())
		return
	}
	v, verr := strconv.Atoi(strings.TrimSuffix(seg[0][1:], ".0"))
	if verr != nil || v < minVersion || v > maxVersion {
		c.fail(errNotFound())
		return
	}
	c.version, c.ver, c.base = v, seg[0], "/services/data/"+seg[0]
	c.route(seg[1:])
}

func (o *Org) limitInfo() string {
	used, lim := o.apiUsage()
	return fmt.Sprintf("api-usage=%d/%d", used, lim)
}

// methods returns false (after answering 405) unless the request method is allowed.
// HEAD is allowed wherever GET is.
func (c *reqCtx) methods(allowed ...string) bool {
	m := c.r.Method
	for _, a := range allowed {
		if m == a || (m == http.MethodHead && a == http.MethodGet) {
			return true
		}
	}
	list := allowed
	for _, a := range allowed {
		if a == http.MethodGet {
			list = append([]string{"HEAD"}, allowed...)
		}
	}
	c.fail(errMethod(m, list...))
	return false
}

func (c *reqCtx) route(seg []string) {
	if len(seg) == 0 || seg[0] == "" {
		if c.methods(http.MethodGet) {
			c.resources()
		}
		return
	}
	switch seg[0] {
	case "sobjects":
		c.routeSObjects(seg[1:])
	case "query", "queryAll":
		if !c.methods(http.MethodGet) {
			return
		}
		if len(seg) > 1 && seg[1] != "" {
			c.queryMore(seg[1])
			return
		}
		c.query(seg[0] == "queryAll")
	case "search":
		if c.methods(http.MethodGet) && len(seg) <= 2 {
			c.search()
		}
	case "limits":
		if c.methods(http.MethodGet) {
			c.limits()
		}
	default:
		c.fail(errNotFound())
	}
}

func (c *reqCtx) routeSObjects(seg []string) {
	if len(seg) > 0 && seg[len(seg)-1] == "" {
		seg = seg[:len(seg)-1]
	}
	if len(seg) == 0 {
		if c.methods(http.MethodGet) {
			c.describeGlobal()
		}
		return
	}
	c.o.mu.RLock()
	ob := c.o.db.object(seg[0])
	c.o.mu.RUnlock()
	if ob == nil || !c.u.Profile.perms(ob.Name).Read || strings.EqualFold(seg[0], "ContentDocument") {
		c.fail(plainErr(404, "NOT_FOUND", "The requested resource does not exist"))
		return
	}
	switch len(seg) {
	case 1:
		if c.methods(http.MethodGet, http.MethodPost) {
			if c.r.Method == http.MethodPost {
				c.create(ob)
			} else {
				c.objectInfo(ob)
			}
		}
	case 2:
		if seg[1] == "describe" {
			if c.methods(http.MethodGet) {
				c.describe(ob)
			}
			return
		}
		if c.methods(http.MethodGet, http.MethodPatch, http.MethodDelete) {
			c.recordByID(ob, seg[1])
		}
	case 3:
		if f := ob.field(seg[2]); f != nil && f.Type == tBase64 {
			if c.methods(http.MethodGet) {
				c.blob(ob, seg[1], f)
			}
			return
		}
		if c.methods(http.MethodGet, http.MethodPatch, http.MethodDelete) {
			c.byExternalID(ob, seg[1], seg[2])
		}
	default:
		c.fail(errNotFound())
	}
}

func (o *Org) serveVersions(w http.ResponseWriter) {
	type version struct {
		Label   string `json:"label"`
		URL     string `json:"url"`
		Version string `json:"version"`
	}
	var out []version
	for v := minVersion; v <= maxVersion; v++ {
		out = append(out, version{versionLabel(v), fmt.Sprintf("/services/data/v%d.0", v), fmt.Sprintf("%d.0", v)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (c *reqCtx) resources() {
	b := c.base
	writeJSON(c.w, http.StatusOK, map[string]string{
		"sobjects": b + "/sobjects", "query": b + "/query", "queryAll": b + "/queryAll",
		"search": b + "/search", "limits": b + "/limits", "recent": b + "/recent",
		"parameterizedSearch": b + "/parameterizedSearch", "composite": b + "/composite",
		"tooling": b + "/tooling", "chatter": b + "/chatter", "connect": b + "/connect",
	})
}

func (c *reqCtx) limits() {
	used, lim := c.o.apiUsage()
	type limit struct {
		Max       int `json:"Max"`
		Remaining int `json:"Remaining"`
	}
	writeJSON(c.w, http.StatusOK, map[string]limit{
		"DailyApiRequests":              {lim, lim - used},
		"DailyAsyncApexExecutions":      {250000, 250000},
		"DailyBulkApiBatches":           {15000, 15000},
		"DailyBulkV2QueryJobs":          {10000, 10000},
		"DataStorageMB":                 {5, 5},
		"FileStorageMB":                 {20, 20},
		"SingleEmail":                   {15, 15},
		"HourlyPublishedPlatformEvents": {50000, 50000},
	})
}
