package emit

import "github.com/podgen/podgen/schema"

// placeholder until the model emitter lands
func podModels(*schema.Protocol, Options) ([]File, error)    { return nil, nil }
func clientModels(*schema.Protocol, Options) ([]File, error) { return nil, nil }
