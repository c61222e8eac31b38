package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// serverModules writes server/modules.go: the server's side of podgen's
// optional modules. Every app has startModules (run once at startup) and
// startRequest (run for each call, after its session is made); an app with
// the auth module also has authorized, which the handlers of methods that
// need a login call before they decode anything:
//
//	func startModules(rt *pod.Runtime) error { return rt.StartAuth(&endpoints.AuthMailer{}) }
//	func startRequest(c *call) { c.session.Auth.FromRequest(c.r.Header.Get("Authorization"), clientAddress(c.r)) }
func serverModules(p *schema.Protocol, o Options) *jen.File {
	f := jen.NewFilePathName(o.Server(), "server")
	if p.Config.Auth == nil {
		f.Comment("startModules starts podgen's optional modules (podgen.yaml); this app")
		f.Comment("enables none.")
		f.Func().Id("startModules").Params(jen.Op("*").Qual(o.Pod(), "Runtime")).Error().Block(jen.Return(jen.Nil()))
		f.Comment("startRequest gives a call's session what the modules need of its request.")
		f.Func().Id("startRequest").Params(jen.Op("*").Id("call")).Block()
		return f
	}
	mailer := jen.Nil()
	mailerDoc := "The app declares no AuthMailer: codes are logged in development mode, and any other mode refuses to start."
	if p.AuthMailer {
		mailer = jen.Op("&").Qual(o.Endpoints, "AuthMailer").Values()
		mailerDoc = "Verification codes go out through the app's endpoints.AuthMailer."
	}
	f.Comment("startModules starts the auth module (podgen.yaml) with its mailer.")
	f.Comment(mailerDoc)
	f.Func().Id("startModules").Params(jen.Id("rt").Op("*").Qual(o.Pod(), "Runtime")).Error().Block(
		jen.Return(jen.Id("rt").Dot("StartAuth").Call(mailer)))
	f.Comment("startRequest hands the call's key and client address to its session's")
	f.Comment("s.Auth, which checks the key when the call first asks who is signed in.")
	f.Func().Id("startRequest").Params(jen.Id("c").Op("*").Id("call")).Block(
		jen.Id("c").Dot("session").Dot("Auth").Dot("FromRequest").Call(
			jen.Id("c").Dot("r").Dot("Header").Dot("Get").Call(jen.Lit("Authorization")),
			jen.Id("clientAddress").Call(jen.Id("c").Dot("r"))))
	authorized(f, o)
	return f
}

// authorized writes the check of //podgen:login and //podgen:scope: 401
// without a valid key, 403 without a scope, and the database's error as
// for any other call.
func authorized(f *jen.File, o Options) {
	c := jen.Id("c")
	f.Comment("authorized reports whether the call's user is signed in and holds every")
	f.Comment("scope; if not, it has answered 401 (no valid key) or 403 (a scope missing).")
	f.Func().Id("authorized").Params(c.Clone().Op("*").Id("call"), jen.Id("scopes").Op("...").String()).Bool().Block(
		jen.Err().Op(":=").Add(c.Clone()).Dot("session").Dot("Auth").Dot("Require").Call(jen.Id("scopes").Op("...")),
		jen.Var().Id("missing").Op("*").Qual(o.Pod(), "MissingScopeError"),
		jen.Switch().Block(
			jen.Case(jen.Err().Op("==").Nil()).Block(jen.Return(jen.True())),
			jen.Case(jen.Qual("errors", "Is").Call(jen.Err(), jen.Qual(o.Pod(), "ErrNotSignedIn"))).Block(
				c.Clone().Dot("fail").Call(jen.Qual("net/http", "StatusUnauthorized"), jen.Lit("login required"))),
			jen.Case(jen.Qual("errors", "As").Call(jen.Err(), jen.Op("&").Id("missing"))).Block(
				c.Clone().Dot("fail").Call(jen.Qual("net/http", "StatusForbidden"), jen.Lit("missing scope: ").Op("+").Id("missing").Dot("Scope"))),
			jen.Default().Block(c.Clone().Dot("internalError").Call(jen.Err())),
		),
		jen.Return(jen.False()),
	)
}
