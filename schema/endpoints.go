package schema

// parseEndpoints reads the endpoint files into p.Endpoints, p.FutureCalls and
// p.EndpointsPkg, resolving their types against p's classes and enums.
// (placeholder until the endpoint parser lands)
func parseEndpoints(files []File, p *Protocol, errs *ErrorList) {}
