package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// serverFutureCalls writes server/futurecalls.go, which the scheduler of
// static/pod/futurecall_run.go runs calls through:
//
//	func futureCallRunners() map[string]pod.FutureCallRunner {
//		return map[string]pod.FutureCallRunner{"SendReminder": runSendReminder}
//	}
//	func runSendReminder(s *pod.Session, arg []byte) error {
//		var v pod.Reminder
//		d := pod.NewJSONDecoder(arg)
//		d.ReadStoredForm()
//		... decode v ...
//		return (&endpoints.SendReminderFutureCall{}).Invoke(s, v)
//	}
//
// It lives in server, not pod, because it imports the endpoints package.
// Written with the server, also for apps without future calls (main.go
// calls futureCallRunners).
func serverFutureCalls(p *schema.Protocol, o Options) ([]File, error) {
	if p.EndpointsPkg == "" {
		return nil, nil
	}
	f := jen.NewFilePathName(o.Server(), "server")
	runner := jen.Qual(o.Pod(), "FutureCallRunner")
	f.Comment("futureCallRunners are the app's future calls by stored name; nil when it has none.")
	f.Func().Id("futureCallRunners").Params().Map(jen.String()).Add(runner.Clone()).BlockFunc(func(g *jen.Group) {
		if len(p.FutureCalls) == 0 {
			g.Return(jen.Nil())
			return
		}
		g.Return(jen.Map(jen.String()).Add(runner.Clone()).ValuesFunc(func(g *jen.Group) {
			for _, c := range p.FutureCalls {
				g.Line().Lit(c.Name).Op(":").Id(c.RunnerName())
			}
			g.Line()
		}))
	})
	for _, c := range p.FutureCalls {
		body := []jen.Code{
			jen.Var().Id("v").Add(goType(c.Arg, o.Pod())),
			jen.Id("d").Op(":=").Qual(o.Pod(), "NewJSONDecoder").Call(jen.Id("arg")),
			jen.Id("d").Dot("ReadStoredForm").Call(), // the server stored it: server-only fields included
			jen.Err().Op(":=").Func().Params().Error().Block(
				append(decodeValue(jen.Id("d"), c.Arg, jen.Id("v"), o.Pod()), jen.Return(jen.Id("d").Dot("End").Call()))...,
			).Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("stored argument: %w"), jen.Err()))),
			jen.Return(jen.Parens(jen.Op("&").Qual(o.Endpoints, c.GoName).Values()).Dot("Invoke").Call(jen.Id("s"), jen.Id("v"))),
		}
		f.Commentf("run%s decodes a stored argument and invokes %s.", c.Name, c.GoName)
		f.Func().Id(c.RunnerName()).Params(jen.Id("s").Op("*").Qual(o.Pod(), "Session"), jen.Id("arg").Index().Byte()).
			Error().Block(body...)
	}
	return []File{{Path: "server/futurecalls.go", Jen: f}}, nil
}
