package schema

import "go/ast"

// authMailerType is the type an app declares in its endpoints package to
// send the auth module's verification codes (SPEC §11). The generated
// server hands a new one (&endpoints.AuthMailer{}) to the module at startup.
const authMailerType = "AuthMailer"

// authMailerMethods are the methods pod.AuthMailer requires, each
// func(s *pod.Session, email, code string) error.
var authMailerMethods = []string{"SendVerificationCode", "SendPasswordResetCode"}

// authMailer records the app's AuthMailer, which needs the auth module.
func (ep *endpointParser) authMailer(spec *ast.TypeSpec) {
	if ep.p.Config.Auth == nil {
		ep.errorf(spec.Name.Pos(), "type %s is the auth module's mailer, but the module is off: enable it in %s (modules: {auth: {email: true}}) or rename the type",
			authMailerType, ConfigFile)
		return
	}
	if spec.Assign.IsValid() || spec.TypeParams != nil {
		ep.errorf(spec.Name.Pos(), "%s must be a plain type declaration (not an alias or generic)", authMailerType)
		return
	}
	ep.mailer = spec
	ep.p.AuthMailer = true
}

// checkAuthMailer reports a method of pod.AuthMailer that the app's
// AuthMailer lacks, at the type, rather than as a compile error in the
// generated server.
func (ep *endpointParser) checkAuthMailer() {
	if ep.mailer == nil {
		return
	}
	have := map[string]bool{}
	for _, m := range ep.methods[authMailerType] {
		have[m.decl.Name.Name] = true
	}
	for _, name := range authMailerMethods {
		if !have[name] {
			ep.errorf(ep.mailer.Name.Pos(), "%s has no method %s(s *pod.Session, email, code string) error (pod.AuthMailer needs %s and %s)",
				authMailerType, name, authMailerMethods[0], authMailerMethods[1])
		}
	}
}
