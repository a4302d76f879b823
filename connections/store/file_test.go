package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func openFile(t *testing.T, path string, key []byte) *File {
	t.Helper()
	f, err := OpenFile(path, key, "SFMCP_TOKEN_KEY")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "tokens.enc")
	key := newKey(t)
	conformance(t, openFile(t, path, key))

	// A second instance (another process, in effect) reads what the first wrote.
	ctx := context.Background()
	a := openFile(t, path, key)
	if err := a.Put(ctx, Key{"prod", "alice"}, Secret{RefreshToken: "rt-a"}); err != nil {
		t.Fatal(err)
	}
	b := openFile(t, path, key)
	if got, err := b.Get(ctx, Key{"prod", "alice"}); err != nil || got.RefreshToken != "rt-a" {
		t.Fatalf("second instance Get = %+v, %v", got, err)
	}
	// The token is not in the file in clear text.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("rt-a")) || bytes.Contains(data, []byte("alice")) {
		t.Fatal("token file holds clear text")
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("created directory mode = %v, want 0700", fi.Mode().Perm())
	}
}

func TestFilePermissions(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "tokens.enc")
	f := openFile(t, path, newKey(t))
	if err := f.Put(context.Background(), Key{"c", "p"}, Secret{RefreshToken: "x"}); err != nil {
		t.Fatal(err)
	}
	// Loosened by someone: the next write puts it back to 0600.
	for _, mode := range []os.FileMode{0, 0o644} {
		if mode != 0 {
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			if err := f.Put(context.Background(), Key{"c", "p"}, Secret{RefreshToken: "y"}); err != nil {
				t.Fatal(err)
			}
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("token file mode = %v, want 0600", fi.Mode().Perm())
		}
	}
	if fi, _ := os.Stat(path + ".lock"); fi.Mode().Perm() != 0o600 {
		t.Fatalf("lock file mode = %v", fi.Mode().Perm())
	}
}

func TestFileTooBig(t *testing.T) {
	f := openFile(t, filepath.Join(t.TempDir(), "tokens.enc"), newKey(t))
	if err := f.Put(context.Background(), Key{"c", "p"}, tooBigSecret(MaxFileValue)); !errors.Is(err, ErrTooBig) {
		t.Fatalf("err = %v, want ErrTooBig", err)
	}
}

func TestFileWrongKeyOrCorrupt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.enc")
	key := newKey(t)
	f := openFile(t, path, key)
	if err := f.Put(ctx, Key{"prod", "alice"}, Secret{RefreshToken: "rt"}); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)-1] ^= 1
	cases := []struct {
		name string
		data []byte
	}{
		{"wrong key", openAndSeal(t, newKey(t))},
		{"flipped byte", flipped},
		{"truncated", good[:len(good)/2]},
		{"garbage", []byte("hello, not a token file")},
		{"empty", nil},
	}
	want := "cannot decrypt token file " + path + ": wrong SFMCP_TOKEN_KEY or corrupt file; restore the key or delete the file and log in again"
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := OpenFile(path, key, "SFMCP_TOKEN_KEY"); err == nil || err.Error() != want {
				t.Fatalf("OpenFile err = %v\nwant %s", err, want)
			}
			// The store opened before the damage reports it too, and never overwrites the file.
			live := f
			before, _ := os.ReadFile(path)
			if _, err := live.Get(ctx, Key{"prod", "alice"}); err == nil || err.Error() != want {
				t.Fatalf("Get err = %v", err)
			}
			if err := live.Put(ctx, Key{"prod", "bob"}, Secret{RefreshToken: "new"}); err == nil || err.Error() != want {
				t.Fatalf("Put err = %v", err)
			}
			if err := live.Delete(ctx, Key{"prod", "alice"}); err == nil || err.Error() != want {
				t.Fatalf("Delete err = %v", err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) || !bytes.Equal(after, tc.data) {
				t.Fatal("undecryptable token file was overwritten")
			}
		})
	}
}

// openAndSeal returns the bytes of a valid token file encrypted with key.
func openAndSeal(t *testing.T, key []byte) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.enc")
	if err := openFile(t, p, key).Put(context.Background(), Key{"x", "y"}, Secret{RefreshToken: "z"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseKey(t *testing.T) {
	raw := newKey(t)
	for _, s := range []string{
		hex.EncodeToString(raw), strings.ToUpper(hex.EncodeToString(raw)),
		base64.StdEncoding.EncodeToString(raw), base64.RawStdEncoding.EncodeToString(raw),
		base64.URLEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw),
		" " + base64.StdEncoding.EncodeToString(raw) + "\n",
	} {
		got, err := ParseKey(s)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("ParseKey(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "short", hex.EncodeToString(raw[:16]), base64.StdEncoding.EncodeToString(append(raw, 1)), strings.Repeat("z", 64)} {
		_, err := ParseKey(s)
		if err == nil {
			t.Errorf("ParseKey(%q) accepted", s)
			continue
		}
		if !strings.Contains(err.Error(), "openssl rand -base64 32") || (s != "" && strings.Contains(err.Error(), s)) {
			t.Errorf("ParseKey(%q) error = %v", s, err)
		}
	}
}

func TestLoadKey(t *testing.T) {
	raw := newKey(t)
	dir := t.TempDir()
	t.Setenv("SFMCP_TEST_KEY", base64.StdEncoding.EncodeToString(raw))
	if k, src, err := LoadKey("SFMCP_TEST_KEY", ""); err != nil || !bytes.Equal(k, raw) || src != "SFMCP_TEST_KEY" {
		t.Fatalf("env: %x %q %v", k, src, err)
	}
	t.Setenv("SFMCP_TEST_KEY", "nonsense")
	if _, _, err := LoadKey("SFMCP_TEST_KEY", ""); err == nil || !strings.Contains(err.Error(), "SFMCP_TEST_KEY") {
		t.Fatalf("bad env: %v", err)
	}
	t.Setenv("SFMCP_TEST_KEY", "")
	for name, content := range map[string][]byte{"hex": []byte(hex.EncodeToString(raw) + "\n"), "raw": raw} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		if k, src, err := LoadKey("SFMCP_TEST_KEY", p); err != nil || !bytes.Equal(k, raw) || src != "key file "+p {
			t.Fatalf("%s key file: %x %q %v", name, k, src, err)
		}
	}
	if _, _, err := LoadKey("SFMCP_TEST_KEY", filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "openssl rand") {
		t.Fatalf("missing key file: %v", err)
	}
	if _, _, err := LoadKey("SFMCP_TEST_KEY", ""); err == nil || !strings.Contains(err.Error(), "set SFMCP_TEST_KEY") {
		t.Fatalf("no key: %v", err)
	}
}

const helperEnv = "SFMCP_STORE_HELPER"

// runHelper is the subprocess side of the crash and multi-process tests.
func runHelper(mode string) {
	path := os.Getenv("SFMCP_STORE_HELPER_PATH")
	key, _, err := LoadKey("", "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	f, err := OpenFile(path, key, "SFMCP_TOKEN_KEY")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	switch mode {
	case "crash":
		// Filler makes each rewrite large, so the kill lands mid-write most of the time.
		gen := 0
		if s, err := f.Get(ctx, Key{"c", "p"}); err == nil {
			gen, _ = strconv.Atoi(s.Username)
		} else {
			for i := range 16 {
				_ = f.Put(ctx, Key{"filler", strconv.Itoa(i)}, Secret{RefreshToken: strings.Repeat("f", 4000)})
			}
		}
		// The parent kills this process when it reads a line: either at a chosen point
		// inside a write (the hook blocks there), or after a random delay ("random").
		stop := os.Getenv("SFMCP_STORE_HELPER_STOP")
		writing := 0
		for i := gen + 1; ; i++ {
			if i == gen+4 {
				testHook = func(stage string) {
					if stage == stop {
						fmt.Printf("%s %d\n", stage, writing)
						select {}
					}
				}
			}
			writing = i
			if err := f.Put(ctx, Key{"c", "p"}, genSecret(i)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			if i == gen+1 && stop == "random" {
				fmt.Println("random 0")
			}
		}
	case "writer":
		id := os.Getenv("SFMCP_STORE_HELPER_ID")
		for j := range 25 {
			if err := f.Put(ctx, Key{"w" + id, strconv.Itoa(j)}, Secret{RefreshToken: id + "-" + strconv.Itoa(j)}); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
		}
	}
	os.Exit(0)
}

func genSecret(i int) Secret {
	return Secret{RefreshToken: fmt.Sprintf("gen-%d-", i) + strings.Repeat("p", 4000), Username: strconv.Itoa(i)}
}

func helperCmd(t *testing.T, mode, path string, key []byte, extra ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "SFMCP_STORE_HELPER_PATH="+path,
		"SFMCP_TOKEN_KEY="+base64.StdEncoding.EncodeToString(key))
	cmd.Env = append(cmd.Env, extra...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestFileCrashSafety SIGKILLs a process that rewrites the token file in a loop; the file must
// always open and hold the old or the new contents.
func TestFileCrashSafety(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.enc")
	key := newKey(t)
	ctx := context.Background()
	lastGen := 0
	stages := []string{"partial", "before-rename", "after-rename", "random"}
	for round := range 12 {
		stage := stages[round%len(stages)]
		cmd := helperCmd(t, "crash", path, key, "SFMCP_STORE_HELPER_STOP="+stage)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var gotStage string
		var writing int
		if _, err := fmt.Fscanf(bufio.NewReader(out), "%s %d\n", &gotStage, &writing); err != nil || gotStage != stage {
			_ = cmd.Process.Kill()
			t.Fatalf("helper said %q %d: %v", gotStage, writing, err)
		}
		if stage == "random" {
			time.Sleep(time.Duration(round) * time.Millisecond) // vary where the kill lands
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()

		f, err := OpenFile(path, key, "SFMCP_TOKEN_KEY")
		if err != nil {
			t.Fatalf("round %d (%s): store does not open after SIGKILL: %v", round, stage, err)
		}
		s, err := f.Get(ctx, Key{"c", "p"})
		if err != nil {
			t.Fatalf("round %d (%s): %v", round, stage, err)
		}
		gen, _ := strconv.Atoi(s.Username)
		if s != genSecret(gen) || gen <= lastGen {
			t.Fatalf("round %d (%s): generation %d (previous round %d), consistent=%v", round, stage, gen, lastGen, s == genSecret(gen))
		}
		switch stage {
		case "partial", "before-rename": // killed before the rename: the old contents
			if gen != writing-1 {
				t.Fatalf("round %d (%s): generation %d, want the old %d", round, stage, gen, writing-1)
			}
			if tmps, _ := filepath.Glob(path + ".tmp-*"); len(tmps) == 0 {
				t.Fatalf("round %d (%s): no temp file, the kill did not land mid-write", round, stage)
			}
		case "after-rename": // the new contents
			if gen != writing {
				t.Fatalf("round %d (%s): generation %d, want the new %d", round, stage, gen, writing)
			}
		}
		if got, err := f.Get(ctx, Key{"filler", "15"}); err != nil || len(got.RefreshToken) != 4000 {
			t.Fatalf("round %d: filler lost: %v", round, err)
		}
		lastGen = gen
	}
	// Temp files from killed writers are cleaned up by the next write.
	f := openFile(t, path, key)
	if err := f.Put(ctx, Key{"c", "p"}, genSecret(lastGen+1)); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("stale temp file left: %s", e.Name())
		}
	}
}

// TestFileMultiProcess runs writers in several processes at once; the flock keeps every write.
func TestFileMultiProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.enc")
	key := newKey(t)
	var cmds []*exec.Cmd
	for id := range 4 {
		cmd := helperCmd(t, "writer", path, key, "SFMCP_STORE_HELPER_ID="+strconv.Itoa(id))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	f := openFile(t, path, key)
	for id := range 4 {
		for j := range 25 {
			s, err := f.Get(context.Background(), Key{"w" + strconv.Itoa(id), strconv.Itoa(j)})
			if err != nil || s.RefreshToken != fmt.Sprintf("%d-%d", id, j) {
				t.Fatalf("writer %d key %d: %+v %v", id, j, s, err)
			}
		}
	}
}
