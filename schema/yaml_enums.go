package schema

import "go.yaml.in/yaml/v3"

// values reads an enum's `values:`, a YAML list of lowerCamelCase names.
func (f *yamlFile) values(d *def, v *yaml.Node) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		f.errorf(v, "enum %q has no values", d.name)
		return
	}
	if v.Kind != yaml.SequenceNode {
		f.errorf(v, `"values" must be a list, not a %s`, kindName(v.Kind))
		return
	}
	if len(v.Content) == 0 {
		f.errorf(v, "enum %q has no values", d.name)
	}
	seen := map[string]*EnumValue{}
	goNames := map[string]*EnumValue{}
	for _, n := range v.Content {
		name, ok := f.scalar(n, "an enum value")
		if !ok {
			continue
		}
		ev := &EnumValue{Pos: f.pos(n), Name: name, GoName: d.name + exportedName(name)}
		if f.checkValue(d, ev, seen, goNames) {
			d.enum.Values = append(d.enum.Values, ev)
		}
	}
}

// checkValue reports an invalid value, a repeated one, and two values with
// one Go constant; it returns whether ev may join the enum.
func (f *yamlFile) checkValue(d *def, ev *EnumValue, seen, goNames map[string]*EnumValue) bool {
	switch {
	case !isFieldName(ev.Name):
		f.errs.Add(ev.Pos, "invalid enum value %q: want lowerCamelCase (^[a-z][A-Za-z0-9]*$)", ev.Name)
	case seen[ev.Name] != nil:
		f.errs.Add(ev.Pos, "enum value %q is listed twice (first at line %d)", ev.Name, seen[ev.Name].Pos.Line)
	case goNames[ev.GoName] != nil:
		f.errs.Add(ev.Pos, "enum values %q and %q both become the Go constant %q", goNames[ev.GoName].Name, ev.Name, ev.GoName)
	default:
		seen[ev.Name], goNames[ev.GoName] = ev, ev
		return true
	}
	return false
}

// serialized reads an enum's `serialized: byName|byIndex`.
func (f *yamlFile) serialized(d *def, v *yaml.Node) {
	s, ok := f.scalar(v, `"serialized"`)
	if !ok {
		return
	}
	switch s {
	case "byName":
	case "byIndex":
		d.enum.ByIndex = true
	default:
		f.errorf(v, `"serialized" must be byName or byIndex, not %q`, s)
	}
}

// enumDefault reads an enum's `default: value`: the value unknown input
// becomes.
func (f *yamlFile) enumDefault(d *def, v *yaml.Node) {
	s, ok := f.scalar(v, `"default"`)
	if !ok {
		return
	}
	for _, ev := range d.enum.Values {
		if ev.Name == s {
			d.enum.Default = ev
			return
		}
	}
	names := make([]string, len(d.enum.Values))
	for i, ev := range d.enum.Values {
		names[i] = ev.Name
	}
	f.errorf(v, "the default %q is not a value of enum %q%s", s, d.name, didYouMean(s, names))
}
