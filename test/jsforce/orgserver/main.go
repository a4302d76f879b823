// Command orgserver serves an emulated Salesforce org on 127.0.0.1 for the jsforce fidelity
// test. It prints one JSON line on stdout, the same shape as `sfmcp demo --org-only`:
//
//	{"instance_url","login_url","client_id","client_secret","users":[{"username","password"}]}
//
// and serves until its stdin reaches EOF.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

type user struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type orgLine struct {
	InstanceURL  string `json:"instance_url"`
	LoginURL     string `json:"login_url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Users        []user `json:"users"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	rotation := flag.Bool("rotation", false, "enable refresh-token rotation")
	flag.Parse()
	org := emulator.New(emulator.Options{RefreshRotation: *rotation})
	srv, err := emulator.Start(org, *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "orgserver:", err)
		os.Exit(1)
	}
	defer srv.Close()
	line := orgLine{InstanceURL: srv.InstanceURL, LoginURL: srv.LoginURL, ClientID: org.ClientID(), ClientSecret: org.ClientSecret()}
	for _, u := range org.Users() {
		if u.Active {
			line.Users = append(line.Users, user{u.Username, u.Password})
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(line); err != nil {
		os.Exit(1)
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
}
