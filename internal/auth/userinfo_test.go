package auth

import (
	"crypto/sha256"
	"strconv"
	"testing"
	"time"
)

func TestUserInfoCacheIsBounded(t *testing.T) {
	var c userInfoCache
	now := time.Now()
	for i := range UserInfoCacheSize + 50 {
		c.put(sha256.Sum256([]byte(strconv.Itoa(i))), emailOf{until: now.Add(time.Hour)}, now)
	}
	if n := len(c.entries); n > UserInfoCacheSize {
		t.Fatalf("%d entries, bound %d", n, UserInfoCacheSize)
	}
	last := sha256.Sum256([]byte(strconv.Itoa(UserInfoCacheSize + 49)))
	if _, ok := c.get(last, now); !ok {
		t.Fatal("the newest answer was not kept")
	}
	if _, ok := c.get(last, now.Add(2*time.Hour)); ok {
		t.Fatal("an answer outlived its token")
	}
}
