//go:build !freebsd

package hn

import (
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

func TestLiveUnavailable(t *testing.T) {
	_, err := Live()
	if sysexits.Code(err) != sysexits.Unavailable || !strings.Contains(err.Error(), "--state FILE") {
		t.Errorf("got %v (code %d), want exit 69 pointing at --state", err, sysexits.Code(err))
	}
}
