package schema

// loadProtocol parses and validates the protocol files.
// (placeholder until the YAML loader lands)
func loadProtocol(files []File, errs *ErrorList) *Protocol { return &Protocol{} }
