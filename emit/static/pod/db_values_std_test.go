package pod

import (
	"math/big"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

func TestNumericInt(t *testing.T) {
	for _, tt := range []struct {
		n    pgtype.Numeric
		want string // "" for an error
	}{
		{pgtype.Numeric{Int: big.NewInt(12), Valid: true}, "12"},
		{pgtype.Numeric{Int: big.NewInt(12000), Exp: -3, Valid: true}, "12"},
		{pgtype.Numeric{Int: big.NewInt(-5), Exp: 3, Valid: true}, "-5000"},
		{pgtype.Numeric{Int: big.NewInt(125), Exp: -1, Valid: true}, ""},
		{pgtype.Numeric{NaN: true, Valid: true}, ""},
		{pgtype.Numeric{Int: big.NewInt(0), InfinityModifier: pgtype.Infinity, Valid: true}, ""},
	} {
		got, err := numericInt(tt.n)
		switch {
		case tt.want == "" && (err == nil || !strings.Contains(err.Error(), "not an integer")):
			t.Errorf("%+v: %v, %v; want an error", tt.n, got, err)
		case tt.want != "" && (err != nil || got.String() != tt.want):
			t.Errorf("%+v: %v, %v; want %s", tt.n, got, err, tt.want)
		}
	}
	var p *big.Int
	if err := (bigIntScan{&p}).ScanNumeric(pgtype.Numeric{}); err != nil || p != nil {
		t.Errorf("NULL: %v, %v", p, err)
	}
	if n, _ := (bigIntValue{&p}).NumericValue(); !n.Valid || n.Int.Sign() != 0 {
		t.Errorf("nil in a required column: %+v, want 0", n)
	}
	if n, _ := (nullBigIntValue{&p}).NumericValue(); n.Valid {
		t.Errorf("nil in a nullable column: %+v, want NULL", n)
	}
	src := big.NewInt(41)
	c := cloneBigInt(src)
	c.Add(c, big.NewInt(1))
	if src.Int64() != 41 || cloneBigInt(nil) != nil {
		t.Error("cloneBigInt shares memory")
	}
}
