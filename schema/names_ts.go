package schema

// tsReservedNames are the names a class, enum or exception may not take
// because the TypeScript client (emit/ts.go, emit/static/ts/runtime.ts)
// declares them, or because a declaration of that name would hide a
// JavaScript global the client uses.
var tsReservedNames = map[string]bool{
	// The client's own exports.
	"ServerException": true, "ClientError": true, "ClientOptions": true, "CallOptions": true,
	"Fetch": true, "FetchResponse": true, "AbortSignalLike": true,
	// Globals and standard types the client refers to.
	"Array": true, "Boolean": true, "Date": true, "Error": true, "JSON": true, "Number": true,
	"Object": true, "Promise": true, "Record": true, "RegExp": true, "Symbol": true,
	"Uint8Array": true, "Omit": true, "Partial": true, "Readonly": true, "TypeError": true,
}
