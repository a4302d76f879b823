package emulator

import (
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"time"
)

const maxBody = 16 << 20

func (c *reqCtx) body() ([]kv, *apiError) {
	b, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, maxBody))
	if err != nil {
		return nil, plainErr(413, "REQUEST_TOO_LARGE", "request body too large")
	}
	return parseBody(b)
}

type saveResult struct {
	ID      string   `json:"id"`
	Success bool     `json:"success"`
	Errors  []string `json:"errors"`
	Created *bool    `json:"created,omitempty"`
}

// findByID resolves the id path segment. It answers the error itself and returns nil
// when the record cannot be used.
func (c *reqCtx) findByID(ob *objectDef, seg string) *record {
	id, ok := normID(seg)
	if !ok {
		c.fail(errExtIDField(seg))
		return nil
	}
	if id[:3] != ob.KeyPrefix {
		c.fail(errMalformedID(ob.Label+" ID", seg))
		return nil
	}
	rec := c.o.db.lookup(id)
	if rec == nil || (!rec.deleted && c.r.Method == http.MethodGet && !canRead(c.u, rec)) {
		c.fail(errNotFound())
		return nil
	}
	if rec.deleted {
		c.fail(errDeleted())
		return nil
	}
	return rec
}

func (c *reqCtx) recordByID(ob *objectDef, seg string) {
	var body []kv
	if c.r.Method == http.MethodPatch {
		var err *apiError
		if body, err = c.body(); err != nil {
			c.fail(err)
			return
		}
	}
	if c.r.Method != http.MethodGet && c.r.Method != http.MethodHead {
		c.o.mu.Lock()
		defer c.o.mu.Unlock()
	} else {
		c.o.mu.RLock()
		defer c.o.mu.RUnlock()
	}
	rec := c.findByID(ob, seg)
	if rec == nil {
		return
	}
	switch c.r.Method {
	case http.MethodPatch:
		if err := c.update(rec, body, ""); err != nil {
			c.fail(err)
			return
		}
		c.w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		if !canDelete(c.u, rec) {
			c.fail(errInsufficientAccess())
			return
		}
		c.o.deleteRecord(c.u, rec)
		c.w.WriteHeader(http.StatusNoContent)
	default:
		c.getRecord(rec)
	}
}

func (c *reqCtx) getRecord(rec *record) {
	fields := rec.obj.Fields
	idLast := false
	if fl := c.r.URL.Query().Get("fields"); fl != "" {
		fields = nil
		for _, name := range strings.Split(fl, ",") {
			name = strings.TrimSpace(name)
			f := rec.obj.field(name)
			if f == nil || !visibleField(c.u, f) {
				c.fail(plainErr(400, "INVALID_FIELD", noSuchColumn(name, rec.obj.Name)))
				return
			}
			fields = append(fields, f)
		}
		idLast = true
	}
	b := appendRecord(make([]byte, 0, 1024), c.u, rec, fields, c.base, idLast)
	c.w.Header().Set("Content-Type", contentTypeJSON)
	if t, ok := get(rec.obj, rec.vals, "LastModifiedDate").(time.Time); ok {
		c.w.Header().Set("Last-Modified", t.UTC().Format(http.TimeFormat))
	}
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(b)
	}
}

// update applies body to rec (caller holds the write lock).
func (c *reqCtx) update(rec *record, body []kv, skip string) *apiError {
	if !canEdit(c.u, rec) {
		return errInsufficientAccess()
	}
	vals := append([]any(nil), rec.vals...)
	if err := c.o.applyInput(c.u, rec, vals, body, false, skip); err != nil {
		return err
	}
	beforeUpdate(rec.obj, vals, body)
	if err := c.o.finishWrite(c.u, rec, vals, false); err != nil {
		return err
	}
	copy(rec.vals, vals)
	return nil
}

// insert creates a record of ob from body (caller holds the write lock). extra values
// (upsert's external id) are set after the body.
func (c *reqCtx) insert(ob *objectDef, body []kv, skip string, extra *fieldDef, extraVal any) (*record, *apiError) {
	if !ob.Createable || !c.u.Profile.perms(ob.Name).Create {
		return nil, errInsufficientAccess()
	}
	rec := c.o.db.newRecord(ob)
	vals := rec.vals
	if err := c.o.applyInput(c.u, rec, vals, body, true, skip); err != nil {
		return nil, err
	}
	if extra != nil {
		vals[extra.idx] = extraVal
	}
	if err := c.o.finishWrite(c.u, rec, vals, true); err != nil {
		return nil, err
	}
	c.o.db.insert(rec)
	return rec, nil
}

func (c *reqCtx) create(ob *objectDef) {
	body, err := c.body()
	if err != nil {
		c.fail(err)
		return
	}
	c.o.mu.Lock()
	rec, err := c.insert(ob, body, "", nil, nil)
	c.o.mu.Unlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Header().Set("Location", c.base+"/sobjects/"+ob.Name+"/"+rec.ID)
	writeJSON(c.w, http.StatusCreated, saveResult{ID: rec.ID, Success: true, Errors: []string{}})
}

// byExternalID serves GET/PATCH(upsert)/DELETE on /sobjects/{Obj}/{fieldDef}/{value}.
func (c *reqCtx) byExternalID(ob *objectDef, fieldName, value string) {
	f := ob.field(fieldName)
	if f == nil || !visibleField(c.u, f) || (!f.ExternalID && f.Type != tID) {
		c.fail(errExtIDField(fieldName))
		return
	}
	if f.Type == tID {
		c.recordByID(ob, value)
		return
	}
	var body []kv
	if c.r.Method == http.MethodPatch {
		var err *apiError
		if body, err = c.body(); err != nil {
			c.fail(err)
			return
		}
	}
	c.o.mu.Lock()
	defer c.o.mu.Unlock()
	var matches []*record
	for _, r := range c.o.db.rows[ob] {
		if !r.deleted && canRead(c.u, r) && strings.EqualFold(str(r.vals[f.idx]), value) {
			matches = append(matches, r)
		}
	}
	if len(matches) > 1 {
		urls := make([]string, len(matches))
		for i, m := range matches {
			urls[i] = c.base + "/sobjects/" + ob.Name + "/" + m.ID
		}
		writeJSON(c.w, http.StatusMultipleChoices, urls)
		return
	}
	switch c.r.Method {
	case http.MethodGet, http.MethodHead:
		if len(matches) == 0 {
			c.fail(errNotFound())
			return
		}
		c.getRecord(matches[0])
	case http.MethodDelete:
		if len(matches) == 0 {
			c.fail(errNotFound())
		} else if !canDelete(c.u, matches[0]) {
			c.fail(errInsufficientAccess())
		} else {
			c.o.deleteRecord(c.u, matches[0])
			c.w.WriteHeader(http.StatusNoContent)
		}
	default:
		c.upsert(ob, f, value, matches, body)
	}
}

func (c *reqCtx) upsert(ob *objectDef, f *fieldDef, value string, matches []*record, body []kv) {
	for _, p := range body {
		if strings.EqualFold(p.key, f.Name) && !strings.EqualFold(str(p.val), value) {
			c.fail(plainErr(400, "INVALID_FIELD", "The "+f.Name+" field should not be specified in the sobject data."))
			return
		}
	}
	if len(matches) == 1 {
		if err := c.update(matches[0], body, f.Name); err != nil {
			c.fail(err)
			return
		}
		if c.version < 46 {
			c.w.WriteHeader(http.StatusNoContent)
			return
		}
		created := false
		writeJSON(c.w, http.StatusOK, saveResult{ID: matches[0].ID, Success: true, Errors: []string{}, Created: &created})
		return
	}
	if strings.EqualFold(c.r.URL.Query().Get("updateOnly"), "true") {
		c.fail(errNotFound())
		return
	}
	v, aerr := convertInput(f, value)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	rec, aerr := c.insert(ob, body, f.Name, f, v)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	created := true
	writeJSON(c.w, http.StatusCreated, saveResult{ID: rec.ID, Success: true, Errors: []string{}, Created: &created})
}

// blob serves the bytes of a base64 field (e.g. ContentNote Content).
func (c *reqCtx) blob(ob *objectDef, seg string, f *fieldDef) {
	c.o.mu.RLock()
	defer c.o.mu.RUnlock()
	rec := c.findByID(ob, seg)
	if rec == nil {
		return
	}
	raw, _ := base64.StdEncoding.DecodeString(str(rec.vals[f.idx]))
	c.w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(raw)
}
