package emulator

import "net/http"

// serveREST serves /services/data/.
func (o *Org) serveREST(w http.ResponseWriter, r *http.Request) {
	u, err := o.authenticate(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	o.stats.setUser(r, u.ID)
	writeErrors(w, 0, nil, errNotFound())
}
