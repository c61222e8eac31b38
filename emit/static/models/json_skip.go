package models

import "fmt"

// Skip reads and discards one value, checking that it is valid JSON. It is
// iterative (an explicit stack of open brackets), so deep input cannot
// overflow the goroutine stack, and it honours the depth limit.
func (d *JSONDecoder) Skip() error {
	var stackBuf [32]byte
	stack := stackBuf[:0] // '{' or '[' of every container being skipped
	for {
		opened, err := d.skipScalarOrOpen(&stack)
		if err != nil {
			return err
		}
		if opened {
			continue
		}
		// After a value: close containers or move to the next element.
		for {
			if len(stack) == 0 {
				return nil
			}
			top := stack[len(stack)-1]
			c := d.peek()
			if c == closer(top) {
				d.pos++
				d.depth--
				stack = stack[:len(stack)-1]
				continue
			}
			if c != ',' {
				return d.syntaxError(fmt.Sprintf("expected ',' or '%c'", closer(top)))
			}
			d.pos++
			if top == '{' {
				if err := d.skipKey(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// skipScalarOrOpen consumes a scalar, or the opening of a container (and
// the first key of an object), reporting opened == true when a container
// with elements was entered.
func (d *JSONDecoder) skipScalarOrOpen(stack *[]byte) (opened bool, err error) {
	switch c := d.peek(); c {
	case '{', '[':
		if err := d.open(); err != nil {
			return false, err
		}
		d.first = false
		if d.peek() == closer(c) {
			d.pos++
			d.depth--
			return false, nil
		}
		*stack = append(*stack, c)
		if c == '{' {
			return true, d.skipKey()
		}
		return true, nil
	case '"':
		_, err := d.readString()
		return false, err
	case 't':
		return false, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return false, d.literal("null")
	case 0:
		return false, d.syntaxError("unexpected end of input")
	default:
		if c != '-' && (c < '0' || c > '9') {
			return false, d.syntaxError(fmt.Sprintf("unexpected character %q", c))
		}
		_, _, err := d.scanNumber()
		return false, err
	}
}

// skipKey consumes `"key":`.
func (d *JSONDecoder) skipKey() error {
	if d.peek() != '"' {
		return d.syntaxError("expected a string key")
	}
	if _, err := d.readString(); err != nil {
		return err
	}
	if d.peek() != ':' {
		return d.syntaxError("expected ':' after the key")
	}
	d.pos++
	return nil
}

func closer(open byte) byte {
	if open == '{' {
		return '}'
	}
	return ']'
}
