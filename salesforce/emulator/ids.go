package emulator

const (
	checksumAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	base62           = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	podID            = "5g"
)

// makeID builds a valid 18-char id: prefix (3) + pod (2) + 10 base62 digits of n + checksum.
// Ids of one prefix sort in the order of n, byte-wise.
func makeID(prefix string, n uint64) string {
	var b [18]byte
	copy(b[:3], prefix)
	copy(b[3:5], podID)
	for i := 14; i >= 5; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	fillChecksum(b[:])
	return string(b[:])
}

// fillChecksum writes the 3-char case checksum of b[:15] into b[15:18].
func fillChecksum(b []byte) {
	for i := 0; i < 3; i++ {
		n := 0
		for j := 0; j < 5; j++ {
			if c := b[i*5+j]; c >= 'A' && c <= 'Z' {
				n |= 1 << j
			}
		}
		b[15+i] = checksumAlphabet[n]
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// normID returns the canonical 18-char form of a 15- or 18-char id. An 18-char id is
// accepted when its suffix matches the checksum case-insensitively (as Salesforce does).
func normID(s string) (string, bool) {
	if len(s) != 15 && len(s) != 18 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return "", false
		}
	}
	var b [18]byte
	copy(b[:], s[:15])
	fillChecksum(b[:])
	if len(s) == 18 {
		for i := 15; i < 18; i++ {
			if upper(s[i]) != b[i] {
				return "", false
			}
		}
	}
	return string(b[:]), true
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// mustTo18 appends the checksum to a 15-char id; it panics on bad input (static ids only).
func mustTo18(id15 string) string {
	id, ok := normID(id15)
	if !ok {
		panic("emulator: bad static id " + id15)
	}
	return id
}
