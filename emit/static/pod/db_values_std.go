package pod

import (
	"math/big"
	"net/url"

	"github.com/jackc/pgx/v5/pgtype"
)

// Adapters for Uri (text holding u.String()) and BigInt (numeric holding
// an integer).

// urlValue binds a Uri as its text; a nil p is NULL.
type urlValue struct{ p *url.URL }

func (v urlValue) TextValue() (pgtype.Text, error) {
	if v.p == nil {
		return pgtype.Text{}, nil
	}
	return pgtype.Text{String: v.p.String(), Valid: true}, nil
}

// urlScan scans a Uri column; text url.Parse refuses is an error.
type urlScan struct{ p *url.URL }

func (s urlScan) ScanText(v pgtype.Text) error {
	if !v.Valid {
		return errNull
	}
	u, err := url.Parse(v.String)
	if err != nil {
		return errorf("stored Uri %q: %v", v.String, err)
	}
	*s.p = *u
	return nil
}

// nullURLScan scans a nullable Uri column.
type nullURLScan struct{ p **url.URL }

func (s nullURLScan) ScanText(v pgtype.Text) error {
	if !v.Valid {
		*s.p = nil
		return nil
	}
	u := new(url.URL)
	if err := (urlScan{u}).ScanText(v); err != nil {
		return err
	}
	*s.p = u
	return nil
}

// bigIntValue binds a BigInt of a required column: nil, a BigInt's zero
// value, is stored as 0.
type bigIntValue struct{ p **big.Int }

func (v bigIntValue) NumericValue() (pgtype.Numeric, error) {
	if *v.p == nil {
		return pgtype.Numeric{Int: new(big.Int), Valid: true}, nil
	}
	return pgtype.Numeric{Int: *v.p, Valid: true}, nil
}

// nullBigIntValue binds a nullable BigInt: nil is NULL.
type nullBigIntValue struct{ p **big.Int }

func (v nullBigIntValue) NumericValue() (pgtype.Numeric, error) {
	if *v.p == nil {
		return pgtype.Numeric{}, nil
	}
	return pgtype.Numeric{Int: *v.p, Valid: true}, nil
}

// bigIntScan scans a numeric column into a BigInt: NULL is nil, a value
// with a fraction (someone wrote the table by hand), NaN or an infinity is
// an error.
type bigIntScan struct{ p **big.Int }

func (s bigIntScan) ScanNumeric(v pgtype.Numeric) error {
	if !v.Valid {
		*s.p = nil
		return nil
	}
	n, err := numericInt(v)
	if err != nil {
		return err
	}
	*s.p = n
	return nil
}

// numericInt is the integer v holds exactly: Int × 10^Exp.
func numericInt(v pgtype.Numeric) (*big.Int, error) {
	if v.NaN || v.InfinityModifier != pgtype.Finite {
		return nil, errorf("numeric %s is not an integer", numericText(v))
	}
	n := new(big.Int).Set(v.Int)
	if v.Exp == 0 {
		return n, nil
	}
	ten := big.NewInt(10)
	if v.Exp > 0 {
		return n.Mul(n, new(big.Int).Exp(ten, big.NewInt(int64(v.Exp)), nil)), nil
	}
	var rem big.Int
	n.QuoRem(n, new(big.Int).Exp(ten, big.NewInt(-int64(v.Exp)), nil), &rem)
	if rem.Sign() != 0 {
		return nil, errorf("numeric %s is not an integer", numericText(v))
	}
	return n, nil
}

// numericText spells v for an error message.
func numericText(v pgtype.Numeric) string {
	b, err := v.MarshalJSON()
	if err != nil {
		return "value"
	}
	return string(b)
}
