package emulator

import (
	"encoding/base64"
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"
)

// applyInput validates body keys for a create (rec is new) or update and writes the
// converted values into vals. skip names a key to ignore (upsert's external id field).
func (o *Org) applyInput(u *User, rec *record, vals []any, body []kv, create bool, skip string) *apiError {
	ob := rec.obj
	for _, p := range body {
		if p.key == "attributes" || (skip != "" && strings.EqualFold(p.key, skip)) {
			continue
		}
		f := ob.field(p.key)
		if f == nil || !visibleField(u, f) {
			return errInvalidFieldDML(p.key, ob.Name)
		}
		if f.Type == tID {
			if create {
				return plainErr(400, "INVALID_FIELD", "The Id field should not be specified in the sobject data.")
			}
			if s, _ := p.val.(string); s != "" {
				if id, ok := normID(s); ok && id == rec.ID {
					continue
				}
			}
			return plainErr(400, "INVALID_FIELD", "The Id field should not be specified in the sobject data.")
		}
		if (create && !f.Createable) || (!create && !f.Updateable) {
			return errNotWritable(f.Name)
		}
		v, err := convertInput(f, p.val)
		if err != nil {
			return err
		}
		if f.Type == tRef && v != nil {
			id, aerr := o.checkRef(u, f, v.(string))
			if aerr != nil {
				return aerr
			}
			v = id
		}
		if v == nil && !f.Nillable && !create {
			return errRequired(f.Name)
		}
		vals[f.idx] = v
	}
	return nil
}

// checkRef validates a lookup value: a well-formed id of an allowed type pointing at a
// live record the user can see (OwnerId: an active user).
func (o *Org) checkRef(u *User, f *fieldDef, v string) (string, *apiError) {
	id, ok := normID(v)
	target := o.db.objectOfID(id)
	allowed := false
	for _, t := range f.ReferenceTo {
		if ok && target != nil && (target == o.db.object(t)) {
			allowed = true
		}
	}
	if !allowed {
		return "", errMalformedID(f.Label, v)
	}
	rec := o.db.lookup(id)
	if rec == nil || rec.deleted || !canRead(u, rec) {
		return "", newErr(400, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "insufficient access rights on cross-reference id: "+id15(id))
	}
	if f.Name == "OwnerId" {
		if ou := o.userByID(id); ou == nil || !ou.Active {
			return "", newErr(400, "INACTIVE_OWNER_OR_USER", "owner or user is inactive.")
		}
	}
	return id, nil
}

// finishWrite fills defaults (create), checks required fields, derives calculated
// fields, runs validation rules and uniqueness. vals is the candidate state.
func (o *Org) finishWrite(u *User, rec *record, vals []any, create bool) *apiError {
	ob := rec.obj
	now := o.now().UTC().Truncate(time.Millisecond)
	if create {
		for _, f := range ob.Fields {
			if vals[f.idx] == nil && f.DefaultedOnCreate && f.Default != nil {
				vals[f.idx] = f.Default
			}
		}
		set(ob, vals, "IsDeleted", false)
		set(ob, vals, "CreatedDate", now)
		set(ob, vals, "CreatedById", u.ID)
		if ob.owner != nil && vals[ob.owner.idx] == nil {
			vals[ob.owner.idx] = u.ID
		}
		var missing []string
		for _, f := range ob.Fields {
			if f.required() && vals[f.idx] == nil {
				missing = append(missing, f.Name)
			}
		}
		if len(missing) > 0 {
			return errRequired(missing...)
		}
	}
	set(ob, vals, "LastModifiedDate", now)
	set(ob, vals, "LastModifiedById", u.ID)
	set(ob, vals, "SystemModstamp", now)
	if err := o.derive(rec, vals, create, now); err != nil {
		return err
	}
	if err := validate(ob, vals); err != nil {
		return err
	}
	for _, f := range ob.Fields {
		if !f.Unique || vals[f.idx] == nil {
			continue
		}
		for _, other := range o.db.rows[ob] {
			if other != rec && !other.deleted && strings.EqualFold(str(other.vals[f.idx]), str(vals[f.idx])) {
				return newErr(400, "DUPLICATE_VALUE", fmt.Sprintf("duplicate value found: %s duplicates value on record with id: %s", f.Name, id15(other.ID)))
			}
		}
	}
	return nil
}

func set(ob *objectDef, vals []any, name string, v any) {
	if f := ob.field(name); f != nil {
		vals[f.idx] = v
	}
}

func get(ob *objectDef, vals []any, name string) any {
	if f := ob.field(name); f != nil {
		return vals[f.idx]
	}
	return nil
}

func str(v any) string { s, _ := v.(string); return s }

var tagRE = regexp.MustCompile(`<[^>]*>`)

// derive computes read-only fields from the others.
func (o *Org) derive(rec *record, vals []any, create bool, now time.Time) *apiError {
	ob := rec.obj
	g := func(n string) any { return get(ob, vals, n) }
	switch ob.Name {
	case "Contact", "Lead", "User":
		name := strings.TrimSpace(str(g("FirstName")) + " " + str(g("LastName")))
		set(ob, vals, "Name", nilIfEmpty(name))
	case "Opportunity":
		stage := str(g("StageName"))
		set(ob, vals, "IsClosed", strings.HasPrefix(stage, "Closed"))
		set(ob, vals, "IsWon", stage == "Closed Won")
		if create && g("Probability") == nil {
			set(ob, vals, "Probability", stageProbability(stage))
		}
	case "Case":
		closed := str(g("Status")) == "Closed"
		if closed && g("ClosedDate") == nil {
			set(ob, vals, "ClosedDate", now)
		} else if !closed {
			set(ob, vals, "ClosedDate", nil)
		}
		set(ob, vals, "IsClosed", closed)
		if create {
			set(ob, vals, "CaseNumber", fmt.Sprintf("%08d", 1000+len(o.db.rows[ob])))
		}
	case "Task", "Event":
		set(ob, vals, "AccountId", o.activityAccount(vals, ob))
		if ob.Name == "Task" {
			closed := str(g("Status")) == "Completed"
			if closed && g("CompletedDateTime") == nil {
				set(ob, vals, "CompletedDateTime", now)
			} else if !closed {
				set(ob, vals, "CompletedDateTime", nil)
			}
			set(ob, vals, "IsClosed", closed)
		} else if err := deriveEvent(ob, vals); err != nil {
			return err
		}
	case "ContentNote":
		raw, _ := base64.StdEncoding.DecodeString(str(g("Content")))
		text := strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(string(raw), " "))), " ")
		set(ob, vals, "TextPreview", nilIfEmpty(truncate(text, 252)))
		set(ob, vals, "FileType", "SNOTE")
		set(ob, vals, "FileExtension", "snote")
		set(ob, vals, "ContentSize", float64(len(raw)))
	}
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func stageProbability(stage string) any {
	p := map[string]float64{"Prospecting": 10, "Qualification": 10, "Needs Analysis": 20,
		"Value Proposition": 50, "Id. Decision Makers": 60, "Perception Analysis": 70,
		"Proposal/Price Quote": 75, "Negotiation/Review": 90, "Closed Won": 100, "Closed Lost": 0}
	if v, ok := p[stage]; ok {
		return v
	}
	return nil
}

// activityAccount derives Task/Event.AccountId from WhatId, else WhoId.
func (o *Org) activityAccount(vals []any, ob *objectDef) any {
	for _, n := range []string{"WhatId", "WhoId"} {
		parent := o.db.lookup(str(get(ob, vals, n)))
		if parent == nil {
			continue
		}
		if parent.obj.Name == "Account" {
			return parent.ID
		}
		for _, fn := range []string{"AccountId", "Account__c"} {
			if f := parent.obj.field(fn); f != nil && parent.vals[f.idx] != nil {
				return parent.vals[f.idx]
			}
		}
	}
	return nil
}

// deriveEvent keeps StartDateTime/EndDateTime, ActivityDateTime/DurationInMinutes and
// ActivityDate consistent.
func deriveEvent(ob *objectDef, vals []any) *apiError {
	start, _ := get(ob, vals, "StartDateTime").(time.Time)
	if start.IsZero() {
		start, _ = get(ob, vals, "ActivityDateTime").(time.Time)
	}
	if start.IsZero() {
		if d, ok := get(ob, vals, "ActivityDate").(time.Time); ok && get(ob, vals, "IsAllDayEvent") == true {
			start = d
			if get(ob, vals, "DurationInMinutes") == nil && get(ob, vals, "EndDateTime") == nil {
				set(ob, vals, "DurationInMinutes", 1440.0)
			}
		} else {
			return errRequired("StartDateTime")
		}
	}
	end, _ := get(ob, vals, "EndDateTime").(time.Time)
	dur, hasDur := get(ob, vals, "DurationInMinutes").(float64)
	switch {
	case !end.IsZero():
		if end.Before(start) {
			return newErr(400, "FIELD_INTEGRITY_EXCEPTION", "End Date Time: End date/time cannot be before start date/time.", "EndDateTime")
		}
		dur = end.Sub(start).Minutes()
	case hasDur:
		end = start.Add(time.Duration(dur) * time.Minute)
	default:
		return errRequired("EndDateTime")
	}
	set(ob, vals, "StartDateTime", start)
	set(ob, vals, "ActivityDateTime", start)
	set(ob, vals, "EndDateTime", end)
	set(ob, vals, "DurationInMinutes", dur)
	set(ob, vals, "ActivityDate", dateOnly(start))
	return nil
}

// beforeUpdate adjusts dependent values an update leaves stale: an Event that gets a new
// start keeps its duration, a new duration moves the end; an Opportunity that changes
// stage without an explicit Probability takes the stage's default.
func beforeUpdate(ob *objectDef, vals []any, body []kv) {
	sent := map[string]bool{}
	for _, p := range body {
		if f := ob.field(p.key); f != nil {
			sent[f.Name] = true
		}
	}
	switch ob.Name {
	case "Event":
		if sent["ActivityDateTime"] && !sent["StartDateTime"] {
			set(ob, vals, "StartDateTime", nil)
		}
		if (sent["StartDateTime"] || sent["ActivityDateTime"] || sent["DurationInMinutes"]) && !sent["EndDateTime"] {
			set(ob, vals, "EndDateTime", nil)
		}
	case "Opportunity":
		if sent["StageName"] && !sent["Probability"] {
			set(ob, vals, "Probability", stageProbability(str(get(ob, vals, "StageName"))))
		}
	}
}

// validate runs the org's validation rules.
func validate(ob *objectDef, vals []any) *apiError {
	switch ob.Name {
	case "Opportunity":
		if a, ok := get(ob, vals, "Amount").(float64); ok && a < 0 {
			return newErr(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Amount must not be negative.", "Amount")
		}
	case "Project__c":
		s, ok1 := get(ob, vals, "Start_Date__c").(time.Time)
		d, ok2 := get(ob, vals, "Due_Date__c").(time.Time)
		if ok1 && ok2 && d.Before(s) {
			return newErr(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Due Date must be on or after the Start Date.", "Due_Date__c")
		}
	}
	return nil
}

// deleteRecord moves rec (and cascading children) to the recycle bin.
func (o *Org) deleteRecord(u *User, rec *record) {
	now := o.now().UTC().Truncate(time.Millisecond)
	rec.deleted = true
	set(rec.obj, rec.vals, "IsDeleted", true)
	set(rec.obj, rec.vals, "LastModifiedDate", now)
	set(rec.obj, rec.vals, "LastModifiedById", u.ID)
	set(rec.obj, rec.vals, "SystemModstamp", now)
	for _, cr := range rec.obj.Children {
		if !cr.Cascade {
			continue
		}
		for _, c := range o.db.rows[cr.Child] {
			if !c.deleted && c.vals[cr.Field.idx] == rec.ID {
				o.deleteRecord(u, c)
			}
		}
	}
}
