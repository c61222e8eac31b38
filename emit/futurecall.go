package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/podgen/podgen/schema"
)

// podFutureCalls writes pod/futurecalls.go, the typed side of the future
// calls (SPEC §7) on top of static/pod/futurecall.go:
//
//	type futureCallSet struct{ SendReminder FutureCall[Reminder]; ... }
//	func (set *futureCallSet) bind(fc *FutureCalls) { set.SendReminder = FutureCall[Reminder]{...} }
//	func appendSendReminderArg(b []byte, arg Reminder) ([]byte, error)
//
// It is written even without future calls, since FutureCalls embeds
// futureCallSet.
func podFutureCalls(p *schema.Protocol, o Options) ([]File, error) {
	f := jen.NewFilePathName(o.Pod(), "pod")
	f.Comment("futureCallSet are the future calls of FutureCalls: s.FutureCalls.SendReminder, ...")
	f.Type().Id("futureCallSet").StructFunc(func(g *jen.Group) {
		for _, c := range p.FutureCalls {
			g.Comment(c.Name + " schedules " + c.GoName + ".Invoke.")
			g.Id(c.Name).Id("FutureCall").Types(goType(c.Arg, o.Pod()))
		}
	})
	f.Comment("bind points every call kind at fc.")
	f.Func().Params(jen.Id("set").Op("*").Id("futureCallSet")).Id("bind").Params(jen.Id("fc").Op("*").Id("FutureCalls")).
		BlockFunc(func(g *jen.Group) {
			for _, c := range p.FutureCalls {
				g.Id("set").Dot(c.Name).Op("=").Id("FutureCall").Types(goType(c.Arg, o.Pod())).Values(jen.Dict{
					jen.Id("fc"):   jen.Id("fc"),
					jen.Id("name"): jen.Lit(c.Name),
					jen.Id("enc"):  jen.Id(futureCallEncoder(c)),
				})
			}
		})
	for _, c := range p.FutureCalls {
		futureCallArgEncoder(f, c, o)
	}
	if len(p.FutureCalls) == 0 {
		noScheduler(f)
	}
	return []File{{Path: "pod/futurecalls.go", Jen: f}}, nil
}

// noScheduler stands in for static/pod/futurecall_run.go in an app without
// future calls: the server never makes a scheduler then (it has no
// runners), so the 600 lines of one would be dead code. The stand-in has
// what the server and podtest name, and a nil scheduler is what they hold.
func noScheduler(f *jen.File) {
	f.Comment("FutureCallScheduler would run the app's future calls from this server; the app has none,")
	f.Comment("so none is ever made: NewFutureCallScheduler returns nil, and a nil one is disabled.")
	f.Type().Id("FutureCallScheduler").Struct()
	recv := jen.Id("f").Op("*").Id("FutureCallScheduler")
	f.Comment("NewFutureCallScheduler returns nil: there are no calls to run.")
	f.Func().Id("NewFutureCallScheduler").Params(jen.Op("*").Id("Runtime"), jen.Map(jen.String()).Id("FutureCallRunner")).
		Op("*").Id("FutureCallScheduler").Block(jen.Return(jen.Nil()))
	f.Comment("Run returns at once.")
	f.Func().Params(recv.Clone()).Id("Run").Params(jen.Qual("context", "Context"), jen.Qual("time", "Duration")).Block()
	f.Comment("RunDue has nothing to run.")
	f.Func().Params(recv.Clone()).Id("RunDue").Params(jen.Qual("context", "Context")).Error().Block(jen.Return(jen.Nil()))
	f.Comment(`Status is "disabled", as for the serverless role.`)
	f.Func().Params(recv.Clone()).Id("Status").Params().String().Block(jen.Return(jen.Lit("disabled")))
}

func futureCallEncoder(c *schema.FutureCall) string { return c.ArgEncoderName() }

// futureCallArgEncoder writes append<Name>Arg, which appends the JSON the
// call's argument is stored as; it fails only on values JSON cannot carry.
func futureCallArgEncoder(f *jen.File, c *schema.FutureCall, o Options) {
	name := futureCallEncoder(c)
	var body []jen.Code
	if appendFails(c.Arg) {
		body = append(body, jen.Var().Err().Error())
	}
	body = append(body, appendStoredValue(jen.Id("b"), c.Arg, jen.Id("arg"), o.Pod())...)
	body = append(body, jen.Return(jen.Id("b"), jen.Nil()))
	f.Commentf("%s appends the stored JSON of an argument of %s.", name, c.GoName)
	f.Func().Id(name).Params(jen.Id("b").Index().Byte(), jen.Id("arg").Add(goType(c.Arg, o.Pod()))).
		Parens(jen.List(jen.Index().Byte(), jen.Error())).Block(body...)
}

// FutureCallsSQL creates the system table of the future calls, written
// into out/tables.pgsql of every app (SystemMigrations). A call is
// 'scheduled' until a server claims it, 'running' while that server holds
// its lease, and 'failed' once its attempts are spent; a call that ran
// is deleted.
const FutureCallsSQL = `CREATE TABLE IF NOT EXISTS "pod_future_call" (
	"id" bigserial PRIMARY KEY,
	"name" text NOT NULL,
	"due" timestamptz NOT NULL,
	"arg" text NOT NULL,
	"identifier" text,
	"state" text NOT NULL DEFAULT 'scheduled',
	"attempts" integer NOT NULL DEFAULT 0,
	"lease_owner" text,
	"lease_until" timestamptz,
	"last_error" text,
	"created" timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS "pod_future_call_due_idx" ON "pod_future_call" ("due") WHERE "state" = 'scheduled';
CREATE INDEX IF NOT EXISTS "pod_future_call_identifier_idx" ON "pod_future_call" ("identifier");
`

// FutureCallLeaseIndexSQL serves the scheduler's take-over of calls whose
// lease expired (their server died), run once per poll interval by every
// server: without it that statement scans the whole table.
const FutureCallLeaseIndexSQL = `CREATE INDEX IF NOT EXISTS "pod_future_call_lease_idx" ON "pod_future_call" ("lease_until") WHERE "state" = 'running';
`
