package emit

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// openAPIHeader is the first line of openapi.json: JSON has no comments, so
// podgen's header is the value of an extension member, which the generator
// recognises like a comment (generator.IsGenerated).
var openAPIHeader = `{"x-generated": "` + Header + `",`

// openAPI writes openapi.json, the OpenAPI 3.1 document of the API port
// (SPEC §12), and server/openapi.go, which holds the same bytes for the
// server to answer GET /openapi.json with:
//
//	paths:      /{endpoint}/{method}: post: requestBody {params}, 200 result, errors
//	components: schemas (classes, enums, exceptions' data, Error), bearer auth
//
// Each type's schema comes from the ts column of the kind table.
func openAPI(p *schema.Protocol, o Options) ([]File, error) {
	doc, err := openAPIDocument(p, o)
	if err != nil {
		return nil, err
	}
	f := jen.NewFilePathName(o.Server(), "server")
	f.Comment("openAPIDocument is the OpenAPI 3.1 document of the API port, served at")
	f.Comment("GET /openapi.json (the same bytes as openapi.json next to this package).")
	f.Const().Id("openAPIDocument").Op("=").Op("`" + string(doc) + "`")
	return []File{
		{Path: "openapi.json", Raw: doc},
		{Path: "server/openapi.go", Jen: f},
	}, nil
}

// openAPIDocument renders the document, indented, without a backquote
// (escaped as \u0060, so that it fits a Go raw string) and ending in a
// newline.
func openAPIDocument(p *schema.Protocol, o Options) ([]byte, error) {
	p = clientView(p)
	doc := oasObject(
		oasMember{"openapi", "3.1.0"},
		oasMember{"info", oasObject(
			oasMember{"title", o.App},
			oasMember{"version", "1"},
			oasMember{"description", "Every endpoint method is POST /{endpoint}/{method} with a JSON object of its parameters; errors answer with the Error schema."},
		)},
		oasMember{"paths", openAPIPaths(p)},
		oasMember{"components", openAPIComponents(p)},
		// Calls may carry a key; the endpoint code decides what needs one.
		oasMember{"security", []oasValue{oasObject(), oasObject(oasMember{"bearerAuth", []string{}})}},
	)
	var compact bytes.Buffer
	if err := writeOAS(&compact, doc); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	s := strings.ReplaceAll(out.String(), "`", `\u0060`) // only ever inside strings
	return []byte(openAPIHeader + strings.TrimPrefix(s, "{") + "\n"), nil
}

// openAPIPaths has one POST operation per served method.
func openAPIPaths(p *schema.Protocol) oasObj {
	var paths oasObj
	for _, e := range p.Endpoints {
		for _, m := range e.Methods {
			props, required := oasObj{}, []string{}
			for _, prm := range m.Params {
				props = append(props, oasMember{prm.Name, jsonSchemaOf(prm.Type)})
				if !prm.Optional() {
					required = append(required, prm.Name)
				}
			}
			body := oasObj{{"type", "object"}, {"properties", props}}
			if len(required) > 0 {
				body = append(body, oasMember{"required", required})
			}
			result := oasValue(oasObject(oasMember{"type", "null"}))
			if m.Result != nil {
				result = jsonSchemaOf(m.Result)
			}
			op := oasObj{
				{"operationId", e.WireName + "." + m.WireName},
				{"tags", []string{e.WireName}},
			}
			if d := strings.TrimSpace(m.Doc); d != "" {
				op = append(op, oasMember{"description", d})
			}
			if m.Access.Login { // //podgen:login: the key is required here, not optional
				op = append(op, oasMember{"security", []oasValue{oasObject(oasMember{"bearerAuth", []string{}})}})
			}
			if len(m.Access.Scopes) > 0 {
				op = append(op, oasMember{"x-podgen-scopes", m.Access.Scopes})
			}
			op = append(op,
				oasMember{"requestBody", oasObject(
					oasMember{"required", len(required) > 0},
					oasMember{"content", oasJSONContent(body)},
				)},
				oasMember{"responses", oasObject(
					oasMember{"200", oasObject(
						oasMember{"description", "The method's result (null for a method without one)."},
						oasMember{"content", oasJSONContent(result)},
					)},
					oasMember{"400", oasRefResponse("BadRequest")},
					oasMember{"default", oasRefResponse("Error")},
				)},
			)
			paths = append(paths, oasMember{"/" + e.WireName + "/" + m.WireName, oasObject(oasMember{"post", op})})
		}
	}
	if paths == nil {
		return oasObj{}
	}
	return paths
}

func oasJSONContent(schema oasValue) oasObj {
	return oasObject(oasMember{"application/json", oasObject(oasMember{"schema", schema})})
}

func oasRefResponse(name string) oasObj {
	return oasObject(oasMember{"$ref", "#/components/responses/" + name})
}

// openAPIComponents holds a schema per class, enum and exception, the
// error body, the shared error responses and the bearer scheme.
func openAPIComponents(p *schema.Protocol) oasObj {
	var schemas oasObj
	for _, e := range p.Enums {
		schemas = append(schemas, oasMember{e.Name, openAPIEnum(e)})
	}
	for _, c := range p.Classes {
		schemas = append(schemas, oasMember{c.Name, openAPIClass(c)})
	}
	for _, x := range p.Exceptions {
		schemas = append(schemas, oasMember{x.Name, openAPIClass(x)})
	}
	classes := make([]string, len(p.Exceptions))
	for i, x := range p.Exceptions {
		classes[i] = x.Name
	}
	class := oasObj{{"type", "string"}, {"description", "The exception's name, for the app's exceptions (their schemas hold data's form)."}}
	if len(classes) > 0 {
		class = append(class, oasMember{"examples", classes})
	}
	schemas = append(schemas, oasMember{"Error", oasObject(
		oasMember{"type", "object"},
		oasMember{"description", "The body of every answer but 200."},
		oasMember{"properties", oasObject(
			oasMember{"error", oasObject(oasMember{"type", "string"}, oasMember{"description", "What went wrong."})},
			oasMember{"class", class},
			oasMember{"data", oasObject(oasMember{"type", "object"}, oasMember{"description", "The exception's fields."})},
		)},
		oasMember{"required", []string{"error"}},
	)})
	errorBody := func(what string) oasObj {
		return oasObject(oasMember{"description", what}, oasMember{"content", oasJSONContent(oasRef("Error"))})
	}
	return oasObject(
		oasMember{"schemas", schemas},
		oasMember{"responses", oasObject(
			oasMember{"BadRequest", errorBody("A malformed, missing or mistyped parameter, or one of the app's exceptions (class and data).")},
			oasMember{"Error", errorBody("401 login required, 403 missing scope or origin not allowed, 404 unknown method, 413 body too large, 500 internal error, 503 overloaded or timed out.")},
		)},
		oasMember{"securitySchemes", oasObject(
			oasMember{"bearerAuth", oasObject(oasMember{"type", "http"}, oasMember{"scheme", "bearer"})},
		)},
	)
}

func openAPIEnum(e *schema.Enum) oasObj {
	s := oasObj{}
	if d := strings.TrimSpace(e.Doc); d != "" {
		s = append(s, oasMember{"description", d})
	}
	if e.ByIndex {
		idx := make([]int, len(e.Values))
		names := make([]string, len(e.Values))
		for i, v := range e.Values {
			idx[i], names[i] = i, v.Name
		}
		return append(s, oasMember{"type", "integer"}, oasMember{"enum", idx}, oasMember{"x-enum-varnames", names})
	}
	names := make([]string, len(e.Values))
	for i, v := range e.Values {
		names[i] = v.Name
	}
	return append(s, oasMember{"type", "string"}, oasMember{"enum", names})
}

// openAPIClass is the object of a class's wire fields; those that are not
// nullable are required, except a table's id (0 until stored).
func openAPIClass(c *schema.Class) oasObj {
	s := oasObj{{"type", "object"}}
	if d := strings.TrimSpace(c.Doc); d != "" {
		s = append(s, oasMember{"description", d})
	}
	props, required := oasObj{}, []string{}
	for _, f := range wireFields(c) {
		fs := jsonSchemaOf(f.Type)
		if d := strings.TrimSpace(f.Doc); d != "" {
			fs = oasObject(oasMember{"description", d}, oasMember{"allOf", []oasValue{fs}})
		}
		props = append(props, oasMember{f.Name, fs})
		if !f.Type.Nullable && !f.IsID {
			required = append(required, f.Name)
		}
	}
	s = append(s, oasMember{"properties", props})
	if len(required) > 0 {
		s = append(s, oasMember{"required", required})
	}
	return s
}
