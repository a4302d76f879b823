package emulator

import (
	"slices"
	"sort"
	"strconv"
)

// rows executes the plan: scan, filter, aggregate, sort, OFFSET and LIMIT.
func (p *plan) rows() []*record {
	return p.finish(p.match(p.e.o.db.rows[p.obj], true))
}

// match filters candidate rows. When bounded, with ORDER BY it keeps only the best
// OFFSET+LIMIT rows (top-k) and without ORDER BY it stops once enough rows matched.
func (p *plan) match(src []*record, bounded bool) []*record {
	e := p.e
	k := -1
	if bounded && p.agg == nil && !p.countOnly && p.limit >= 0 {
		k = p.offset + p.limit
	}
	topK := k >= 0 && len(p.order) > 0
	var out []*record
	for _, r := range src {
		if !e.visibleRow(r) || (p.mine && r.ownerID() != e.u.ID) ||
			(p.where != nil && !p.where(r)) {
			continue
		}
		switch {
		case topK:
			if len(out) == k && (k == 0 || p.cmp(r, out[k-1]) >= 0) {
				continue
			}
			i := sort.Search(len(out), func(i int) bool { return p.cmp(r, out[i]) < 0 })
			if len(out) < k {
				out = append(out, nil)
			}
			copy(out[i+1:], out[i:len(out)-1])
			out[i] = r
		case k >= 0 && len(p.order) == 0:
			out = append(out, r)
			if len(out) >= k {
				return out
			}
		default:
			out = append(out, r)
		}
	}
	return out
}

// finish aggregates, sorts and applies OFFSET and LIMIT.
func (p *plan) finish(rows []*record) []*record {
	if p.agg != nil {
		rows = p.aggregateRows(rows)
	}
	if len(p.order) > 0 {
		slices.SortStableFunc(rows, p.cmp)
	}
	if p.offset > 0 {
		if p.offset >= len(rows) {
			return nil
		}
		rows = rows[p.offset:]
	}
	if p.limit >= 0 && len(rows) > p.limit {
		rows = rows[:p.limit]
	}
	return rows
}

// cmp orders two rows by the ORDER BY keys. Nulls sort first ascending and last
// descending unless NULLS FIRST/LAST says otherwise.
func (p *plan) cmp(a, b *record) int {
	for _, k := range p.order {
		va, vb := k.get(a), k.get(b)
		switch {
		case va == nil && vb == nil:
			continue
		case va == nil || vb == nil:
			if (va == nil) == k.nullsLast {
				return 1
			}
			return -1
		}
		d := compareValues(va, vb, k.fold)
		if d != 0 {
			if k.desc {
				return -d
			}
			return d
		}
	}
	return 0
}

// childRows returns the subquery rows of one parent record.
func (cp *childPlan) childRows(parent *record) []*record {
	cp.once.Do(func() {
		sub := cp.plan
		fidx := cp.rel.Field.idx
		all := sub.match(sub.e.o.db.rows[sub.obj], false)
		cp.index = map[string][]*record{}
		for _, r := range all {
			if id, ok := r.vals[fidx].(string); ok {
				cp.index[id] = append(cp.index[id], r)
			}
		}
		for id, list := range cp.index {
			cp.index[id] = sub.finish(list)
		}
	})
	return cp.index[parent.ID]
}

// appendRow renders one result row.
func (p *plan) appendRow(b []byte, r *record, base string) []byte {
	if p.agg != nil {
		b = append(b, '{')
		b = appendAttrs(b, "AggregateResult", "", "", base)
		for _, o := range p.agg.out {
			b = append(b, ',')
			b = appendJSONString(b, o.name)
			b = append(b, ':')
			b = appendValue(b, o.f, r.vals[o.f.idx], nil, base)
		}
		return append(b, '}')
	}
	return p.appendNodes(b, p.nodes, r, r.obj.Name, base)
}

func (p *plan) appendNodes(b []byte, nodes []*outNode, r *record, typ, base string) []byte {
	b = append(b, '{')
	b = appendAttrs(b, typ, r.obj.Name, r.ID, base)
	for _, n := range nodes {
		b = append(b, ',')
		b = appendJSONString(b, n.key)
		b = append(b, ':')
		switch {
		case n.leaf != nil:
			var v any
			if n.leaf.obj == nameObject {
				v = polyValue(r, n.leaf)
			} else {
				v = r.vals[n.leaf.idx]
			}
			b = appendValue(b, n.leaf, v, r, base)
		case n.child != nil:
			b = n.child.appendJSON(b, r, base)
		default:
			par := p.e.parent(r, n.hop)
			if par == nil {
				b = append(b, "null"...)
				break
			}
			if n.typeOf != nil {
				fields, ok := n.typeOf.whens[par.obj.Name]
				if !ok {
					fields = n.typeOf.els
				}
				kids := make([]*outNode, len(fields))
				for i, f := range fields {
					kids[i] = &outNode{key: f.Name, leaf: f}
				}
				b = p.appendNodes(b, kids, par, par.obj.Name, base)
				break
			}
			t := par.obj.Name
			if n.hop.polymorphic() {
				t = "Name"
			}
			b = p.appendNodes(b, n.kids, par, t, base)
		}
	}
	return append(b, '}')
}

// appendJSON renders a child subquery result, or null when there are no rows.
func (cp *childPlan) appendJSON(b []byte, parent *record, base string) []byte {
	rows := cp.childRows(parent)
	if len(rows) == 0 {
		return append(b, "null"...)
	}
	b = append(b, `{"totalSize":`...)
	b = strconv.AppendInt(b, int64(len(rows)), 10)
	b = append(b, `,"done":true,"records":[`...)
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = cp.plan.appendRow(b, r, base)
	}
	return append(b, "]}"...)
}
